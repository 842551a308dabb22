package io.coffer.server.http;

import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Settings;
import io.coffer.server.throttle.Throttle;
import io.coffer.server.tls.TlsMaterial;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import java.io.IOException;
import java.net.BindException;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTPS server: one TLS connector, the vault and identity routes, one error mapping. */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private static final long STOP_TIMEOUT_MS = 10_000;
  // Sending bytes this long without completing a request is a slowloris, not a slow network.
  private static final java.time.Duration SLOW_REQUEST_PERIOD = java.time.Duration.ofSeconds(30);

  private final Javalin app;

  private HttpServer(Javalin app) {
    this.app = app;
  }

  /**
   * Starts serving.
   *
   * @throws ConfigException when the port is taken or cannot be bound
   */
  public static HttpServer start(Settings settings, TlsMaterial tls, Services services) {
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
    AuditRecorder audit =
        new AuditRecorder(services.audit(), settings.guardrails().auditFailClosed());
    BodyBudget bodies = new BodyBudget(Runtime.getRuntime().maxMemory());
    SecretRoutes secretRoutes = new SecretRoutes(services.secrets());
    IdentityRoutes identityRoutes =
        new IdentityRoutes(
            services.tokens(), services.signingKeys(), settings.endpoints(), services.verifier());
    Javalin app =
        Javalin.create(config -> {
          config.concurrency.useVirtualThreads = true;
          config.startup.showJavalinBanner = false;
          config.http.maxRequestSize = BodyBudget.MAX_BODY;
          config.http.prefer405over404 = true;
          // Secret bodies are small, and compressing secrets beside attacker-chosen text over TLS
          // is how BREACH-style attacks read them: never compress; no ETags either.
          config.http.compressionStrategy = CompressionStrategy.NONE;
          config.http.generateEtags = false;
          config.router.ignoreTrailingSlashes = true;
          config.jetty.addConnector((server, http) -> {
            HttpConfiguration https = new HttpConfiguration(http);
            https.setSendServerVersion(false);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // Clients reach vaults by IP in benchmarks and by name elsewhere; the
            // certificate covers the names, and Host routing decides the vault.
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(new String(tls.keyStorePassword()));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            ServerConnector connector =
                new ServerConnector(
                    server,
                    new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(https));
            connector.setHost(settings.bindHost());
            connector.setPort(settings.port());
            connector.setIdleTimeout(60_000);
            connector.addBean(new SlowRequestGuard(connector.getScheduler(), SLOW_REQUEST_PERIOD));
            return connector;
          });
          config.jetty.modifyServer(server ->
              configureJetty(
                  server,
                  framework ->
                      new SecretGetHandler(
                          framework, guard, services.secrets(), audit, services.storageLocal())));
          config.routes.before(Headers::stamp);
          config.routes.before(audit::start);
          config.routes.beforeMatched(audit::target);
          config.routes.beforeMatched(guard::check);
          config.routes.beforeMatched(bodies::reserve);
          config.routes.after(bodies::release);
          config.routes.after(AccessLog::record);
          config.routes.after(audit::record);
          secretRoutes.register(config.routes);
          identityRoutes.register(config.routes);
          new AdminRoutes(
                  services.directory(),
                  services.vaults(),
                  services.authorizer(),
                  services.verifier(),
                  settings.endpoints(),
                  services.rotation())
              .register(config.routes);
          new LoginRoutes(services.login()).register(config.routes);
          config.routes.get(
              "/healthz",
              ctx -> {
                boolean up = services.storageReachable().getAsBoolean();
                Failures.write(
                    ctx,
                    up ? 200 : 503,
                    Map.of("status", up ? "ok" : "unavailable", "storage", up ? "ok" : "down"));
              });
          config.routes.exception(Exception.class, Failures::handle);
          // Javalin's own answers (no route, wrong method, body too large) become Azure errors.
          for (int status : new int[] {404, 405, 413}) {
            config.routes.error(status, Failures::replaceFrameworkAnswer);
          }
        });
    try {
      app.start();
    } catch (RuntimeException e) {
      if (causedByBind(e)) {
        throw new ConfigException(
            "port",
            settings.bindHost() + ":" + settings.port() + " is already in use",
            "stop the other process or pass --port <free port>");
      }
      throw e;
    }
    LOG.info(
        "event=listening address=https://{}:{} domain={}",
        settings.bindHost(),
        settings.port(),
        settings.domain());
    return new HttpServer(app);
  }

  /**
   * Jetty's own answers in the Azure error shape; the hot read ahead of the framework; and on stop,
   * stop accepting and let requests in flight finish, for up to the stop timeout.
   */
  private static void configureJetty(Server server, UnaryOperator<Handler> ahead) {
    server.setStopTimeout(STOP_TIMEOUT_MS);
    server.setErrorHandler(new JettyErrors());
    Handler handler = server.getHandler();
    if (handler != null && !(handler instanceof GracefulHandler)) {
      server.setHandler(new GracefulHandler(ahead.apply(handler)));
    }
  }

  @Override
  public void close() {
    app.stop();
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
