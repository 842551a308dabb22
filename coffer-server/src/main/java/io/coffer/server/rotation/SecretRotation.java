package io.coffer.server.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.CofferException;
import io.coffer.server.audit.AuditEvent;
import io.coffer.server.audit.AuditTrail;
import io.coffer.server.events.EventSubscriptions;
import io.coffer.server.events.EventType;
import io.coffer.server.secrets.MetadataChange;
import io.coffer.server.secrets.NewSecret;
import io.coffer.server.secrets.SecretService;
import io.coffer.server.secrets.SecretValue;
import io.coffer.server.secrets.SecretVersion;
import io.coffer.server.storage.RotationPolicyRecord;
import io.coffer.server.storage.RotationRunRecord;
import io.coffer.server.storage.RotationStore;
import io.coffer.server.storage.Storage;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coffer rotating a PostgreSQL password it holds in a secret: on schedule, near the secret's
 * expiry, or on demand. Two logins alternate ({@link PostgresRoles}): a rotation gives the standby
 * login a new password, writes it as the secret's new version ({@code {"user", "password"}}), then
 * ends the previous login at now + grace with {@code VALID UNTIL}, so consumers that have not yet
 * read the new version keep connecting until then. PostgreSQL has one password per role, so a
 * single role could not stay valid under its old password: that is why there are two. A run that
 * fails before the new version is written leaves the current login untouched. One that stops after
 * writing it (a failure, or the node killed) would leave the previous login valid without end, so
 * the new version names the one it replaces ({@code coffer-rotation-previous}) and the next look at
 * the policy (the schedule's next tick, on any node, or an on-demand run) finishes the grace first:
 * the previous login ends at the new version's creation + grace. Every step is in the audit trail;
 * a failure is also an event ({@code Coffer.KeyVault.SecretRotationFailed}).
 */
public final class SecretRotation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecretRotation.class);

  /** Built on first use: a mapper costs a started server some 5 MiB (see {@code Json}). */
  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private static final Duration TICK = Duration.ofSeconds(2);
  private static final Duration RETRY_FAILED = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The tag on a rotated version naming the version whose login it replaces. */
  static final String PREVIOUS_TAG = "coffer-rotation-previous";

  private static final String ROTATING = "rotating";
  private static final String FAILED = "failed";
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  private final Storage storage;
  private final RotationStore store;
  private final Vaults vaults;
  private final SecretService secrets;
  private final EventSubscriptions events;
  private final AuditTrail audit;
  private final Map<String, ReentrantLock> running = new ConcurrentHashMap<>();
  private volatile boolean open = true;
  private Thread scheduler;

  public SecretRotation(
      Storage storage,
      Vaults vaults,
      SecretService secrets,
      EventSubscriptions events,
      AuditTrail audit) {
    this.storage = storage;
    this.store = storage.rotations();
    this.vaults = vaults;
    this.secrets = secrets;
    this.events = events;
    this.audit = audit;
  }

  /** Sets (or replaces) a secret's policy; the first scheduled run is due at once. */
  public RotationStatus set(Vault vault, String name, RotationPolicy policy) {
    if (!name.matches("[0-9a-zA-Z-]{1,127}")) {
      throw new CofferException.BadRequest("A secret's name is 1-127 letters, digits and dashes.");
    }
    Optional<RotationPolicyRecord> old = store.policy(vault.id(), name);
    RotationPolicyRecord saved =
        new RotationPolicyRecord(
            vault.id(),
            name,
            policy.jdbcUrl(),
            policy.role(),
            policy.adminSecret(),
            policy.every().toSeconds(),
            policy.grace().toSeconds(),
            policy.nearExpiryDays(),
            old.map(RotationPolicyRecord::nextDue).orElse(nowSeconds()),
            old.map(RotationPolicyRecord::lastRotated).orElse(OptionalLong.empty()),
            old.map(RotationPolicyRecord::lastStatus).orElse("never"),
            old.map(RotationPolicyRecord::lastError).orElse(""));
    store.savePolicy(saved);
    return RotationStatus.of(saved);
  }

  public List<RotationStatus> list(Vault vault) {
    return store.policies(vault.id()).stream().map(RotationStatus::of).toList();
  }

  public RotationStatus get(Vault vault, String name) {
    return RotationStatus.of(policy(vault, name));
  }

  private RotationPolicyRecord policy(Vault vault, String name) {
    return store
        .policy(vault.id(), name)
        .orElseThrow(() ->
            new CofferException.NotFound("No rotation policy is set for secret '" + name + "'."));
  }

  public List<RotationRun> runs(Vault vault, String name, int limit) {
    return store.runs(vault.id(), name, limit).stream().map(RotationRun::of).toList();
  }

  public void remove(Vault vault, String name) {
    if (!store.deletePolicy(vault.id(), name)) {
      throw new CofferException.NotFound("No rotation policy is set for secret '" + name + "'.");
    }
  }

  /**
   * Rotates now.
   *
   * @throws CofferException.Conflict while another run of it goes on, or while the previous login
   *     is still in its grace (changing it then would break whoever still uses it)
   */
  public RotationRun runNow(Vault vault, String name) {
    policy(vault, name);
    return exclusively(vault, name, "on-demand", true)
        .map(RotationRun::of)
        .orElseThrow(() ->
            new CofferException.Conflict(
                "A rotation of '" + name + "' is running; try again when it ends.",
                CofferException.Reason.NONE));
  }

  /** Starts the schedule: due and near-expiry policies are rotated every few seconds. */
  public void startSchedule() {
    scheduler = Thread.ofPlatform().daemon().name("coffer-rotation").start(this::schedule);
  }

  private void schedule() {
    while (open) {
      try {
        for (RotationPolicyRecord policy : store.allPolicies()) {
          String cause = dueCause(policy);
          if (cause != null) {
            vaultOf(policy).ifPresent(vault -> exclusively(vault, policy.name(), cause, false));
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("event=rotation-schedule-failed reason={}", e.getMessage());
      }
      try {
        Thread.sleep(TICK.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Why a policy is due now ({@code schedule} or {@code near-expiry}), or null. */
  private String dueCause(RotationPolicyRecord policy) {
    long now = nowSeconds();
    // Only a run that did not end well can have left a grace unset: look at the secret then.
    if ((policy.lastStatus().equals(ROTATING) || policy.lastStatus().equals(FAILED))
        && vaultOf(policy).flatMap(v -> unfinished(v, policy)).isPresent()) {
      return "resume";
    }
    if (inGrace(policy)) {
      return null;
    }
    if (policy.nextDue() <= now) {
      return "schedule";
    }
    if (policy.nearExpiryDays() > 0) {
      Optional<SecretVersion> current = vaultOf(policy).flatMap(v -> current(v, policy.name()));
      if (current.isPresent()
          && current.get().expires().isPresent()
          && current.get().expires().getAsLong()
                  - Duration.ofDays(policy.nearExpiryDays()).toSeconds()
              <= now) {
        return "near-expiry";
      }
    }
    return null;
  }

  /**
   * Runs under this node's lock and, with shared storage, the cluster's: at most one run of a
   * secret anywhere. The policy is read again inside, so a run another node just made is seen.
   */
  private Optional<RotationRunRecord> exclusively(
      Vault vault, String name, String cause, boolean onDemand) {
    ReentrantLock lock =
        running.computeIfAbsent(vault.id() + "/" + name.toLowerCase(), k -> new ReentrantLock());
    if (!lock.tryLock()) {
      return Optional.empty();
    }
    try {
      RotationRunRecord[] run = {null};
      boolean ran =
          storage.exclusively(
              "rotation:" + vault.id() + "/" + name.toLowerCase(),
              () -> {
                RotationPolicyRecord policy = policy(vault, name);
                Optional<Unfinished> unfinished = unfinished(vault, policy);
                if (unfinished.isPresent()) {
                  run[0] = finishGrace(vault, policy, unfinished.get());
                  return;
                }
                if (inGrace(policy)) {
                  if (onDemand) {
                    throw new CofferException.Conflict(
                        "The previous login of '"
                            + name
                            + "' is in its grace period until "
                            + Instant.ofEpochMilli(
                                policy.lastRotated().getAsLong() + policy.graceSeconds() * 1000)
                            + "; rotating again now would end it early.",
                        CofferException.Reason.NONE);
                  }
                  return;
                }
                if (!onDemand && dueCause(policy) == null) {
                  return;
                }
                run[0] = rotate(vault, policy, cause);
              });
      return ran ? Optional.ofNullable(run[0]) : Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  private static boolean inGrace(RotationPolicyRecord policy) {
    return policy.lastRotated().isPresent()
        && System.currentTimeMillis()
            < policy.lastRotated().getAsLong() + policy.graceSeconds() * 1000;
  }

  private RotationRunRecord rotate(Vault vault, RotationPolicyRecord policy, String cause) {
    String runId = UUID.randomUUID().toString();
    long started = System.currentTimeMillis();
    String name = policy.name();
    Optional<SecretVersion> current = current(vault, name);
    step(runId, vault, name, "", "SecretRotationStart", 200, "", started);
    String written = "";
    String login = "";
    try {
      JsonNode admin = login(secrets.get(vault, policy.adminSecret(), ""), "admin secret");
      Optional<String> active = current.flatMap(SecretRotation::activeLogin);
      String[] logins = PostgresRoles.logins(policy.role());
      login = active.filter(logins[0]::equals).isPresent() ? logins[1] : logins[0];
      char[] password = password();
      boolean replaces = active.isPresent() && !active.get().equals(login);
      // Marked first, so that a run that dies from here on is looked at again (dueCause).
      store.savePolicy(policy.after(policy.nextDue(), policy.lastRotated(), ROTATING, ""));
      try (PostgresRoles roles =
          PostgresRoles.connect(
              policy.jdbcUrl(), admin.path("user").asText(), admin.path("password").asText())) {
        roles.ensureLogin(policy.role(), login);
        // The driver wipes the array it is given once the verifier is computed.
        roles.setPassword(login, password.clone());
        step(runId, vault, name, "", "SecretRotationPasswordChange", 200, "", started);
        SecretVersion version =
            secrets.set(
                vault,
                name,
                new NewSecret(
                    new SecretValue(
                        Mapper.JSON.writeValueAsString(
                            Map.of("user", login, "password", new String(password)))),
                    Optional.of("application/json"),
                    replaces
                        ? Map.of("coffer-rotation", runId, PREVIOUS_TAG, current.get().version())
                        : Map.of("coffer-rotation", runId),
                    true,
                    OptionalLong.empty(),
                    OptionalLong.empty()));
        written = version.version();
        step(runId, vault, name, written, "SecretRotationVersionWrite", 200, "", started);
        if (replaces) {
          Instant end =
              Instant.ofEpochMilli(System.currentTimeMillis() + policy.graceSeconds() * 1000);
          endPrevious(
              roles, vault, name, active.get(), current.get().version(), end, runId, started);
        }
      }
      long finished = System.currentTimeMillis();
      RotationRunRecord run =
          new RotationRunRecord(
              runId, vault.id(), name, cause, started, finished, "succeeded", written, login, "");
      store.recordRun(
          run,
          policy.after(
              nowSeconds() + policy.everySeconds(), OptionalLong.of(finished), "succeeded", ""));
      step(runId, vault, name, written, "SecretRotationComplete", 200, "", started);
      LOG.info(
          "event=secret-rotated vault={} secret={} cause={} login={} version={}",
          vault.name(),
          name,
          cause,
          login,
          written);
      return run;
    } catch (SQLException
        | RuntimeException
        | com.fasterxml.jackson.core.JsonProcessingException e) {
      String reason = reason(e);
      long finished = System.currentTimeMillis();
      RotationRunRecord run =
          new RotationRunRecord(
              runId, vault.id(), name, cause, started, finished, FAILED, written, login, reason);
      store.recordRun(
          run,
          policy.after(
              nowSeconds() + Math.min(policy.everySeconds(), RETRY_FAILED.toSeconds()),
              policy.lastRotated(),
              FAILED,
              reason));
      step(runId, vault, name, written, "SecretRotationFail", 500, reason, started);
      LOG.warn(
          "event=secret-rotation-failed vault={} secret={} cause={} reason={}",
          vault.name(),
          name,
          cause,
          reason);
      events.publish(
          vault,
          EventType.SECRET_ROTATION_FAILED,
          name,
          current.map(SecretVersion::version).orElse(""),
          current.map(SecretVersion::notBefore).orElse(OptionalLong.empty()),
          current.map(SecretVersion::expires).orElse(OptionalLong.empty()),
          reason);
      return run;
    }
  }

  /** Ends the previous login at {@code end} and gives its version the same expiry. */
  private void endPrevious(
      PostgresRoles roles,
      Vault vault,
      String name,
      String previousLogin,
      String previousVersion,
      Instant end,
      String runId,
      long started)
      throws SQLException {
    roles.endAt(previousLogin, end);
    secrets.update(
        vault,
        name,
        previousVersion,
        new MetadataChange(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(end.getEpochSecond())));
    step(runId, vault, name, previousVersion, "SecretRotationGraceSet", 200, "", started);
  }

  /** A rotated version whose run did not finish: the login it replaced may still have no end. */
  private record Unfinished(SecretVersion current, String login, String previousLogin) {}

  /**
   * The current version, when a run wrote it and did not record success (it failed or its node died
   * after the write): its predecessor's login then still needs its grace end.
   */
  private Optional<Unfinished> unfinished(Vault vault, RotationPolicyRecord policy) {
    Optional<SecretVersion> current = current(vault, policy.name());
    if (current.isEmpty() || !current.get().tags().containsKey(PREVIOUS_TAG)) {
      return Optional.empty();
    }
    long written = current.get().created() * 1000;
    if (policy.lastRotated().isPresent() && policy.lastRotated().getAsLong() >= written) {
      return Optional.empty();
    }
    Optional<String> login = activeLogin(current.get());
    Optional<String> previousLogin;
    try {
      previousLogin =
          activeLogin(secrets.get(vault, policy.name(), current.get().tags().get(PREVIOUS_TAG)));
    } catch (CofferException e) {
      return Optional.empty();
    }
    if (login.isEmpty() || previousLogin.isEmpty() || login.equals(previousLogin)) {
      return Optional.empty();
    }
    return Optional.of(new Unfinished(current.get(), login.get(), previousLogin.get()));
  }

  /**
   * Finishes an interrupted run: the previous login ends at the new version's creation + grace (at
   * once when that has passed), and the run is recorded as the rotation that wrote the version.
   */
  private RotationRunRecord finishGrace(
      Vault vault, RotationPolicyRecord policy, Unfinished unfinished) {
    String runId = UUID.randomUUID().toString();
    long started = System.currentTimeMillis();
    String name = policy.name();
    String version = unfinished.current().version();
    step(runId, vault, name, version, "SecretRotationResume", 200, "", started);
    long written = unfinished.current().created() * 1000;
    Instant end = Instant.ofEpochMilli(Math.max(started, written + policy.graceSeconds() * 1000));
    BiFunction<String, String, RotationRunRecord> resumed =
        (status, reason) ->
            new RotationRunRecord(
                runId,
                vault.id(),
                name,
                "resume",
                started,
                System.currentTimeMillis(),
                status,
                version,
                unfinished.login(),
                reason);
    try {
      JsonNode admin = login(secrets.get(vault, policy.adminSecret(), ""), "admin secret");
      try (PostgresRoles roles =
          PostgresRoles.connect(
              policy.jdbcUrl(), admin.path("user").asText(), admin.path("password").asText())) {
        endPrevious(
            roles,
            vault,
            name,
            unfinished.previousLogin(),
            unfinished.current().tags().get(PREVIOUS_TAG),
            end,
            runId,
            started);
      }
      RotationRunRecord run = resumed.apply("succeeded", "");
      store.recordRun(
          run,
          policy.after(
              written / 1000 + policy.everySeconds(), OptionalLong.of(written), "succeeded", ""));
      step(runId, vault, name, version, "SecretRotationComplete", 200, "", started);
      LOG.info(
          "event=secret-rotation-resumed vault={} secret={} previous-login={} ends={}",
          vault.name(),
          name,
          unfinished.previousLogin(),
          end);
      return run;
    } catch (SQLException | RuntimeException e) {
      String reason = reason(e);
      RotationRunRecord run = resumed.apply(FAILED, reason);
      // Still unfinished: the next tick tries again.
      store.recordRun(run, policy.after(policy.nextDue(), policy.lastRotated(), FAILED, reason));
      step(runId, vault, name, version, "SecretRotationFail", 500, reason, started);
      LOG.warn(
          "event=secret-rotation-resume-failed vault={} secret={} reason={}",
          vault.name(),
          name,
          reason);
      return run;
    }
  }

  private Optional<Vault> vaultOf(RotationPolicyRecord policy) {
    return vaults.all().stream().filter(v -> v.id().equals(policy.vaultId())).findFirst();
  }

  private Optional<SecretVersion> current(Vault vault, String name) {
    try {
      return Optional.of(secrets.get(vault, name, ""));
    } catch (CofferException e) {
      return Optional.empty();
    }
  }

  /** The login a version holds, when it is one of ours. */
  private static Optional<String> activeLogin(SecretVersion version) {
    try {
      return Optional.of(login(version, "secret").path("user").asText());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static JsonNode login(SecretVersion version, String what) {
    try {
      JsonNode node = Mapper.JSON.readTree(version.value().orElseThrow().text());
      if (node == null || !node.path("user").isTextual() || !node.path("password").isTextual()) {
        throw new IllegalArgumentException();
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new CofferException.BadRequest(
          "The " + what + " must hold {\"user\": ..., \"password\": ...}.");
    }
  }

  private static char[] password() {
    char[] password = new char[32];
    for (int i = 0; i < password.length; i++) {
      password[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
    }
    return password;
  }

  /** A failure's reason, for the run record, the audit trail and the event: never a value. */
  private static String reason(Exception e) {
    String message =
        e instanceof SQLException sql && sql.getSQLState() != null
            ? "PostgreSQL " + sql.getSQLState() + ": " + sql.getMessage()
            : e.getMessage();
    message = message == null ? e.getClass().getSimpleName() : message;
    return message.length() > 300 ? message.substring(0, 300) : message;
  }

  private void step(
      String runId,
      Vault vault,
      String name,
      String version,
      String operation,
      int status,
      String error,
      long started) {
    audit.append(
        new AuditEvent(
            Instant.now().toString(),
            runId,
            operation,
            "coffer-rotation",
            "",
            vault.tenantId(),
            vault.name(),
            name,
            version,
            status,
            error,
            "",
            System.currentTimeMillis() - started));
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  @Override
  public void close() {
    open = false;
    if (scheduler != null) {
      scheduler.interrupt();
    }
  }
}
