package io.coffer.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.testing.RunningCoffer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master key rotates online, twice, under concurrent reads and writes: every read returns its
 * value, every write is readable, old data is re-wrapped in the background, a backup made before
 * restores after, and a restart opens everything with the new keyring.
 */
class MasterKeyRotationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SECRETS = 200;

  @TempDir Path dir;

  @Test
  void rotating_under_load_loses_nothing_and_rewraps_everything() throws Exception {
    Path data = dir.resolve("data");
    List<String> written = new ArrayList<>();
    byte[] backup;
    try (RunningCoffer coffer = RunningCoffer.start(data)) {
      SecretClient client = coffer.secretClient();
      for (int i = 0; i < SECRETS; i++) {
        client.setSecret("old-" + i, "value-" + i);
      }
      backup = client.backupSecret("old-7");
      String token = coffer.token();
      ClientCredential admin = coffer.server().directory().createAdministrator();
      String adminToken =
          coffer.token(
              admin.tenantId(),
              admin.clientId(),
              admin.clientSecret(),
              coffer.server().settings().endpoints().managementResource() + "/.default");

      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger reads = new AtomicInteger();
      ConcurrentLinkedQueue<String> writes = new ConcurrentLinkedQueue<>();
      ExecutorService load = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        int thread = t;
        load.execute(() -> {
          int n = 0;
          while (!stop.get()) {
            int i = ThreadLocalRandom.current().nextInt(SECRETS);
            check(coffer, token, "old-" + i, "value-" + i, failures);
            reads.incrementAndGet();
            if (thread == 0) {
              String name = "new-" + n++;
              HttpResponse<String> put =
                  coffer.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  coffer.vaultUrl() + "/secrets/" + name + "?api-version=7.4"))
                          .header("Authorization", "Bearer " + token)
                          .header("Content-Type", "application/json")
                          .PUT(
                              HttpRequest.BodyPublishers.ofString("{\"value\":\"v-" + name + "\"}"))
                          .build());
              if (put.statusCode() == 200) {
                writes.add(name);
              } else {
                failures.add("PUT " + name + " → " + put.statusCode());
              }
            }
          }
        });
      }
      Thread.sleep(300);
      JsonNode first = admin(coffer, adminToken, "POST", "/master-key/rotate");
      Thread.sleep(300);
      JsonNode second = admin(coffer, adminToken, "POST", "/master-key/rotate");
      int readsAtSecondRotation = reads.get();
      JsonNode status = awaitRewrapped(coffer, adminToken);
      // Keep the load on until reads have gone on well past the rotations, however slow the box.
      for (int i = 0; i < 200 && reads.get() < readsAtSecondRotation + 100; i++) {
        Thread.sleep(50);
      }
      stop.set(true);
      load.shutdown();
      assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

      assertThat(failures).isEmpty();
      assertThat(reads.get()).isGreaterThan(readsAtSecondRotation);
      assertThat(first.path("active").asText()).isNotEqualTo(second.path("active").asText());
      assertThat(status.path("keys")).hasSize(3);
      assertThat(status.path("pending").asLong()).isZero();
      assertThat(Files.readAllLines(data.resolve("master.key"))).hasSize(3);
      written.addAll(writes);
    }

    try (RunningCoffer restarted = RunningCoffer.start(data)) {
      SecretClient client = restarted.secretClient();
      for (int i = 0; i < SECRETS; i += 17) {
        assertThat(client.getSecret("old-" + i).getValue()).isEqualTo("value-" + i);
      }
      for (String name : written) {
        assertThat(client.getSecret(name).getValue()).isEqualTo("v-" + name);
      }
      client.beginDeleteSecret("old-7").waitForCompletion();
      client.purgeDeletedSecret("old-7");
      assertThat(client.restoreSecretBackup(backup).getName()).isEqualTo("old-7");
      assertThat(client.getSecret("old-7").getValue()).isEqualTo("value-7");
    }
  }

  @Test
  void keys_from_the_environment_do_not_rotate_online() {
    Keyring keyring =
        Keyring.load(
            dir, Map.of(Keyring.ENV, java.util.Base64.getEncoder().encodeToString(new byte[32])));
    org.assertj.core.api.Assertions.assertThatThrownBy(keyring::rotate)
        .isInstanceOf(io.coffer.server.CofferException.Conflict.class)
        .hasMessageContaining("COFFER_MASTER_KEY");
  }

  @Test
  void an_envelope_opens_what_any_held_key_wrapped_and_rewraps_without_the_value() {
    MasterKey old = MasterKey.generate();
    SealedValue sealed = new Envelope(old).seal("v".getBytes(), "bound");
    MasterKey fresh = MasterKey.generate();
    Envelope both = new Envelope(Keyring.of(fresh, old));
    assertThat(both.open(sealed, "bound")).isEqualTo("v".getBytes());
    SealedValue again =
        both.rewrap(
            new SealedValue(new byte[0], sealed.wrappedKey(), sealed.masterKeyId()), "bound");
    assertThat(again.masterKeyId()).isEqualTo(fresh.id());
    SealedValue whole =
        new SealedValue(sealed.ciphertext(), again.wrappedKey(), again.masterKeyId());
    assertThat(new Envelope(fresh).open(whole, "bound")).isEqualTo("v".getBytes());
  }

  private static void check(
      RunningCoffer coffer,
      String token,
      String name,
      String value,
      ConcurrentLinkedQueue<String> failures) {
    HttpResponse<String> get =
        coffer.send(
            HttpRequest.newBuilder(
                    URI.create(coffer.vaultUrl() + "/secrets/" + name + "?api-version=7.4"))
                .header("Authorization", "Bearer " + token)
                .build());
    if (get.statusCode() != 200 || !get.body().contains("\"value\":\"" + value + "\"")) {
      failures.add("GET " + name + " → " + get.statusCode());
    }
  }

  private static JsonNode awaitRewrapped(RunningCoffer coffer, String adminToken) throws Exception {
    for (int i = 0; i < 200; i++) {
      JsonNode status = admin(coffer, adminToken, "GET", "/master-key");
      if (status.path("pending").asLong() == 0 && !status.path("rewrapping").asBoolean()) {
        return status;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("re-wrapping did not finish");
  }

  private static JsonNode admin(RunningCoffer coffer, String token, String method, String path)
      throws Exception {
    HttpResponse<String> response =
        coffer.send(
            HttpRequest.newBuilder(
                    URI.create(coffer.credentials().authorityHost() + "/admin/v1" + path))
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
