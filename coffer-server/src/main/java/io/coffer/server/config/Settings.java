package io.coffer.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Typed server settings, validated once at start-up; a wrong value fails with a message that names
 * the setting and the fix.
 *
 * @param dataDir where the database, master key and TLS material live ({@code data-dir})
 * @param bindHost the address to listen on ({@code bind}, default 127.0.0.1)
 * @param port the HTTPS port ({@code port})
 * @param domain vaults are served at {@code <vault>.<domain>} ({@code domain})
 * @param authorityHost the token service's host name ({@code authority-host})
 * @param tlsCertificate a PEM chain to serve instead of the generated one ({@code tls-cert})
 * @param tlsKey the private key of {@code tlsCertificate} ({@code tls-key})
 * @param tokenLifetime access-token lifetime ({@code token-lifetime}, default 1 h)
 * @param guardrails audit fail-closed mode and throttling
 * @param publicPort the port clients use when it is not {@code port}, as for several nodes behind
 *     one load balancer ({@code public-port}); URLs, token issuers and audiences carry it
 * @param cloud the Azure cloud whose own names Coffer answers under ({@code cloud}); its vault
 *     domain and login host replace {@code domain} and {@code authority-host}, and clients reach it
 *     on 443, since those names carry no port
 * @param metrics a plain-HTTP listener for Prometheus ({@code metrics-port}, {@code metrics-bind});
 *     without it {@code /metrics} is served on the HTTPS port to administrators only
 * @param recordTlsCa whether this node's TLS CA replaces the one the shared database records as the
 *     cluster's ({@code record-tls-ca}), for a planned change of CA
 * @param ioThreads the event loops that read, answer and audit requests ({@code io-threads}), by
 *     default one per processor the JVM sees (a container's CPU limit included): fewer where
 *     several nodes share a machine's cores, so their threads do not crowd each other out
 */
public record Settings(
    Path dataDir,
    String bindHost,
    int port,
    String domain,
    String authorityHost,
    Optional<Path> tlsCertificate,
    Optional<Path> tlsKey,
    Duration tokenLifetime,
    Guardrails guardrails,
    OptionalInt publicPort,
    Optional<Cloud> cloud,
    Optional<MetricsListener> metrics,
    boolean recordTlsCa,
    int ioThreads) {

  public static final String DEFAULT_DOMAIN = "vault.localhost";
  public static final String DEFAULT_AUTHORITY_HOST = "localhost";
  public static final int DEFAULT_PORT = 8443;
  public static final int MAX_IO_THREADS = 256;

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  public Settings {
    if (dataDir == null) {
      throw new ConfigException("data-dir", "is required", "pass --data-dir <path>");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException("port", port + " is not a TCP port", "use 1-65535, e.g. 8443");
    }
    if (domain == null || !HOST_NAME.matcher(domain).matches() || !domain.contains(".")) {
      throw new ConfigException(
          "domain",
          "'" + domain + "' is not a host name with at least two labels",
          "use e.g. vault.localhost; TLS clients refuse wildcards over a single label");
    }
    if (authorityHost == null || !HOST_NAME.matcher(authorityHost).matches()) {
      throw new ConfigException(
          "authority-host", "'" + authorityHost + "' is not a host name", "use e.g. localhost");
    }
    if (tlsCertificate.isPresent() != tlsKey.isPresent()) {
      throw new ConfigException(
          "tls-cert/tls-key", "only one of the pair is set", "pass both or neither");
    }
    if (tokenLifetime.compareTo(Duration.ofMinutes(5)) < 0
        || tokenLifetime.compareTo(Duration.ofHours(24)) > 0) {
      throw new ConfigException(
          "token-lifetime", tokenLifetime + " is out of range", "use 5 minutes to 24 hours");
    }
    if (publicPort.isPresent() && (publicPort.getAsInt() < 1 || publicPort.getAsInt() > 65535)) {
      throw new ConfigException(
          "public-port", publicPort.getAsInt() + " is not a TCP port", "use 1-65535, e.g. 443");
    }
    if (cloud.isPresent()) {
      if (!domain.equalsIgnoreCase(cloud.get().vaultDomain())
          || !authorityHost.equalsIgnoreCase(cloud.get().loginHost())) {
        throw new ConfigException(
            "cloud",
            "answers under " + cloud.get() + "'s own names, which --domain/--authority-host change",
            "drop --domain and --authority-host, or drop --cloud");
      }
      if (publicPort.orElse(port) != 443) {
        throw new ConfigException(
            "public-port",
            "is " + publicPort.orElse(port) + ", but " + cloud.get() + "'s names carry no port",
            "listen on 443, or redirect 443 to --port and pass --public-port 443");
      }
    }
    if (metrics.isPresent()
        && metrics.get().port() == port
        && (metrics.get().bindHost().equals(bindHost)
            || metrics.get().bindHost().equals("0.0.0.0")
            || bindHost.equals("0.0.0.0"))) {
      throw new ConfigException(
          "metrics-port",
          "is the HTTPS port " + port,
          "pick another port, e.g. 9464, or leave it out to serve /metrics to administrators");
    }
    if (ioThreads < 1 || ioThreads > MAX_IO_THREADS) {
      throw new ConfigException(
          "io-threads",
          ioThreads + " is out of range",
          "use 1-"
              + MAX_IO_THREADS
              + ", e.g. the cores this node may use; leave it out for one per"
              + " processor");
    }
    domain = domain.toLowerCase(java.util.Locale.ROOT);
    authorityHost = authorityHost.toLowerCase(java.util.Locale.ROOT);
  }

  /** Settings with the default guardrails, whose public port is the one they listen on. */
  public Settings(
      Path dataDir,
      String bindHost,
      int port,
      String domain,
      String authorityHost,
      Optional<Path> tlsCertificate,
      Optional<Path> tlsKey,
      Duration tokenLifetime) {
    this(
        dataDir,
        bindHost,
        port,
        domain,
        authorityHost,
        tlsCertificate,
        tlsKey,
        tokenLifetime,
        Guardrails.DEFAULT,
        OptionalInt.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        defaultIoThreads());
  }

  public Settings withGuardrails(Guardrails changed) {
    return new Settings(
        dataDir,
        bindHost,
        port,
        domain,
        authorityHost,
        tlsCertificate,
        tlsKey,
        tokenLifetime,
        changed,
        publicPort,
        cloud,
        metrics,
        recordTlsCa,
        ioThreads);
  }

  /** The same settings with clients reaching this node through {@code publicPort}. */
  public Settings withPublicPort(int publicPort) {
    return new Settings(
        dataDir,
        bindHost,
        port,
        domain,
        authorityHost,
        tlsCertificate,
        tlsKey,
        tokenLifetime,
        guardrails,
        OptionalInt.of(publicPort),
        cloud,
        metrics,
        recordTlsCa,
        ioThreads);
  }

  /**
   * The same settings answering under {@code answered}'s own names: its vault domain and login
   * host, reached by clients on 443 (the port this node listens on may differ, behind a redirect).
   */
  public Settings withCloud(Cloud answered) {
    return new Settings(
        dataDir,
        bindHost,
        port,
        answered.vaultDomain(),
        answered.loginHost(),
        tlsCertificate,
        tlsKey,
        tokenLifetime,
        guardrails,
        OptionalInt.of(443),
        Optional.of(answered),
        metrics,
        recordTlsCa,
        ioThreads);
  }

  /** The same settings with a plain-HTTP listener for Prometheus. */
  public Settings withMetrics(MetricsListener listener) {
    return new Settings(
        dataDir,
        bindHost,
        port,
        domain,
        authorityHost,
        tlsCertificate,
        tlsKey,
        tokenLifetime,
        guardrails,
        publicPort,
        cloud,
        Optional.of(listener),
        recordTlsCa,
        ioThreads);
  }

  /** The same settings, recording this node's TLS CA as the cluster's at start. */
  public Settings withRecordedTlsCa() {
    return new Settings(
        dataDir,
        bindHost,
        port,
        domain,
        authorityHost,
        tlsCertificate,
        tlsKey,
        tokenLifetime,
        guardrails,
        publicPort,
        cloud,
        metrics,
        true,
        ioThreads);
  }

  /** Development defaults for a data directory and port. */
  public static Settings defaults(Path dataDir, int port) {
    return new Settings(
        dataDir,
        "127.0.0.1",
        port,
        DEFAULT_DOMAIN,
        DEFAULT_AUTHORITY_HOST,
        Optional.empty(),
        Optional.empty(),
        Duration.ofHours(1),
        Guardrails.DEFAULT,
        OptionalInt.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        defaultIoThreads());
  }

  /** The same settings with {@code threads} event loops. */
  public Settings withIoThreads(int threads) {
    return new Settings(
        dataDir,
        bindHost,
        port,
        domain,
        authorityHost,
        tlsCertificate,
        tlsKey,
        tokenLifetime,
        guardrails,
        publicPort,
        cloud,
        metrics,
        recordTlsCa,
        threads);
  }

  /** One event loop per processor the JVM sees. */
  public static int defaultIoThreads() {
    return Math.min(MAX_IO_THREADS, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  public Endpoints endpoints() {
    return new Endpoints(domain, authorityHost, publicPort.orElse(port), cloud);
  }
}
