package io.coffer.server.http;

import io.coffer.server.rotation.RotationPolicy;
import io.coffer.server.rotation.RotationRun;
import io.coffer.server.rotation.RotationStatus;
import io.coffer.server.rotation.SecretRotation;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Rotation policies and runs in the management API. */
final class RotationRoutes {
  private static final String PATH = "/vaults/{vault}/rotations";

  record PolicyView(
      String secret,
      String postgres,
      String role,
      List<String> logins,
      String adminSecret,
      String every,
      String grace,
      int nearExpiryDays,
      String nextDue,
      String lastRotated,
      String lastStatus,
      String lastError,
      List<RunView> runs) {}

  record RunView(
      String id,
      String secret,
      String cause,
      String started,
      long startedMs,
      long durationMs,
      String status,
      String version,
      String login,
      String error) {
    static RunView of(RotationRun r) {
      return new RunView(
          r.id(),
          r.secret(),
          r.cause(),
          r.started().toString(),
          r.started().toEpochMilli(),
          Duration.between(r.started(), r.finished()).toMillis(),
          r.status(),
          r.version(),
          r.login(),
          r.error());
    }
  }

  private final SecretRotation rotation;
  private final Vaults vaults;
  private final AdminAccess access;

  RotationRoutes(SecretRotation rotation, Vaults vaults, AdminAccess access) {
    this.rotation = rotation;
    this.vaults = vaults;
    this.access = access;
  }

  List<Route> routes() {
    return List.of(
        access.route(
            "GET",
            PATH,
            ex ->
                new AdminViews.Listing<>(
                    rotation.list(vault(ex)).stream().map(p -> view(p, List.of())).toList())),
        access.route("PUT", PATH + "/{secret}", this::set),
        access.route("GET", PATH + "/{secret}", this::show),
        access.route(
            "DELETE",
            PATH + "/{secret}",
            ex -> {
              rotation.remove(vault(ex), ex.pathParameter("secret"));
              return null;
            }),
        access.route(
            "POST",
            PATH + "/{secret}/run",
            ex -> RunView.of(rotation.runNow(vault(ex), ex.pathParameter("secret")))));
  }

  private Object set(Exchange exchange) {
    AdminBody body = AdminBody.of(exchange);
    Duration every = RotationPolicy.duration("every", body.optional("every").orElse("30d"));
    Duration grace = RotationPolicy.duration("grace", body.optional("grace").orElse("2h"));
    RotationPolicy policy =
        new RotationPolicy(
            body.text("postgres"),
            body.text("role"),
            body.text("adminSecret"),
            every,
            grace,
            body.integer("nearExpiryDays", 0));
    return view(rotation.set(vault(exchange), exchange.pathParameter("secret"), policy), List.of());
  }

  private Object show(Exchange exchange) {
    Vault vault = vault(exchange);
    String secret = exchange.pathParameter("secret");
    return view(
        rotation.get(vault, secret),
        rotation.runs(vault, secret, 10).stream().map(RunView::of).toList());
  }

  private static PolicyView view(RotationStatus p, List<RunView> runs) {
    return new PolicyView(
        p.secret(),
        p.jdbcUrl(),
        p.role(),
        p.logins(),
        p.adminSecret(),
        p.every().toString(),
        p.grace().toString(),
        p.nearExpiryDays(),
        p.nextDue().toString(),
        p.lastRotated().map(Instant::toString).orElse(""),
        p.lastStatus(),
        p.lastError(),
        runs);
  }

  private Vault vault(Exchange exchange) {
    return vaults.named(exchange.pathParameter("vault"));
  }
}
