package io.coffer.server.identity;

import io.coffer.server.crypto.Digests;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.OneTimeStore;
import io.coffer.server.storage.PrincipalRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A user's name and password checked, with Entra's smart lockout: after {@value #LOCKOUT_THRESHOLD}
 * failures a name is locked for {@link #LOCKOUT}, whether or not the name exists, so guessing costs
 * time and reveals nothing. Failures are counted apart for the addresses the user has signed in
 * from before (familiar: each its own count) and for every other address (one count together), so a
 * stranger's guesses lock strangers out, not the owner at a familiar client. An administrator can
 * clear every count of a user. The sign-in page and the password grant share the counts.
 */
final class PasswordSignIn {
  static final int LOCKOUT_THRESHOLD = 10;
  static final Duration LOCKOUT = Duration.ofMinutes(15);

  /** How long an address stays familiar after a successful sign-in from it. */
  static final Duration FAMILIAR_FOR = Duration.ofDays(90);

  private static final String FAMILIAR = "familiar-address/";

  private final DirectoryStore directory;
  private final OneTimeStore failures;
  private final Clock clock;

  PasswordSignIn(DirectoryStore directory, OneTimeStore failures, Clock clock) {
    this.directory = directory;
    this.failures = failures;
    this.clock = clock;
  }

  /** The user a name and password prove, if they do and the user is enabled. */
  Optional<DirectoryPrincipal> signIn(
      String tenantId, String userName, String password, String clientAddress) {
    String user = userKey(tenantId, userName);
    long now = clock.instant().getEpochSecond();
    // A fixed-size, non-reversible name for a (user, address) pair.
    String pair = Digests.sha256Hex(user + "/" + clientAddress);
    boolean familiar = failures.used(FAMILIAR + pair, now);
    String attemptKey = user + (familiar ? "familiar/" + pair.substring(0, 32) : "unfamiliar");
    // Counted in storage, so every node sharing it sees the same count; the lockout runs from the
    // latest failure.
    long since = now - LOCKOUT.toSeconds();
    if (failures.signInFailures(attemptKey, since) >= LOCKOUT_THRESHOLD) {
      return Optional.empty();
    }
    Optional<DirectoryPrincipal> proven = check(tenantId, userName, password);
    if (proven.isEmpty()) {
      failures.recordSignInFailure(attemptKey, now, since);
    } else {
      failures.clearSignInFailures(attemptKey);
      if (!familiar) {
        failures.firstUseOfAssertion(FAMILIAR + pair, now + FAMILIAR_FOR.toSeconds(), now);
      }
    }
    return proven;
  }

  /** Clears every failure count of a user, from familiar addresses and from others. */
  void unlock(String tenantId, String userName) {
    failures.clearSignInFailuresStartingWith(userKey(tenantId, userName));
  }

  private static String userKey(String tenantId, String userName) {
    return tenantId + "/" + userName.toLowerCase(Locale.ROOT) + "/";
  }

  private Optional<DirectoryPrincipal> check(String tenantId, String userName, String password) {
    Optional<PrincipalRecord> user =
        directory
            .principalByUserName(userName)
            .filter(p -> p.tenantId().equals(tenantId) && p.enabled());
    Optional<String> hash = user.flatMap(p -> directory.passwordHash(p.objectId()));
    // Hash even for an unknown name, so timing does not tell which names exist.
    boolean matches = SecretHasher.matches(password, hash.orElse(SecretHasher.decoy()));
    return hash.isPresent() && matches ? user.map(DirectoryPrincipal::of) : Optional.empty();
  }
}
