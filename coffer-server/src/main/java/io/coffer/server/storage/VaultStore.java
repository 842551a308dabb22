package io.coffer.server.storage;

import java.util.List;
import java.util.Optional;

/** Vaults and who may use them: role assignments (RBAC vaults) and access policies (the others). */
public interface VaultStore {

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
}
