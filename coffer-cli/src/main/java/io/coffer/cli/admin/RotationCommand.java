package io.coffer.cli.admin;

import static io.coffer.cli.admin.AdminClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.cli.CommandFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coffer admin rotation}: PostgreSQL passwords Coffer rotates itself. */
@Command(
    name = "rotation",
    description = "Rotation of PostgreSQL passwords held in secrets, performed by Coffer.",
    subcommands = {
      RotationCommand.Set.class,
      RotationCommand.List.class,
      RotationCommand.Show.class,
      RotationCommand.Run.class,
      RotationCommand.Remove.class
    })
final class RotationCommand {
  private static final String[] POLICY = {
    "secret", "role", "postgres", "every", "grace", "nextDue", "lastRotated", "lastStatus"
  };
  private static final String[] RUN = {
    "status", "cause", "login", "version", "durationMs", "error"
  };

  /** A call about one secret's rotation. */
  abstract static class RotationCall extends AdminCommand.VaultCall {
    @Option(names = "--secret", required = true)
    String secret;

    String path() {
      return vaultPath() + "/rotations/" + segment(secret);
    }
  }

  @Command(
      name = "set",
      description =
          "Rotate a secret's PostgreSQL password: two logins <role>_a/<role>_b alternate, each"
              + " new one written as {\"user\",\"password\"}; the previous keeps working for the"
              + " grace period.")
  static final class Set extends RotationCall {
    @Option(names = "--postgres", required = true, description = "jdbc:postgresql://host:port/db")
    String postgres;

    @Option(names = "--role", required = true, description = "the role whose privileges logins get")
    String role;

    @Option(
        names = "--admin-secret",
        required = true,
        description = "a secret holding {\"user\",\"password\"} of a login with CREATEROLE")
    String adminSecret;

    @Option(names = "--every", defaultValue = "30d", description = "e.g. 30d, 12h (default 30d)")
    String every;

    @Option(names = "--grace", defaultValue = "2h", description = "shorter than --every (2h)")
    String grace;

    @Option(
        names = "--near-expiry-days",
        defaultValue = "0",
        description = "rotate this many days before the secret's expiry (0: off)")
    int nearExpiryDays;

    JsonNode call(AdminClient c) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("postgres", postgres);
      body.put("role", role);
      body.put("adminSecret", adminSecret);
      body.put("every", every);
      body.put("grace", grace);
      body.put("nearExpiryDays", nearExpiryDays);
      return c.put(path(), body);
    }

    String[] columns() {
      return POLICY;
    }
  }

  @Command(name = "list", description = "List a vault's rotation policies.")
  static final class List extends AdminCommand.VaultCall {
    JsonNode call(AdminClient c) {
      return c.get(vaultPath() + "/rotations");
    }

    String[] columns() {
      return POLICY;
    }
  }

  @Command(name = "show", description = "Show a policy with its last runs (-o json for the runs).")
  static final class Show extends RotationCall {
    JsonNode call(AdminClient c) {
      return c.get(path());
    }

    String[] columns() {
      return POLICY;
    }
  }

  @Command(name = "run", description = "Rotate now; exits 1 if the rotation failed.")
  static final class Run extends RotationCall {
    JsonNode call(AdminClient c) {
      JsonNode run = c.post(path() + "/run", Map.of());
      if (!"succeeded".equals(run.path("status").asText())) {
        throw new CommandFailure(
            "the rotation failed; the previous login still works: " + run.path("error").asText());
      }
      return run;
    }

    String[] columns() {
      return RUN;
    }
  }

  @Command(name = "remove", description = "Stop rotating a secret (its logins stay as they are).")
  static final class Remove extends RotationCall {
    JsonNode call(AdminClient c) {
      return c.delete(path());
    }

    String[] columns() {
      return new String[] {};
    }
  }
}
