package io.coffer.server.http;

import io.coffer.server.audit.AuditTrail;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Settings;
import io.coffer.server.throttle.CredentialThrottle;
import io.coffer.server.throttle.Throttle;
import io.coffer.server.tls.TlsMaterial;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server: Netty with one TLS listener (and, when configured, a plain-HTTP one for
 * Prometheus), each connection ending in a {@link NettyDoor} in front of the {@link Pipeline} every
 * request takes; each listener has its own route table. The routes of every surface are declared
 * here, as data, once.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private static final long STOP_TIMEOUT_MS = 10_000;
  private static final long IDLE_TIMEOUT_MS = 60_000;
  // Sending bytes this long without completing a request is a slowloris, not a slow network.
  private static final Duration SLOW_REQUEST_PERIOD = Duration.ofSeconds(30);

  /** The request line, and then all header lines together, each at most this long (414, 431). */
  private static final int MAX_HEAD = 8 * 1024;

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
   * Every buffer that holds plaintext is a heap buffer of its own, fresh or zeroed: a pooled buffer
   * given back too early is how one client's bytes become another's. Only the TLS listener's socket
   * reads and writes, which hold ciphertext, are pooled ({@link RecordBuffers}).
   */
  private static final UnpooledByteBufAllocator PLAIN = new UnpooledByteBufAllocator(false);

  private static final String HTTPS = "https";
  private static final String METRICS = "metrics";

  /** One listening socket: plain HTTP when {@code tls} is null. */
  private record Listener(String name, String host, int port, Tls tls) {
    ByteBufAllocator buffers(RecordBuffers records) {
      return tls == null ? PLAIN : records;
    }

    RecvByteBufAllocator reads(RecordBuffers records) {
      return tls == null ? new AdaptiveRecvByteBufAllocator() : records.reads();
    }
  }

  private final List<Channel> listening;
  private final ChannelGroup connections;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup loops;
  private final InFlight inFlight;
  private final ExecutorService blocking;

  private HttpServer(
      List<Channel> listening,
      ChannelGroup connections,
      EventLoopGroup acceptor,
      EventLoopGroup loops,
      InFlight inFlight,
      ExecutorService blocking) {
    this.listening = listening;
    this.connections = connections;
    this.acceptor = acceptor;
    this.loops = loops;
    this.inFlight = inFlight;
    this.blocking = blocking;
  }

  /**
   * Starts serving.
   *
   * @throws ConfigException when the port is taken or cannot be bound
   */
  public static HttpServer start(Settings settings, TlsMaterial tls, Services services) {
    // Netty's leak detection tracks a sample of buffers but asks on every allocation: 3 % of a GET.
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    ExecutorService blocking =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("coffer-request-", 0).factory());
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup acceptor = eventLoops(epoll, 1, "coffer-accept");
    EventLoopGroup loops = eventLoops(epoll, settings.ioThreads(), "coffer-io");
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    InFlight inFlight = new InFlight();
    Executor reads = services.reads().apply(blocking);
    List<Channel> listening = new ArrayList<>();
    RecordBuffers records = new RecordBuffers(settings.ioThreads());
    try {
      for (Map.Entry<Listener, Pipeline> entry :
          listeners(settings, Tls.of(tls), services).entrySet()) {
        Listener listener = entry.getKey();
        Pipeline pipeline = entry.getValue();
        Map<EventLoop, AuditBatch> batches = new ConcurrentHashMap<>();
        ServerBootstrap bootstrap =
            new ServerBootstrap()
                .group(acceptor, loops)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, listener.buffers(records))
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, listener.reads(records))
                // A client that sends its request and shuts its side may still read the answer.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(
                    new ChannelInitializer<Channel>() {
                      @Override
                      protected void initChannel(Channel channel) {
                        connections.add(channel);
                        SlowRequestGuard slow = new SlowRequestGuard(SLOW_REQUEST_PERIOD);
                        ChannelPipeline handlers = channel.pipeline();
                        handlers.addLast(
                            new IdleStateHandler(0, 0, IDLE_TIMEOUT_MS, TimeUnit.MILLISECONDS));
                        if (listener.tls() != null) {
                          handlers.addLast(listener.tls().handler());
                        }
                        handlers.addLast(
                            slow,
                            new HttpServerCodec(
                                new HttpDecoderConfig()
                                    .setMaxInitialLineLength(MAX_HEAD)
                                    .setMaxHeaderSize(MAX_HEAD)),
                            new NettyDoor(
                                pipeline,
                                blocking,
                                reads,
                                inFlight,
                                slow,
                                batches.computeIfAbsent(
                                    channel.eventLoop(),
                                    loop -> new AuditBatch(pipeline.audit(), loop))));
                      }
                    });
        listening.add(bind(bootstrap, listener));
      }
    } catch (RuntimeException e) {
      listening.forEach(channel -> channel.close().awaitUninterruptibly());
      shutDown(acceptor, loops);
      blocking.shutdownNow();
      throw e;
    }
    LOG.info(
        "event=listening address=https://{}:{} domain={} io={} io_threads={}",
        settings.bindHost(),
        settings.port(),
        settings.domain(),
        epoll ? "epoll" : "nio",
        settings.ioThreads());
    settings
        .metrics()
        .ifPresent(listener ->
            LOG.info(
                "event=metrics-listening address=http://{}:{}{}",
                listener.bindHost(),
                listener.port(),
                MetricsRoutes.PATH));
    return new HttpServer(listening, connections, acceptor, loops, inFlight, blocking);
  }

  private static EventLoopGroup eventLoops(boolean epoll, int threads, String name) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    return epoll
        ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }

  /**
   * Each listener with the pipeline that serves it: the HTTPS one with every route; the metrics
   * listener, when configured, with {@code /metrics} and {@code /healthz} only, unaudited.
   */
  private static Map<Listener, Pipeline> listeners(Settings settings, Tls tls, Services services) {
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
    Map<Listener, Pipeline> listeners = new LinkedHashMap<>();
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
    listeners.put(new Listener(HTTPS, settings.bindHost(), settings.port(), tls), https);
    settings
        .metrics()
        .ifPresent(listener ->
            listeners.put(
                new Listener(METRICS, listener.bindHost(), listener.port(), null),
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

  /** Binds a listener's port now, so that a port in use is named as the setting that chose it. */
  private static Channel bind(ServerBootstrap bootstrap, Listener listener) {
    ChannelFuture bound = bootstrap.bind(listener.host(), listener.port()).awaitUninterruptibly();
    if (bound.isSuccess()) {
      return bound.channel();
    }
    Throwable e = bound.cause();
    if (!causedByBind(e)) {
      throw new IllegalStateException("cannot listen on " + listener.name(), e);
    }
    boolean metrics = listener.name().equals(METRICS);
    throw new ConfigException(
        metrics ? "metrics-port" : "port",
        listener.host() + ":" + listener.port() + " is already in use or not permitted",
        "stop the other process or pass "
            + (metrics ? "--metrics-port" : "--port")
            + " <free port>");
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

  /**
   * TLS 1.3 and 1.2 with {@link #CIPHER_SUITES}, no client certificate asked for, on the JDK's own
   * engine. Not through Netty's {@code SslContext}: building its first one initialises a default
   * JDK context, which loads the ~150 public CAs (a quarter of a second and 17 MiB of heap at every
   * start). Not on BoringSSL (netty-tcnative), though it served about 5 % more GETs here: its
   * engine closes its side as soon as the client does, so a client that sent a cut-short body and
   * shut its side got no answer instead of a 400. The empty trust store keeps the JDK from loading
   * those CAs to trust clients with.
   */
  private record Tls(SSLContext context, SSLParameters parameters) {
    static Tls of(TlsMaterial material) {
      try {
        KeyManagerFactory keys =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(material.keyStore(), material.keyStorePassword());
        TrustManagerFactory trust =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(material.clientCertificateTrust());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        List<String> supported = List.of(context.getSupportedSSLParameters().getCipherSuites());
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        parameters.setCipherSuites(
            CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new));
        return new Tls(context, parameters);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
      }
    }

    SslHandler handler() {
      SSLEngine engine = context.createSSLEngine();
      engine.setUseClientMode(false);
      engine.setSSLParameters(parameters);
      return new SslHandler(engine);
    }
  }

  /**
   * Stops accepting, lets the requests being served finish (up to the stop timeout; new requests on
   * open connections are refused meanwhile), then closes every connection.
   */
  @Override
  public void close() {
    listening.forEach(channel -> channel.close().awaitUninterruptibly());
    if (!inFlight.stop(STOP_TIMEOUT_MS)) {
      LOG.warn("event=http-stop-timeout waitedMs={}", STOP_TIMEOUT_MS);
    }
    connections.close().awaitUninterruptibly();
    shutDown(acceptor, loops);
    blocking.shutdownNow();
  }

  private static void shutDown(EventLoopGroup... groups) {
    for (EventLoopGroup group : groups) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
    for (EventLoopGroup group : groups) {
      group.terminationFuture().awaitUninterruptibly();
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
