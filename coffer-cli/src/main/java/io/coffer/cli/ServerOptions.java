package io.coffer.cli;

import io.coffer.server.config.Cloud;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Guardrails;
import io.coffer.server.config.MetricsListener;
import io.coffer.server.config.Rate;
import io.coffer.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options shared by {@code dev} and {@code serve}; each maps to one {@link Settings} key. */
final class ServerOptions {
  @Option(
      names = "--port",
      description = "HTTPS port (default " + Settings.DEFAULT_PORT + "; 443 with --cloud)")
  Integer port;

  @Option(
      names = "--cloud",
      description =
          "answer under an Azure cloud's own names (AzureCloud, AzureUSGovernment,"
              + " AzureChinaCloud) for clients whose DNS and CA trust point here; off by default")
  String cloud;

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
      arity = "0..1",
      fallbackValue = "true",
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
      names = "--audit-keep-files",
      description = "rotated audit files to keep, the newest; older ones are deleted; 0 keeps all")
  int auditKeepFiles;

  @Option(
      names = "--audit-keep-days",
      description = "days to keep rotated audit files; older ones are deleted; 0 keeps them")
  int auditKeepDays;

  @Option(
      names = "--audit-min-free-mib",
      description =
          "free disk space below which nothing more is audited and requests are refused (503)"
              + " (default ${DEFAULT-VALUE})")
  long auditMinFreeMib = Guardrails.DEFAULT_AUDIT_MIN_FREE_MIB;

  @Option(
      names = "--audit-stdout",
      description = "also write every audit record to standard output, one JSON line each")
  boolean auditStdout;

  @Option(
      names = "--throttle-sign-in-address",
      description =
          "token requests and sign-in posts per client address, e.g. 300/1m, or off"
              + " (default 300/1m)")
  String throttleSignInAddress = "300/1m";

  @Option(
      names = "--throttle-sign-in-client",
      description =
          "token requests and sign-in posts per client id, e.g. 300/1m, or off (default 300/1m)")
  String throttleSignInClient = "300/1m";

  @Option(
      names = "--public-port",
      description = "port clients use when a load balancer listens elsewhere (default: --port)")
  Integer publicPort;

  @Option(
      names = "--metrics-port",
      description =
          "serve /metrics to Prometheus over plain HTTP on this port, without a token"
              + " (default: none; /metrics is then served on --port to administrators only)")
  Integer metricsPort;

  @Option(
      names = "--metrics-bind",
      description = "address of --metrics-port (default ${DEFAULT-VALUE})")
  String metricsBind = MetricsListener.DEFAULT_BIND;

  @Option(
      names = "--record-tls-ca",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "record this node's TLS CA as the cluster's in the shared database, replacing the"
              + " recorded one (a planned change of CA; other nodes then need it to start)")
  boolean recordTlsCa;

  @Option(
      names = "--io-threads",
      description =
          "event loops that read, answer and audit requests (default: one per processor the JVM"
              + " sees; fewer where several nodes share one machine's cores)")
  Integer ioThreads;

  private static Optional<Rate> budget(String setting, String text) {
    return text.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(Rate.parse(setting, text));
  }

  /** The port this node listens on. */
  int port() {
    return port != null ? port : cloud != null ? 443 : Settings.DEFAULT_PORT;
  }

  Settings settings(Path dataDir) {
    Settings settings =
        new Settings(
                dataDir,
                bind,
                port(),
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
                    Guardrails.mib(auditRotateMib),
                    auditKeepFiles,
                    auditKeepDays,
                    Guardrails.mib(auditMinFreeMib),
                    auditStdout,
                    budget("throttle-sign-in-address", throttleSignInAddress),
                    budget("throttle-sign-in-client", throttleSignInClient)));
    if (publicPort != null) {
      settings = settings.withPublicPort(publicPort);
    }
    if (metricsPort != null) {
      settings = settings.withMetrics(new MetricsListener(metricsBind, metricsPort));
    }
    if (recordTlsCa) {
      settings = settings.withRecordedTlsCa();
    }
    if (ioThreads != null) {
      settings = settings.withIoThreads(ioThreads);
    }
    if (cloud == null) {
      return settings;
    }
    if (!domain.equals(Settings.DEFAULT_DOMAIN)
        || !authorityHost.equals(Settings.DEFAULT_AUTHORITY_HOST)) {
      throw new ConfigException(
          "cloud",
          "sets the vault domain and token service names itself",
          "drop --domain and --authority-host, or drop --cloud");
    }
    if (publicPort != null && publicPort != 443) {
      throw new ConfigException(
          "public-port",
          publicPort + " cannot carry " + cloud + "'s names, which clients reach on 443",
          "drop --public-port; with --port other than 443, redirect 443 to it");
    }
    return settings.withCloud(Cloud.named(cloud));
  }

  /**
   * What a server under a cloud's names says at start: which names it claims, and that only clients
   * that resolve them here and trust its CA will talk to it.
   */
  static String cloudNotice(io.coffer.server.CofferServer server) {
    var settings = server.settings();
    var endpoints = settings.endpoints();
    return "\nDrop-in mode: answering as "
        + settings.cloud().orElseThrow()
        + " for "
        + String.join(", ", endpoints.serviceHosts())
        + " and *."
        + endpoints.domain()
        + ".\nOnly clients that resolve these names to this server (./coffer hosts prints the"
        + " lines) and trust its CA\n("
        + server.tls().caFile().toAbsolutePath()
        + ") reach it; everyone else still reaches Azure.\n";
  }
}
