package io.coffer.server.storage;

import java.util.List;
import java.util.Optional;

/** Tenants, principals and their credentials, vaults, role assignments and signing keys. */
public interface DirectoryStore {

  void insertTenant(TenantRecord tenant);

  Optional<TenantRecord> tenant(String idOrName);

  void insertPrincipal(PrincipalRecord principal);

  Optional<PrincipalRecord> principalByClientId(String clientId);

  Optional<PrincipalRecord> principal(String objectId);

  void insertClientSecret(ClientSecretRecord secret);

  List<ClientSecretRecord> clientSecrets(String principalId);

  void insertVault(VaultRecord vault);

  Optional<VaultRecord> vaultByName(String name);

  List<VaultRecord> vaults();

  void insertRoleAssignment(RoleAssignmentRecord assignment);

  List<RoleAssignmentRecord> roleAssignments(String principalId);

  void insertSigningKey(SigningKeyRecord key);

  List<SigningKeyRecord> signingKeys();

  /** Makes {@code kid} the only active signing key; older keys stay for verification. */
  void activateSigningKey(String kid);
}
