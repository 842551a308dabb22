package io.coffer.server.storage;

import java.util.List;
import java.util.Optional;

/**
 * The directory: tenants, principals and what proves them (client secrets, certificates, federated
 * credentials, passwords), and which principals administer Coffer.
 */
public interface DirectoryStore {

  void insertTenant(TenantRecord tenant);

  Optional<TenantRecord> tenant(String idOrName);

  List<TenantRecord> tenants();

  void insertPrincipal(PrincipalRecord principal);

  Optional<PrincipalRecord> principalByClientId(String clientId);

  Optional<PrincipalRecord> principal(String objectId);

  Optional<PrincipalRecord> principalByUserName(String userName);

  List<PrincipalRecord> principals(String tenantId);

  void setPrincipalEnabled(String objectId, boolean enabled);

  /** Removes a principal with its credentials, assignments and policies. */
  boolean deletePrincipal(String objectId);

  Optional<String> passwordHash(String objectId);

  void setPasswordHash(String objectId, String hash);

  void insertClientSecret(ClientSecretRecord secret);

  List<ClientSecretRecord> clientSecrets(String principalId);

  boolean deleteClientSecret(String principalId, String id);

  void insertCertificate(CertificateRecord certificate);

  List<CertificateRecord> certificates(String principalId);

  boolean deleteCertificate(String principalId, String id);

  void insertFederatedCredential(FederatedCredentialRecord credential);

  List<FederatedCredentialRecord> federatedCredentials(String principalId);

  boolean deleteFederatedCredential(String principalId, String id);

  void insertAdministrator(String principalId, long created);

  boolean isAdministrator(String principalId);

  int administratorCount();
}
