package io.coffer.server.identity;

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
 * time and reveals nothing. The sign-in page and the password grant share it, and so share one
 * count.
 */
final class PasswordSignIn {
  static final int LOCKOUT_THRESHOLD = 10;
  static final Duration LOCKOUT = Duration.ofMinutes(15);

  private final DirectoryStore directory;
  private final OneTimeStore failures;
  private final Clock clock;

  PasswordSignIn(DirectoryStore directory, OneTimeStore failures, Clock clock) {
    this.directory = directory;
    this.failures = failures;
    this.clock = clock;
  }

  /** The user a name and password prove, if they do and the user is enabled. */
  Optional<DirectoryPrincipal> signIn(String tenantId, String userName, String password) {
    String attemptKey = tenantId + "/" + userName.toLowerCase(Locale.ROOT);
    // Counted in storage, so every node sharing it sees the same count; the lockout runs from the
    // latest failure.
    long now = clock.instant().getEpochSecond();
    long since = now - LOCKOUT.toSeconds();
    if (failures.signInFailures(attemptKey, since) >= LOCKOUT_THRESHOLD) {
      return Optional.empty();
    }
    Optional<DirectoryPrincipal> proven = check(tenantId, userName, password);
    if (proven.isEmpty()) {
      failures.recordSignInFailure(attemptKey, now, since);
    } else {
      failures.clearSignInFailures(attemptKey);
    }
    return proven;
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
