package io.coffer.server.durability;

import io.coffer.server.CofferServer;
import io.coffer.server.DevCredentials;
import io.coffer.server.DevMode;
import io.coffer.server.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The server process the crash harness kills: a dev-mode Coffer on a given data directory and port,
 * which writes the dev client's settings next to its data once it serves.
 */
public final class CrashTarget {
  private CrashTarget() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path dataDir = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    CofferServer server = CofferServer.start(Settings.defaults(dataDir, port), Map.of());
    DevCredentials credentials = DevMode.bootstrap(server);
    Properties client = new Properties();
    client.setProperty("tenant", credentials.tenantId());
    client.setProperty("client-id", credentials.clientId());
    client.setProperty("client-secret", credentials.clientSecret());
    client.setProperty("authority", credentials.authorityHost());
    client.setProperty("vault", credentials.vaultUrl());
    Path written = dataDir.resolveSibling("client.properties.tmp");
    try (var out = Files.newOutputStream(written)) {
      client.store(out, "crash harness client");
    }
    Files.move(
        written,
        dataDir.resolveSibling("client.properties"),
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Thread.currentThread().join();
  }
}
