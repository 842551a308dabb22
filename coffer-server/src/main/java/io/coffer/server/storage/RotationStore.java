package io.coffer.server.storage;

import java.util.List;
import java.util.Optional;

/** Rotation policies, by vault and secret name (compared case-insensitively), and their runs. */
public interface RotationStore {

  /** Inserts or replaces the policy of its secret. */
  void savePolicy(RotationPolicyRecord policy);

  Optional<RotationPolicyRecord> policy(String vaultId, String name);

  List<RotationPolicyRecord> policies(String vaultId);

  List<RotationPolicyRecord> allPolicies();

  boolean deletePolicy(String vaultId, String name);

  /** Records a run and the policy as it left it, in one transaction. */
  void recordRun(RotationRunRecord run, RotationPolicyRecord policy);

  /** A secret's runs, newest first. */
  List<RotationRunRecord> runs(String vaultId, String name, int limit);
}
