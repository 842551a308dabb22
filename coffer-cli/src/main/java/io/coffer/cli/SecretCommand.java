package io.coffer.cli;

import com.azure.core.exception.HttpResponseException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.client.VaultAccess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coffer secret}: read and write secrets in any Key-Vault-compatible vault (Coffer or Azure)
 * with the official SDK, authenticated the way the SDK's environment settings describe.
 */
@Command(
    name = "secret",
    mixinStandardHelpOptions = true,
    description = "Set, show and list secrets in a Key Vault or Coffer vault.",
    subcommands = {SecretCommand.Set.class, SecretCommand.Show.class, SecretCommand.Listing.class})
final class SecretCommand {

  /** Where the vault is and who we are: VAULT_URL and the AZURE_* variables, as dev.env sets. */
  static final class VaultOptions {
    @Option(
        names = "--vault-url",
        defaultValue = "${env:VAULT_URL}",
        description = "vault URL (default: $VAULT_URL)")
    String vaultUrl;

    @Mixin VaultLoginOptions login = new VaultLoginOptions();

    SecretClient client() {
      if (vaultUrl == null || vaultUrl.isBlank()) {
        throw new IllegalArgumentException("no vault: pass --vault-url or set VAULT_URL");
      }
      return new SecretClientBuilder()
          .vaultUrl(vaultUrl)
          .credential(VaultAccess.credential(login.settings()))
          .buildClient();
    }
  }

  /** Exactly one source for a value; a file or stdin keeps it out of the process list. */
  static final class ValueSource {
    @Option(names = "--value", description = "the value (visible to other local users in ps)")
    String value;

    @Option(names = "--value-file", description = "read the value from a file, or - for stdin")
    String file;

    String read() throws IOException {
      if (value != null) {
        return value;
      }
      byte[] bytes =
          file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Set a secret (a new version).")
  static final class Set implements Callable<Integer> {
    @Mixin VaultOptions vault;

    @Option(names = "--name", required = true)
    String name;

    @ArgGroup(multiplicity = "1")
    ValueSource value;

    @Option(names = "--content-type")
    String contentType;

    @Option(names = "--tag", description = "name=value, repeatable")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(
        names = "--expires",
        converter = SecretTimes.MomentConverter.class,
        description =
            "when the secret expires: 2027-03-01 (midnight UTC), 2027-03-01T12:00:00Z, or a span"
                + " from now: 90d, 12h, P90D")
    OffsetDateTime expires;

    @Option(
        names = "--not-before",
        converter = SecretTimes.MomentConverter.class,
        description = "when the secret becomes usable; same forms as --expires")
    OffsetDateTime notBefore;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      KeyVaultSecret secret = new KeyVaultSecret(name, value.read());
      secret
          .getProperties()
          .setContentType(contentType)
          .setTags(tags.isEmpty() ? null : tags)
          .setExpiresOn(expires)
          .setNotBefore(notBefore);
      return answer(spec, () -> vault.client().setSecret(secret).getId());
    }
  }

  @Command(name = "show", description = "Print a secret's value.")
  static final class Show implements Callable<Integer> {
    // Not the standard help options: their --version would take the name of the secret's version.
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help and exit.")
    boolean help;

    @Mixin VaultOptions vault;

    @Option(names = "--name", required = true)
    String name;

    @Option(names = "--version", defaultValue = "")
    String version;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return answer(spec, () -> vault.client().getSecret(name, version).getValue());
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "List secrets (never their values): name, enabled, expiry, content type, tags; soonest"
              + " expiry first with --expiring-within.")
  static final class Listing implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin VaultOptions vault;

    @Option(
        names = "--expiring-within",
        converter = SecretTimes.SpanConverter.class,
        description = "only secrets that expire within this span (30d, 12h, P30D) or have expired")
    Duration expiringWithin;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table",
        description = "table or json (default: table)")
    String output;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return answer(
          spec,
          () -> {
            Instant now = Instant.now();
            List<SecretProperties> secrets = new ArrayList<>();
            for (SecretProperties secret : vault.client().listPropertiesOfSecrets()) {
              if (expiringWithin == null
                  || (secret.getExpiresOn() != null
                      && !secret.getExpiresOn().toInstant().isAfter(now.plus(expiringWithin)))) {
                secrets.add(secret);
              }
            }
            secrets.sort(
                expiringWithin == null
                    ? Comparator.comparing(SecretProperties::getName)
                    : Comparator.comparing(SecretProperties::getExpiresOn)
                        .thenComparing(SecretProperties::getName));
            ObjectNode listing = JSON.createObjectNode();
            ArrayNode rows = listing.putArray("value");
            secrets.forEach(secret -> rows.add(row(secret, now)));
            StringWriter text = new StringWriter();
            Output.named(output)
                .print(
                    new PrintWriter(text),
                    listing,
                    "name",
                    "enabled",
                    "expires",
                    "expiry",
                    "contentType",
                    "tags");
            return text.toString().stripTrailing();
          });
    }

    /** One secret for people (the table's columns) and scripts (days left as a number). */
    private static ObjectNode row(SecretProperties secret, Instant now) {
      ObjectNode row = JSON.createObjectNode();
      row.put("name", secret.getName());
      row.put("enabled", !Boolean.FALSE.equals(secret.isEnabled()));
      row.put("notBefore", utc(secret.getNotBefore()));
      row.put("expires", utc(secret.getExpiresOn()));
      row.put("expiry", SecretTimes.expiry(secret.getExpiresOn(), now));
      if (secret.getExpiresOn() == null) {
        row.putNull("expiresInDays");
      } else {
        row.put("expiresInDays", SecretTimes.daysLeft(secret.getExpiresOn(), now));
      }
      row.put("contentType", secret.getContentType());
      ObjectNode tags = row.putObject("tags");
      if (secret.getTags() != null) {
        new TreeMap<>(secret.getTags()).forEach(tags::put);
      }
      row.put("id", secret.getId());
      return row;
    }

    private static String utc(OffsetDateTime time) {
      return time == null ? null : time.toInstant().toString();
    }
  }

  /** Prints the result, or the service's error in one line without a stack trace. */
  private static int answer(CommandSpec spec, Callable<String> call) {
    PrintWriter out = spec.commandLine().getOut();
    try {
      out.println(call.call());
      out.flush();
      return 0;
    } catch (HttpResponseException e) {
      spec.commandLine()
          .getErr()
          .println(
              "coffer: HTTP " + e.getResponse().getStatusCode() + ": " + firstLine(e.getMessage()));
      return 1;
    } catch (Exception e) {
      spec.commandLine().getErr().println("coffer: " + firstLine(e.getMessage()));
      return 1;
    }
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }
}
