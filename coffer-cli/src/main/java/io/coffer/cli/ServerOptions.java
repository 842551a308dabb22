package io.coffer.cli;

import io.coffer.server.config.Guardrails;
import io.coffer.server.config.Rate;
import io.coffer.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options shared by {@code dev} and {@code serve}; each maps to one {@link Settings} key. */
final class ServerOptions {
  @Option(names = "--port", description = "HTTPS port (default ${DEFAULT-VALUE})")
  int port = Settings.DEFAULT_PORT;

  @Option(names = "--bind", description = "address to listen on (default ${DEFAULT-VALUE})")
  String bind = "127.0.0.1";

  @Option(
      names = "--domain",
      description = "vaults are served at <vault>.<domain> (default ${DEFAULT-VALUE})")
  String domain = Settings.DEFAULT_DOMAIN;

  @Option(
      names = "--authority-host",
      description = "host name of the token service (default ${DEFAULT-VALUE})")
  String authorityHost = Settings.DEFAULT_AUTHORITY_HOST;

  @Option(
      names = "--tls-cert",
      description = "PEM certificate chain to serve instead of the generated one")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key of --tls-cert")
  Path tlsKey;

  @Option(
      names = "--audit-fail-closed",
      description = "refuse requests (503) while the audit trail cannot be written")
  boolean auditFailClosed;

  @Option(
      names = "--throttle-principal",
      description = "request budget per principal, e.g. 2000/10s (default: none)")
  String throttlePrincipal;

  @Option(
      names = "--throttle-vault",
      description = "request budget per vault, e.g. 4000/10s as Azure (default: none)")
  String throttleVault;

  @Option(
      names = "--read-cache-mib",
      description =
          "memory for sealed secret rows that GETs read on a single node; 0 turns it off"
              + " (default ${DEFAULT-VALUE})")
  long readCacheMib = Guardrails.DEFAULT_READ_CACHE_MIB;

  @Option(
      names = "--audit-rotate-mib",
      description =
          "move the audit file aside as audit-<number>-<time>.jsonl once it holds this much;"
              + " 0 never"
              + " (default ${DEFAULT-VALUE})")
  long auditRotateMib = Guardrails.DEFAULT_AUDIT_ROTATE_MIB;

  @Option(
      names = "--public-port",
      description = "port clients use when a load balancer listens elsewhere (default: --port)")
  Integer publicPort;

  Settings settings(Path dataDir) {
    Settings settings =
        new Settings(
                dataDir,
                bind,
                port,
                domain,
                authorityHost,
                Optional.ofNullable(tlsCert),
                Optional.ofNullable(tlsKey),
                Duration.ofHours(1))
            .withGuardrails(
                new Guardrails(
                    auditFailClosed,
                    Optional.ofNullable(throttlePrincipal)
                        .map(r -> Rate.parse("throttle-principal", r)),
                    Optional.ofNullable(throttleVault).map(r -> Rate.parse("throttle-vault", r)),
                    Guardrails.mib(readCacheMib),
                    Guardrails.mib(auditRotateMib)));
    return publicPort == null ? settings : settings.withPublicPort(publicPort);
  }
}
