package io.coffer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.models.SecretProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code coffer secret set|show|list} against a real Coffer through the official SDK. */
class SecretCommandTest {
  @TempDir Path dir;

  @Test
  void a_value_set_from_a_file_is_shown_again() throws IOException {
    RunningCoffer coffer = RunningCoffer.shared();
    Path value = Files.writeString(dir.resolve("value"), "cli-secret-value");
    Path clientSecret =
        Files.writeString(dir.resolve("client"), coffer.credentials().clientSecret());
    String[] login = {
      "--vault-url", coffer.vaultUrl(),
      "--tenant-id", coffer.credentials().tenantId(),
      "--client-id", coffer.credentials().clientId(),
      "--client-secret-file", clientSecret.toString(),
      "--authority-host", coffer.credentials().authorityHost()
    };
    assertThat(
            run(
                concat(
                    new String[] {
                      "set",
                      "--name",
                      "cli-set",
                      "--value-file",
                      value.toString(),
                      "--tag",
                      "owner=data"
                    },
                    login)))
        .contains(coffer.vaultUrl() + "/secrets/cli-set/");
    assertThat(run(concat(new String[] {"show", "--name", "cli-set"}, login)).strip())
        .isEqualTo("cli-secret-value");
    assertThat(coffer.secretClient().getSecret("cli-set").getProperties().getTags())
        .containsEntry("owner", "data");
  }

  @Test
  void expiry_set_as_a_span_or_a_date_is_listed_with_the_days_left() throws Exception {
    RunningCoffer coffer = RunningCoffer.shared();
    String[] login = login(coffer);
    String run = "exp-" + UUID.randomUUID().toString().substring(0, 6);
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS); // Key Vault keeps seconds
    set(login, run + "-soon", "--expires", "10d", "--not-before", "2026-01-01", "--tag", "o=d");
    set(login, run + "-gone", "--expires", "2021-06-01T12:00:00Z", "--content-type", "text/plain");
    set(login, run + "-later", "--expires", "P400D");
    set(login, run + "-never");

    SecretProperties soon = coffer.secretClient().getSecret(run + "-soon").getProperties();
    assertThat(soon.getExpiresOn().toInstant())
        .isBetween(before.plus(Duration.ofDays(10)), Instant.now().plus(Duration.ofDays(10)));
    assertThat(soon.getNotBefore().toInstant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));

    JsonNode all =
        new ObjectMapper().readTree(run(concat(new String[] {"list", "-o", "json"}, login)));
    assertThat(names(all, run))
        .containsExactly(run + "-gone", run + "-later", run + "-never", run + "-soon");
    JsonNode expiring =
        new ObjectMapper()
            .readTree(
                run(
                    concat(
                        new String[] {"list", "--expiring-within", "30d", "-o", "json"}, login)));
    // soonest first, the expired one included; a later or no expiry is left out
    assertThat(names(expiring, run)).containsExactly(run + "-gone", run + "-soon");
    JsonNode soonRow = row(expiring, run + "-soon");
    assertThat(soonRow.get("expiresInDays").asLong()).isEqualTo(10);
    assertThat(soonRow.get("expiry").asText()).isEqualTo("expires in 10 days");
    assertThat(soonRow.get("notBefore").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(soonRow.get("tags").get("o").asText()).isEqualTo("d");
    JsonNode gone = row(expiring, run + "-gone");
    assertThat(gone.get("expires").asText()).isEqualTo("2021-06-01T12:00:00Z");
    assertThat(gone.get("expiry").asText()).isEqualTo("expired");
    assertThat(gone.get("enabled").asBoolean()).isTrue();
    assertThat(gone.get("contentType").asText()).isEqualTo("text/plain");

    String table = run(concat(new String[] {"list", "--expiring-within", "30d"}, login));
    assertThat(table.lines().findFirst().orElseThrow())
        .startsWith("Name")
        .contains("Enabled", "Expires", "Expiry", "ContentType", "Tags");
    assertThat(table)
        .containsPattern(run + "-soon +true +\\S+ +expires in 10 days +o=d")
        .containsPattern(run + "-gone +true +2021-06-01T12:00:00Z +expired +text/plain")
        .doesNotContain(run + "-later", run + "-never");
  }

  @Test
  void a_time_that_is_neither_a_date_nor_a_span_is_refused_before_anything_is_sent() {
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new SecretCommand());
    command.setErr(new PrintWriter(err));
    assertThat(command.execute("set", "--name", "x", "--value", "v", "--expires", "next week"))
        .isNotZero();
    assertThat(err.toString()).contains("'next week' is not a time");
  }

  private static void set(String[] login, String name, String... options) {
    String[] args = concat(new String[] {"set", "--name", name, "--value", "v"}, options);
    run(concat(args, login));
  }

  private static List<String> names(JsonNode listing, String prefix) {
    List<String> names = new ArrayList<>();
    listing
        .get("value")
        .forEach(row -> {
          if (row.get("name").asText().startsWith(prefix)) {
            names.add(row.get("name").asText());
          }
        });
    return names;
  }

  private static JsonNode row(JsonNode listing, String name) {
    for (JsonNode row : listing.get("value")) {
      if (row.get("name").asText().equals(name)) {
        return row;
      }
    }
    throw new AssertionError(name + " is not listed");
  }

  private static String[] login(RunningCoffer coffer) throws IOException {
    Path clientSecret =
        Files.writeString(
            Files.createTempFile("client", ".secret"), coffer.credentials().clientSecret());
    return new String[] {
      "--vault-url", coffer.vaultUrl(),
      "--tenant-id", coffer.credentials().tenantId(),
      "--client-id", coffer.credentials().clientId(),
      "--client-secret-file", clientSecret.toString(),
      "--authority-host", coffer.credentials().authorityHost()
    };
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine command = new CommandLine(new SecretCommand());
    command.setOut(new PrintWriter(out));
    assertThat(command.execute(args)).as(out.toString()).isZero();
    return out.toString();
  }
}
