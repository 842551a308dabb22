package io.coffer.server;

import io.coffer.server.audit.AuditKeys;
import io.coffer.server.audit.AuditOptions;
import io.coffer.server.audit.AuditTrail;
import io.coffer.server.authz.Authorizer;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Guardrails;
import io.coffer.server.config.Settings;
import io.coffer.server.crypto.Envelope;
import io.coffer.server.crypto.Keyring;
import io.coffer.server.crypto.SealedBlob;
import io.coffer.server.events.EventSubscriptions;
import io.coffer.server.events.RetrySchedule;
import io.coffer.server.http.HttpServer;
import io.coffer.server.http.Services;
import io.coffer.server.identity.AuthorizationResponse;
import io.coffer.server.identity.Directory;
import io.coffer.server.identity.InteractiveLogin;
import io.coffer.server.identity.SigningKeys;
import io.coffer.server.identity.TokenService;
import io.coffer.server.identity.TokenVerifier;
import io.coffer.server.metrics.ServerMetrics;
import io.coffer.server.rotation.SecretRotation;
import io.coffer.server.secrets.Backups;
import io.coffer.server.secrets.SecretChanges;
import io.coffer.server.secrets.SecretService;
import io.coffer.server.storage.ChangeLog;
import io.coffer.server.storage.PostgresOptions;
import io.coffer.server.storage.Storage;
import io.coffer.server.tls.TlsMaterial;
import io.coffer.server.vault.Vaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Coffer: storage, keys, TLS, services and the HTTPS server, wired in one place. */
public final class CofferServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CofferServer.class);
  private static final int PURGE_BATCH = 500;

  private final Settings settings;
  private final Storage storage;
  private final TlsMaterial tls;
  private final Directory directory;
  private final Vaults vaults;
  private final Authorizer authorizer;
  private final HttpServer http;
  private final AuditTrail audit;
  private final ScheduledExecutorService background;
  private final ServerMetrics metrics;
  private final List<AutoCloseable> workers;
  private final DataDirLock lock;

  private CofferServer(
      Settings settings,
      Storage storage,
      TlsMaterial tls,
      Directory directory,
      Vaults vaults,
      Authorizer authorizer,
      HttpServer http,
      ScheduledExecutorService background,
      AuditTrail audit,
      ServerMetrics metrics,
      List<AutoCloseable> workers,
      DataDirLock lock) {
    this.metrics = metrics;
    this.lock = lock;
    this.settings = settings;
    this.storage = storage;
    this.tls = tls;
    this.directory = directory;
    this.vaults = vaults;
    this.authorizer = authorizer;
    this.http = http;
    this.audit = audit;
    this.background = background;
    this.workers = workers;
  }

  /**
   * Opens the data directory and starts serving.
   *
   * @param environment where {@code COFFER_MASTER_KEY} may come from
   * @throws ConfigException with the fix, for an unusable data directory, key or port
   */
  public static CofferServer start(Settings settings, Map<String, String> environment) {
    return start(settings, Optional.empty(), environment);
  }

  /**
   * Opens the data directory (master key, TLS material) and serves from the database: the SQLite
   * file in the data directory, or a PostgreSQL shared with other nodes when {@code postgresql} is
   * present.
   */
  public static CofferServer start(
      Settings settings, Optional<PostgresOptions> postgresql, Map<String, String> environment) {
    Path dataDir = prepareDataDir(settings.dataDir());
    return DataDirLock.holding(
        dataDir, lock -> open(settings, postgresql, environment, dataDir, lock));
  }

  private static CofferServer open(
      Settings settings,
      Optional<PostgresOptions> postgresql,
      Map<String, String> environment,
      Path dataDir,
      DataDirLock lock) {
    Clock clock = Clock.systemUTC();
    Keyring keyring = Keyring.load(dataDir, environment);
    TlsMaterial tls = tlsMaterial(settings, dataDir);
    ServerMetrics metrics = ServerMetrics.create();
    Storage storage;
    try {
      storage =
          postgresql.isPresent()
              ? Storage.openPostgresql(
                  postgresql.get(), settings.guardrails().readCacheBytes(), metrics.registry())
              : Storage.openSqlite(
                  dataDir.resolve("coffer.db"),
                  settings.guardrails().readCacheBytes(),
                  metrics.registry());
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
    ClusterAgreement agreement = new ClusterAgreement(storage.cluster(), clock, settings);
    try {
      agreement.check(keyring, tls, storage.isShared(), settings.recordTlsCa());
    } catch (RuntimeException e) {
      storage.close();
      metrics.close();
      throw e;
    }
    // Shared storage: other nodes write too, so nothing above storage caches what they may change
    // (storage's own caches catch up with every node's writes before each read).
    boolean shared = storage.isShared();
    String auditKeyId = keyring.active().id();
    AuditTrail audit =
        AuditTrail.open(
            dataDir.resolve("audit"),
            auditOptions(settings),
            Optional.of(
                new AuditKeys.Signing(auditKeyId, keyring.auditKey(auditKeyId).orElseThrow())));
    try {
      Envelope envelope = new Envelope(keyring);
      Directory directory = new Directory(storage.directory(), storage.oneTime(), clock, shared);
      Vaults vaults = new Vaults(storage.vaults(), clock, shared);
      Authorizer authorizer = new Authorizer(storage.vaults(), clock, shared);
      SigningKeys signingKeys = new SigningKeys(storage.signingKeys(), envelope, clock);
      SecretService secrets =
          new SecretService(
              storage.secrets(),
              envelope,
              new Backups(new SealedBlob(keyring, "secret-backup")),
              clock);
      ScheduledExecutorService background =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("coffer-background").daemon().factory());
      KeyRotation rotation =
          new KeyRotation(keyring, secrets, signingKeys, background, shared, agreement::rotated);
      EventSubscriptions events =
          new EventSubscriptions(
              storage,
              vaults,
              settings.endpoints()::vaultUrl,
              settings.endpoints().authority(),
              RetrySchedule.from(environment));
      SecretRotation secretRotation = new SecretRotation(storage, vaults, secrets, events, audit);
      Services services =
          new Services(
              directory,
              vaults,
              new TokenVerifier(signingKeys, directory, settings.endpoints(), clock),
              authorizer,
              secrets,
              new TokenService(
                  storage.directory(),
                  storage.oneTime(),
                  signingKeys,
                  settings.endpoints(),
                  settings.tokenLifetime(),
                  clock),
              new InteractiveLogin(
                  storage.directory(),
                  storage.oneTime(),
                  directory,
                  clock,
                  settings.endpoints().authority() + AuthorizationResponse.CONSOLE_PATH),
              signingKeys,
              storage::isReachable,
              storage::reads,
              audit,
              rotation,
              metrics,
              new SecretChanges(storage.changes()),
              events,
              secretRotation);
      HttpServer http = HttpServer.start(settings, tls, services);
      settings
          .cloud()
          .ifPresent(cloud ->
              LOG.warn(
                  "event=cloud-names cloud={} names=\"{} *.{}\" note=\"only clients that resolve"
                      + " these names here and trust this server's CA reach it\"",
                  cloud,
                  String.join(" ", settings.endpoints().serviceHosts()),
                  settings.domain()));
      background.schedule(metrics::bindProcessMeters, 1, TimeUnit.SECONDS);
      background.scheduleWithFixedDelay(() -> sweep(storage, secrets), 10, 60, TimeUnit.SECONDS);
      rotation.rewrapInBackground();
      events.startDelivering();
      secretRotation.startSchedule();
      return new CofferServer(
          settings,
          storage,
          tls,
          directory,
          vaults,
          authorizer,
          http,
          background,
          audit,
          metrics,
          List.of(secretRotation, events),
          lock);
    } catch (RuntimeException e) {
      storage.close();
      audit.close();
      metrics.close();
      throw e;
    }
  }

  public Settings settings() {
    return settings;
  }

  public TlsMaterial tls() {
    return tls;
  }

  public Directory directory() {
    return directory;
  }

  public Vaults vaults() {
    return vaults;
  }

  /**
   * While no administrator exists, a new one-time token that creates the first one (see {@code
   * coffer admin bootstrap}); empty afterwards.
   */
  public java.util.Optional<String> bootstrapToken() {
    return directory.bootstrapToken();
  }

  /** The audit trail, for {@code coffer audit verify} and tests. */
  public AuditTrail audit() {
    return audit;
  }

  public Authorizer authorizer() {
    return authorizer;
  }

  /** Every committed secret write, in commit order. */
  public ChangeLog changes() {
    return storage.changes();
  }

  /** Stops accepting requests, lets running ones finish, then closes storage. */
  @Override
  public void close() {
    // Long polls wait on the change log: end them first, or the HTTP stop waits for them.
    storage.changes().stopWaiting();
    for (AutoCloseable worker : workers) {
      try {
        worker.close();
      } catch (Exception e) {
        LOG.warn("event=worker-stop-failed reason={}", e.getMessage());
      }
    }
    background.shutdownNow();
    http.close();
    storage.close();
    audit.close();
    metrics.close();
    lock.close();
    LOG.info("event=stopped");
  }

  /** Purges what is past retention; with shared storage, one node at a time does it. */
  private static void sweep(Storage storage, SecretService secrets) {
    try {
      storage.exclusively(
          "retention-purge",
          () -> {
            int purged = secrets.purgeExpired(PURGE_BATCH);
            if (purged > 0) {
              LOG.info("event=retention-purge purged={}", purged);
            }
          });
    } catch (RuntimeException e) {
      LOG.warn("event=retention-purge-failed reason={}", e.getMessage());
    }
  }

  /**
   * The generated CA's certificate for every name served, or the operator's; under a cloud's names
   * an operator's certificate must cover them, or clients would fail on names Coffer claims.
   */
  private static TlsMaterial tlsMaterial(Settings settings, Path dataDir) {
    List<String> names = settings.endpoints().serverNames();
    if (settings.tlsCertificate().isEmpty()) {
      try {
        return TlsMaterial.loadOrCreate(
            dataDir.resolve("tls"), names, settings.endpoints().caNameFamilies());
      } catch (TlsMaterial.CaKeyElsewhere e) {
        throw new ConfigException("tls", e.getMessage(), e.fix());
      }
    }
    TlsMaterial tls =
        TlsMaterial.fromFiles(settings.tlsCertificate().get(), settings.tlsKey().orElseThrow());
    settings
        .cloud()
        .ifPresent(cloud -> {
          List<String> missing =
              tls.uncovered(
                  List.of("*." + cloud.vaultDomain(), cloud.loginHost(), cloud.managementHost()));
          if (!missing.isEmpty()) {
            throw new ConfigException(
                "tls-cert",
                "does not cover "
                    + String.join(", ", missing)
                    + ", which --cloud "
                    + cloud
                    + " answers for",
                "issue it for those names, or leave --tls-cert out to use Coffer's own CA");
          }
        });
    return tls;
  }

  private static AuditOptions auditOptions(Settings settings) {
    Guardrails guardrails = settings.guardrails();
    Optional<Consumer<String>> ship =
        guardrails.auditStdout() ? Optional.of(System.out::println) : Optional.empty();
    return new AuditOptions(
        guardrails.auditRotateBytes(),
        guardrails.auditKeepFiles(),
        Duration.ofDays(guardrails.auditKeepDays()),
        guardrails.auditMinFreeBytes(),
        ship);
  }

  private static Path prepareDataDir(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      if (!Files.isWritable(dataDir) || !Files.isReadable(dataDir)) {
        throw new ConfigException(
            "data-dir", dataDir + " is not readable and writable", "chmod u+rwx " + dataDir);
      }
      try {
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
      } catch (IOException | UnsupportedOperationException e) {
        LOG.warn("event=data-dir-permissions path={} reason={}", dataDir, e.getMessage());
      }
      return dataDir;
    } catch (IOException e) {
      throw new ConfigException(
          "data-dir",
          "cannot create " + dataDir + " (" + e.getMessage() + ")",
          "pass a writable --data-dir");
    }
  }
}
