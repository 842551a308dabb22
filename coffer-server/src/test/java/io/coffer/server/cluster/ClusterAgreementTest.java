package io.coffer.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.server.CofferServer;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Settings;
import io.coffer.server.crypto.Keyring;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.testing.ChildNode;
import io.coffer.server.testing.RunningCoffer;
import io.coffer.server.testing.TestPostgres;
import io.coffer.server.tls.TlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes on one database agree on the master key and the TLS CA, or the newcomer refuses to start,
 * naming the difference and the fix. The second node runs in a JVM of its own, as on another host.
 */
class ClusterAgreementTest {
  @TempDir Path first;
  @TempDir Path second;
  @TempDir Path logs;

  @Test
  @EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
  void a_node_with_another_master_key_refuses_to_start_naming_both_key_ids() throws IOException {
    PostgresOptions database = TestPostgres.get().databaseFor(first);
    try (RunningCoffer cluster = startFirst(database)) {
      copyCa(first, second);
      String clusterKey = activeKey(first);
      String ownKey = activeKey(second);

      assertThatThrownBy(() -> startChild(database, "refused.log"))
          .hasMessageContaining(
              "this node's master key " + ownKey + " is not the cluster's " + clusterKey)
          .hasMessageContaining("copy the cluster's master.key");
      assertThat(cluster.server().vaults().all()).isNotEmpty();
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
  void a_node_with_another_tls_ca_refuses_until_it_has_the_clusters_ca() throws IOException {
    PostgresOptions database = TestPostgres.get().databaseFor(first);
    try (RunningCoffer cluster = startFirst(database)) {
      copyMasterKey(first, second);
      // A CA of the second node's own, as a node set up on its own makes.
      TlsMaterial.loadOrCreate(second.resolve("tls"), List.of("localhost"));

      assertThatThrownBy(() -> startChild(database, "refused.log"))
          .hasMessageContaining("this node's TLS CA")
          .hasMessageContaining("is not the cluster's")
          .hasMessageContaining("copy the cluster's tls/ca.pem and tls/ca-key.pem");

      copyCa(first, second);
      try (ChildNode joined = startChild(database, "joined.log")) {
        assertThat(joined.isAlive()).isTrue();
      }
      assertThat(cluster.server().vaults().all()).isNotEmpty();
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "coffer.test.storage", matches = "postgresql")
  void a_node_holding_a_newer_key_before_the_clusters_advances_it_and_old_nodes_then_refuse()
      throws IOException {
    PostgresOptions database = TestPostgres.get().databaseFor(first);
    String clusterKey;
    try (RunningCoffer cluster = startFirst(database)) {
      clusterKey = activeKey(first);
      copyCa(first, second);
      String newer = Base64.getEncoder().encodeToString(random32());
      writeKeys(second, newer + "\n" + Files.readString(first.resolve("master.key")));
      String newKey = activeKey(second);

      try (ChildNode rotated = startChild(database, "rotated.log")) {
        assertThat(rotated.isAlive()).isTrue();
      }
      assertThat(cluster.server().vaults().all()).isNotEmpty();

      // An old node elsewhere: the first's data directory is in use by the first.
      Path old = RunningCoffer.nodeDir(first, "old");
      assertThatThrownBy(() -> CofferServer.start(settings(old), Optional.of(database), Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(
              "this node's master key " + clusterKey + " is not the cluster's " + newKey);
    }
  }

  @Test
  void a_single_node_whose_master_key_was_replaced_refuses_to_start(@TempDir Path dir)
      throws IOException {
    Optional<PostgresOptions> database = RunningCoffer.database(dir);
    String original;
    try (RunningCoffer coffer = RunningCoffer.start(settings(dir), database)) {
      original = activeKey(dir);
      coffer.secretClient().setSecret("kept", "v");
    }
    writeKeys(dir, Base64.getEncoder().encodeToString(random32()) + "\n");

    assertThatThrownBy(() -> CofferServer.start(settings(dir), database, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("setting 'master-key'")
        .hasMessageContaining("is not the cluster's " + original);
  }

  private RunningCoffer startFirst(PostgresOptions database) {
    return RunningCoffer.start(settings(first), Optional.of(database));
  }

  private ChildNode startChild(PostgresOptions database, String log) {
    int port = port();
    return ChildNode.start(second, port, port, database, logs.resolve(log));
  }

  private static Settings settings(Path dataDir) {
    return Settings.defaults(dataDir, port());
  }

  private static int port() {
    return RunningCoffer.freePort();
  }

  private static String activeKey(Path dataDir) {
    return Keyring.load(dataDir, Map.of()).active().id();
  }

  private static void copyMasterKey(Path from, Path to) throws IOException {
    writeKeys(to, Files.readString(from.resolve("master.key")));
  }

  private static void writeKeys(Path dataDir, String lines) throws IOException {
    Path file = dataDir.resolve("master.key");
    Files.writeString(file, lines);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  private static void copyCa(Path from, Path to) throws IOException {
    Path tls = Files.createDirectories(to.resolve("tls"));
    for (String file : List.of("ca.pem", "ca-key.pem")) {
      Files.copy(
          from.resolve("tls").resolve(file),
          tls.resolve(file),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.COPY_ATTRIBUTES);
    }
    // The server certificate of another CA is re-issued from this one at start.
    Files.deleteIfExists(tls.resolve("server.pem"));
  }

  private static byte[] random32() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
