package io.coffer.server.storage;

import java.util.List;
import java.util.Optional;

/**
 * Tenants, principals and their credentials, vaults, role assignments, access policies,
 * administrators and signing keys.
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

  void insertVault(VaultRecord vault);

  Optional<VaultRecord> vaultByName(String name);

  List<VaultRecord> vaults();

  void setVaultRbac(String vaultId, boolean rbac);

  void insertRoleAssignment(RoleAssignmentRecord assignment);

  List<RoleAssignmentRecord> roleAssignments(String principalId);

  List<RoleAssignmentRecord> roleAssignmentsOnVault(String vaultId);

  Optional<RoleAssignmentRecord> deleteRoleAssignment(String id);

  /** Creates or replaces the principal's policy on the vault. */
  void putAccessPolicy(AccessPolicyRecord policy);

  List<AccessPolicyRecord> accessPolicies(String objectId);

  List<AccessPolicyRecord> accessPoliciesOnVault(String vaultId);

  boolean deleteAccessPolicy(String vaultId, String objectId);

  void insertAdministrator(String principalId, long created);

  boolean isAdministrator(String principalId);

  int administratorCount();

  void insertBootstrapToken(String hash, long expires, long created);

  /** Consumes a bootstrap token: true once, if it exists and has not expired at {@code now}. */
  boolean takeBootstrapToken(String hash, long now);

  void insertAuthorizationCode(AuthorizationCodeRecord code);

  /** Redeems a code: returns it once and deletes it, whether or not it has expired. */
  Optional<AuthorizationCodeRecord> takeAuthorizationCode(String codeHash);

  /**
   * Records the first use of a client assertion id: false if it was used before (a replay). Ids of
   * assertions that expired before {@code now} are forgotten.
   */
  boolean firstUseOfAssertion(String id, long expires, long now);

  /** Failed sign-ins of an attempt key since {@code since} (Unix seconds). */
  int signInFailures(String attemptKey, long since);

  /**
   * Counts one more failure at {@code now}; a count whose latest failure is before {@code since}
   * starts again from one. Counts older than {@code since} are forgotten.
   */
  void recordSignInFailure(String attemptKey, long now, long since);

  void clearSignInFailures(String attemptKey);

  void insertSigningKey(SigningKeyRecord key);

  List<SigningKeyRecord> signingKeys();

  /** Puts a re-wrapped data key on a signing key, if it still holds the one read. */
  boolean replaceSigningKeyWrap(
      String kid, String oldMasterKeyId, byte[] wrappedKey, String masterKeyId);

  /** Makes {@code kid} the only active signing key; older keys stay for verification. */
  void activateSigningKey(String kid);
}
