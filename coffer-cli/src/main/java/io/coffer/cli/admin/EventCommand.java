package io.coffer.cli.admin;

import static io.coffer.cli.admin.AdminClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code coffer admin event}: a vault's Event Grid subscriptions and their dead letters. */
@Command(
    name = "event",
    description = "Event subscriptions (Event Grid or CloudEvents webhooks) on a vault.",
    subcommands = {
      EventCommand.Subscribe.class,
      EventCommand.List.class,
      EventCommand.Show.class,
      EventCommand.Delete.class,
      EventCommand.DeadLetters.class
    })
final class EventCommand {
  private static final String[] SUBSCRIPTION = {
    "name",
    "endpointBaseUrl",
    "eventDeliverySchema",
    "includedEventTypes",
    "subjectBeginsWith",
    "provisioningState",
    "deliveries"
  };

  /** A call about one vault's subscriptions. */
  abstract static class EventCall extends AdminCommand.VaultCall {
    String path() {
      return vaultPath() + "/event-subscriptions";
    }
  }

  @Command(
      name = "subscribe",
      description =
          "Create or replace a subscription; the endpoint must pass the validation handshake.")
  static final class Subscribe extends EventCall {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--endpoint", required = true, description = "the webhook URL")
    String endpoint;

    @Option(
        names = "--schema",
        defaultValue = "EventGridSchema",
        description = "EventGridSchema (default) or CloudEventSchemaV1_0")
    String schema;

    @Option(
        names = "--types",
        split = ",",
        description = "event types, e.g. Microsoft.KeyVault.SecretNewVersionCreated (default: all)")
    java.util.List<String> types;

    @Option(names = "--subject-prefix", description = "only secrets whose name starts with it")
    String subjectPrefix;

    @Option(names = "--near-expiry-days", defaultValue = "30", description = "default 30")
    int nearExpiryDays;

    @Option(names = "--max-attempts", defaultValue = "30", description = "1-30 (default 30)")
    int maxAttempts;

    @Option(names = "--ttl-minutes", defaultValue = "1440", description = "1-1440 (default 1440)")
    int ttlMinutes;

    JsonNode call(AdminClient c) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("endpoint", endpoint);
      body.put("eventDeliverySchema", schema);
      body.put("includedEventTypes", types == null ? java.util.List.of() : types);
      if (subjectPrefix != null) {
        body.put("subjectBeginsWith", subjectPrefix);
      }
      body.put("nearExpiryDays", nearExpiryDays);
      body.put(
          "retryPolicy",
          Map.of("maxDeliveryAttempts", maxAttempts, "eventTimeToLiveInMinutes", ttlMinutes));
      return c.put(path() + "/" + segment(name), body);
    }

    String[] columns() {
      return SUBSCRIPTION;
    }
  }

  @Command(name = "list", description = "List a vault's subscriptions.")
  static final class List extends EventCall {
    JsonNode call(AdminClient c) {
      return c.get(path());
    }

    String[] columns() {
      return SUBSCRIPTION;
    }
  }

  @Command(name = "show", description = "Show a subscription with its delivery counts.")
  static final class Show extends EventCall {
    @Parameters(paramLabel = "NAME")
    String name;

    JsonNode call(AdminClient c) {
      return c.get(path() + "/" + segment(name));
    }

    String[] columns() {
      return SUBSCRIPTION;
    }
  }

  @Command(name = "delete", description = "Delete a subscription and what is owed to it.")
  static final class Delete extends EventCall {
    @Parameters(paramLabel = "NAME")
    String name;

    JsonNode call(AdminClient c) {
      return c.delete(path() + "/" + segment(name));
    }

    String[] columns() {
      return new String[] {};
    }
  }

  @Command(
      name = "dead-letters",
      description = "Events given up on, as Event Grid writes dead letters.")
  static final class DeadLetters extends EventCall {
    @Parameters(paramLabel = "NAME")
    String name;

    JsonNode call(AdminClient c) {
      return c.get(path() + "/" + segment(name) + "/dead-letters");
    }

    String[] columns() {
      return new String[] {
        "id", "subject", "deadLetterReason", "deliveryAttempts", "lastDeliveryOutcome"
      };
    }
  }
}
