package io.coffer.server.rotation;

import io.coffer.server.storage.RotationPolicyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A secret's rotation as set ({@link RotationPolicy}'s fields), the two logins it alternates, and
 * how it last went ({@code never}, {@code succeeded}, {@code failed}, {@code rotating}).
 */
public record RotationStatus(
    String secret,
    String jdbcUrl,
    String role,
    List<String> logins,
    String adminSecret,
    Duration every,
    Duration grace,
    int nearExpiryDays,
    Instant nextDue,
    Optional<Instant> lastRotated,
    String lastStatus,
    String lastError) {

  public RotationStatus {
    logins = List.copyOf(logins);
  }

  static RotationStatus of(RotationPolicyRecord p) {
    return new RotationStatus(
        p.name(),
        p.jdbcUrl(),
        p.role(),
        List.of(PostgresRoles.logins(p.role())),
        p.adminSecret(),
        Duration.ofSeconds(p.everySeconds()),
        Duration.ofSeconds(p.graceSeconds()),
        p.nearExpiryDays(),
        Instant.ofEpochSecond(p.nextDue()),
        p.lastRotated().isPresent()
            ? Optional.of(Instant.ofEpochMilli(p.lastRotated().getAsLong()))
            : Optional.empty(),
        p.lastStatus(),
        p.lastError());
  }
}
