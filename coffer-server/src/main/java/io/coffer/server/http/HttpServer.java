package io.coffer.server.http;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.coffer.server.audit.AuditTrail;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.MetricsListener;
import io.coffer.server.config.Settings;
import io.coffer.server.throttle.CredentialThrottle;
import io.coffer.server.throttle.Throttle;
import io.coffer.server.tls.TlsMaterial;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server: Jetty with one TLS connector (and, when configured, a plain-HTTP one for
 * Prometheus) and one handler, {@link JettyDoor}, in front of the {@link Pipeline} every request
 * takes; each connector has its own route table. The routes of every surface are declared here, as
 * data, once.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private static final long STOP_TIMEOUT_MS = 10_000;
  private static final long IDLE_TIMEOUT_MS = 60_000;
  // Sending bytes this long without completing a request is a slowloris, not a slow network.
  private static final Duration SLOW_REQUEST_PERIOD = Duration.ofSeconds(30);

  /**
   * Mozilla's "intermediate" configuration: the TLS 1.3 suites, and for TLS 1.2 only ECDHE and DHE
   * with AEAD ciphers (GCM, ChaCha20-Poly1305), none with CBC.
   */
  static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /**
   * Threads the pool keeps while idle. The acceptor and the selectors hold threads of their own;
   * Jetty's default of eight kept idle workers beside them that an idle server never uses (29
   * threads at idle instead of 31 on two processors). The pool still grows as load needs.
   */
  private static final int MIN_THREADS = 4;

  private static final String HTTPS = "https";
  private static final String METRICS = "metrics";

  private final Server server;
  private final ExecutorService blocking;

  private HttpServer(Server server, ExecutorService blocking) {
    this.server = server;
    this.blocking = blocking;
  }

  /**
   * Starts serving.
   *
   * @throws ConfigException when the port is taken or cannot be bound
   */
  public static HttpServer start(Settings settings, TlsMaterial tls, Services services) {
    ExecutorService blocking =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("coffer-request-", 0).factory());
    referencesPerCacheLine();
    QueuedThreadPool threads = new IoThreads();
    threads.setMinThreads(MIN_THREADS);
    Server server = new Server(threads, null, new UnsharedBuffers());
    server.setStopTimeout(STOP_TIMEOUT_MS);
    server.setErrorHandler(new JettyErrors());
    Map<ServerConnector, Pipeline> listeners = listeners(server, settings, tls, services);
    Map<String, Pipeline> pipelines = new HashMap<>();
    listeners.forEach((connector, pipeline) -> {
      server.addConnector(connector);
      pipelines.put(connector.getName(), pipeline);
    });
    // On stop: stop accepting, and let requests in flight finish, for up to the stop timeout.
    server.setHandler(
        new GracefulHandler(new JettyDoor(pipelines, blocking, services.reads().apply(blocking))));
    try {
      for (ServerConnector connector : listeners.keySet()) {
        open(connector);
      }
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      blocking.shutdownNow();
      if (e instanceof ConfigException config) {
        throw config;
      }
      throw new IllegalStateException("the HTTPS server did not start: " + e.getMessage(), e);
    }
    LOG.info(
        "event=listening address=https://{}:{} domain={}",
        settings.bindHost(),
        settings.port(),
        settings.domain());
    settings
        .metrics()
        .ifPresent(listener ->
            LOG.info(
                "event=metrics-listening address=http://{}:{}{}",
                listener.bindHost(),
                listener.port(),
                MetricsRoutes.PATH));
    return new HttpServer(server, blocking);
  }

  /**
   * Each connector with the pipeline that serves it: the HTTPS one with every route; the metrics
   * listener, when configured, with {@code /metrics} and {@code /healthz} only, unaudited.
   */
  private static Map<ServerConnector, Pipeline> listeners(
      Server server, Settings settings, TlsMaterial tls, Services services) {
    ConsoleApi console = new ConsoleApi(settings.endpoints(), Clock.systemUTC());
    HttpMetrics metrics = new HttpMetrics(services.metrics().registry());
    CredentialThrottle signIns =
        new CredentialThrottle(
            settings.guardrails().signInPerAddress(),
            settings.guardrails().signInPerClient(),
            System::nanoTime);
    Guard guard =
        new Guard(
            settings.endpoints(),
            services.vaults(),
            services.verifier(),
            services.authorizer(),
            new Throttle(
                settings.guardrails().perPrincipal(),
                settings.guardrails().perVault(),
                System::nanoTime));
    BodyBudget bodies = new BodyBudget(Runtime.getRuntime().maxMemory());
    AuditRecorder audit =
        new AuditRecorder(services.audit(), settings.guardrails().auditFailClosed(), metrics);
    MetricsRoutes metricsRoutes =
        new MetricsRoutes(services.metrics(), settings.endpoints(), services.verifier());
    Map<ServerConnector, Pipeline> listeners = new LinkedHashMap<>();
    Pipeline https =
        new Pipeline(
            new Router(routes(settings, services, signIns, metrics, metricsRoutes, console)),
            guard,
            bodies,
            audit,
            signIns,
            metrics);
    // The console serves its work through the very pipeline it is a route of.
    console.attach(https);
    listeners.put(connector(server, settings, tls), https);
    settings
        .metrics()
        .ifPresent(listener ->
            listeners.put(
                metricsConnector(server, listener),
                new Pipeline(
                    new Router(
                        metricsRoutes.forListener(
                            health(services, settings.guardrails().auditFailClosed()))),
                    guard,
                    bodies,
                    audit.unrecorded(),
                    signIns,
                    metrics)));
    return listeners;
  }

  /** Binds a connector's port now, so that a port in use is named as the setting that chose it. */
  private static void open(ServerConnector connector) {
    try {
      connector.open();
    } catch (IOException | RuntimeException e) {
      if (!causedByBind(e)) {
        throw new IllegalStateException("cannot listen on " + connector.getName(), e);
      }
      boolean metrics = connector.getName().equals(METRICS);
      throw new ConfigException(
          metrics ? "metrics-port" : "port",
          connector.getHost() + ":" + connector.getPort() + " is already in use or not permitted",
          "stop the other process or pass "
              + (metrics ? "--metrics-port" : "--port")
              + " <free"
              + " port>");
    }
  }

  /**
   * Every route of every surface: the vault, the token service, sign-in, management, the console,
   * health.
   */
  private static List<Route> routes(
      Settings settings,
      Services services,
      CredentialThrottle signIns,
      HttpMetrics metrics,
      MetricsRoutes metricsRoutes,
      ConsoleApi console) {
    List<Route> routes = new ArrayList<>();
    routes.addAll(new SecretRoutes(services.secrets()).routes());
    routes.addAll(new ChangeRoutes(services.changes()).routes());
    routes.addAll(
        new IdentityRoutes(
                services.tokens(),
                services.signingKeys(),
                settings.endpoints(),
                services.verifier(),
                signIns,
                metrics)
            .routes());
    routes.addAll(new LoginRoutes(services.login(), signIns).routes());
    routes.addAll(
        new AdminRoutes(
                services.directory(),
                services.vaults(),
                services.authorizer(),
                services.verifier(),
                settings.endpoints(),
                services.rotation(),
                services.audit())
            .routes());
    Clock clock = Clock.systemUTC();
    ConsoleVaultPages vaultPages =
        new ConsoleVaultPages(
            services.vaults(),
            services.secrets(),
            services.authorizer(),
            services.directory(),
            clock);
    routes.addAll(
        new ConsoleRoutes(
                console,
                new ConsoleSessions(clock),
                settings.endpoints(),
                services.directory(),
                List.of(
                    vaultPages,
                    new ConsoleSecretPages(services.vaults(), vaultPages, clock),
                    new ConsoleAccessPages(services.vaults(), vaultPages),
                    new ConsoleAdminPages()))
            .routes());
    AdminAccess admin = new AdminAccess(services.verifier(), settings.endpoints());
    routes.addAll(new EventRoutes(services.events(), services.vaults(), admin).routes());
    routes.addAll(new RotationRoutes(services.secretRotation(), services.vaults(), admin).routes());
    routes.add(metricsRoutes.forAdministrators());
    routes.add(health(services, settings.guardrails().auditFailClosed()));
    return routes;
  }

  /**
   * Up when storage answers and the audit trail can be written, or when the server serves without
   * it: fail-closed and below the disk-space floor it refuses requests, so it is down.
   */
  private static Route health(Services services, boolean auditFailClosed) {
    return Route.get(
        "/healthz",
        "Health",
        exchange -> {
          boolean storage = services.storageReachable().getAsBoolean();
          AuditTrail trail = services.audit();
          boolean audit = trail.ready();
          boolean up = storage && (audit || !(auditFailClosed || trail.belowFloor()));
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("status", up ? "ok" : "unavailable");
          body.put("storage", storage ? "ok" : "down");
          body.put("audit", audit ? "ok" : trail.belowFloor() ? "below-disk-floor" : "failing");
          body.put("unauditedRequests", trail.unaudited());
          exchange.json(up ? 200 : 503, body);
        });
  }

  /** Plain HTTP for Prometheus, on loopback unless configured otherwise. */
  private static ServerConnector metricsConnector(Server server, MetricsListener listener) {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setName(METRICS);
    connector.setHost(listener.bindHost());
    connector.setPort(listener.port());
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    return connector;
  }

  /**
   * One selector per processor. A vault read is served on the thread that read it, and Jetty runs
   * such a task on the selector's own thread before it selects again: with Jetty's default (one
   * selector on two processors) every connection's reads took turns on one thread, and the server
   * never used more than one processor.
   */
  private static final int SELECTORS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private static ServerConnector connector(Server server, Settings settings, TlsMaterial tls) {
    HttpConfiguration https = new HttpConfiguration();
    https.setSendServerVersion(false);
    https.setSendDateHeader(true);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // Clients reach vaults by IP in benchmarks and by name elsewhere; the certificate covers the
    // names, and Host routing decides the vault.
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(tls.keyStore());
    ssl.setKeyStorePassword(new String(tls.keyStorePassword()));
    ssl.setTrustStore(tls.clientCertificateTrust());
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    ssl.setIncludeCipherSuites(CIPHER_SUITES.toArray(String[]::new));
    ServerConnector connector =
        new ServerConnector(
            server,
            1,
            SELECTORS,
            new PooledRecords(ssl, "http/1.1"),
            new HttpConnectionFactory(https));
    connector.setName(HTTPS);
    connector.setHost(settings.bindHost());
    connector.setPort(settings.port());
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    connector.addBean(new SlowRequestGuard(connector.getScheduler(), SLOW_REQUEST_PERIOD));
    return connector;
  }

  /**
   * Tells Jetty how many references share a cache line (it pads its queues with them), which it
   * would otherwise learn through the platform MBean server: building that server took about a
   * tenth of a second of every start. The one diagnostic bean answers the same question.
   */
  private static void referencesPerCacheLine() {
    String property = "org.eclipse.jetty.util.referencesPerCacheLine";
    if (System.getProperty(property) == null) {
      boolean compressed =
          Boolean.parseBoolean(
              ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                  .getVMOption("UseCompressedOops")
                  .getValue());
      int cacheLine = Integer.getInteger("org.eclipse.jetty.util.cacheLineBytes", 64);
      System.setProperty(property, String.valueOf(cacheLine / (compressed ? 4 : 8)));
    }
  }

  @Override
  public void close() {
    stopQuietly(server);
    blocking.shutdownNow();
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("event=http-stop-failed reason={}", e.getMessage());
    }
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || (t instanceof IOException && String.valueOf(t.getMessage()).contains("bind"))) {
        return true;
      }
    }
    return false;
  }
}
