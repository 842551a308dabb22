package io.coffer.cli;

import io.coffer.client.VaultSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Who a command is towards a vault, the way the SDKs' environment says it ({@code AZURE_*}), or
 * with options; the client secret only from the environment or a file, never a command line.
 */
final class VaultLoginOptions {
  @Option(names = "--tenant-id", defaultValue = "${env:AZURE_TENANT_ID}")
  String tenantId;

  @Option(names = "--client-id", defaultValue = "${env:AZURE_CLIENT_ID}")
  String clientId;

  @Option(
      names = "--client-secret-file",
      description = "read the client secret from a file (default: $AZURE_CLIENT_SECRET)")
  Path clientSecretFile;

  @Option(names = "--authority-host", defaultValue = "${env:AZURE_AUTHORITY_HOST}")
  String authorityHost;

  VaultSettings settings() {
    return VaultSettings.from(settingsMap(), "");
  }

  /** The settings as {@link VaultSettings} reads them (also passed to {@code CofferDriver}). */
  Map<String, String> settingsMap() {
    Map<String, String> settings = new HashMap<>();
    Optional.ofNullable(tenantId).ifPresent(v -> settings.put("tenant.id", v));
    Optional.ofNullable(clientId).ifPresent(v -> settings.put("client.id", v));
    Optional.ofNullable(authorityHost).ifPresent(v -> settings.put("authority.host", v));
    String secret;
    try {
      secret =
          clientSecretFile != null
              ? Files.readString(clientSecretFile, StandardCharsets.UTF_8).strip()
              : System.getenv("AZURE_CLIENT_SECRET");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Optional.ofNullable(secret).ifPresent(v -> settings.put("client.secret", v));
    return settings;
  }
}
