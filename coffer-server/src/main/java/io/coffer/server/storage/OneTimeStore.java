package io.coffer.server.storage;

import java.util.Optional;

/**
 * State that is spent once or forgotten soon: bootstrap tokens, authorization codes, the ids of
 * client assertions already used, and counts of failed sign-ins. It lives in storage rather than in
 * memory so that every node sharing the storage, and a restarted one, sees the same.
 */
public interface OneTimeStore {

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
}
