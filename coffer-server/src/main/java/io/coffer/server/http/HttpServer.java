package io.coffer.server.http;

import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Settings;
import io.coffer.server.throttle.Throttle;
import io.coffer.server.tls.TlsMaterial;
import java.io.IOException;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server: Jetty with one TLS connector and one handler, {@link JettyDoor}, in front of
 * the {@link Pipeline} every request takes. The routes of every surface are declared here, as data,
 * once.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private static final long STOP_TIMEOUT_MS = 10_000;
  private static final long IDLE_TIMEOUT_MS = 60_000;
  // Sending bytes this long without completing a request is a slowloris, not a slow network.
  private static final Duration SLOW_REQUEST_PERIOD = Duration.ofSeconds(30);

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
    ConsoleApi console = new ConsoleApi(settings.endpoints(), Clock.systemUTC());
    Pipeline pipeline =
        new Pipeline(
            new Router(routes(settings, services, console)),
            new Guard(
                settings.endpoints(),
                services.vaults(),
                services.verifier(),
                services.authorizer(),
                new Throttle(
                    settings.guardrails().perPrincipal(),
                    settings.guardrails().perVault(),
                    System::nanoTime)),
            new BodyBudget(Runtime.getRuntime().maxMemory()),
            new AuditRecorder(services.audit(), settings.guardrails().auditFailClosed()));
    // The console serves its work through the very pipeline it is a route of.
    console.attach(pipeline);
    ExecutorService blocking =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("coffer-request-", 0).factory());
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("coffer-io");
    Server server = new Server(threads);
    server.setStopTimeout(STOP_TIMEOUT_MS);
    server.setErrorHandler(new JettyErrors());
    server.addConnector(connector(server, settings, tls));
    // On stop: stop accepting, and let requests in flight finish, for up to the stop timeout.
    server.setHandler(new GracefulHandler(new JettyDoor(pipeline, blocking, services.shared())));
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      blocking.shutdownNow();
      if (causedByBind(e)) {
        throw new ConfigException(
            "port",
            settings.bindHost() + ":" + settings.port() + " is already in use or not permitted",
            "stop the other process or pass --port <free port>");
      }
      throw new IllegalStateException("the HTTPS server did not start: " + e.getMessage(), e);
    }
    LOG.info(
        "event=listening address=https://{}:{} domain={}",
        settings.bindHost(),
        settings.port(),
        settings.domain());
    return new HttpServer(server, blocking);
  }

  /**
   * Every route of every surface: the vault, the token service, sign-in, management, the console,
   * health.
   */
  private static List<Route> routes(Settings settings, Services services, ConsoleApi console) {
    List<Route> routes = new ArrayList<>();
    routes.addAll(new SecretRoutes(services.secrets()).routes());
    routes.addAll(
        new IdentityRoutes(
                services.tokens(),
                services.signingKeys(),
                settings.endpoints(),
                services.verifier())
            .routes());
    routes.addAll(new LoginRoutes(services.login()).routes());
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
    routes.add(
        Route.get(
            "/healthz",
            "Health",
            exchange -> {
              boolean up = services.storageReachable().getAsBoolean();
              exchange.json(
                  up ? 200 : 503,
                  Map.of("status", up ? "ok" : "unavailable", "storage", up ? "ok" : "down"));
            }));
    return routes;
  }

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
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    ServerConnector connector =
        new ServerConnector(
            server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    connector.setHost(settings.bindHost());
    connector.setPort(settings.port());
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    connector.addBean(new SlowRequestGuard(connector.getScheduler(), SLOW_REQUEST_PERIOD));
    return connector;
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
