package io.coffer.server.events;

import io.coffer.server.storage.ChangeKind;
import io.coffer.server.storage.ChangeLog;
import io.coffer.server.storage.ChangeRecord;
import io.coffer.server.storage.EventDeliveryRecord;
import io.coffer.server.storage.EventStore;
import io.coffer.server.storage.EventSubscriptionRecord;
import io.coffer.server.storage.ExpiringVersionRecord;
import io.coffer.server.storage.Storage;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events, on one node at a time ({@link Storage#exclusively}): reads the change log after
 * its durable position and owes each new version to the subscriptions it matches (in one
 * transaction with the position, so a change is owed once even when the node dies between), owes
 * near-expiry and expiry events found by a scan (once per version, by event id), then posts what is
 * due. A delivery is marked done only after a 2xx, so a node killed mid-post leaves it pending for
 * the next leader: at least once, never zero times.
 */
final class EventDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
  static final String READER = "events";
  private static final int BATCH = 500;
  private static final Duration IDLE = Duration.ofMillis(500);

  /**
   * How long a round waits after a write wakes it, so that one round takes every change of that
   * while. A round reads the log, the subscriptions and the due deliveries; woken by each commit,
   * it cost a tenth of a SET's processor time under a stream of writes. Event Grid itself delivers
   * in seconds.
   */
  private static final Duration GATHER = Duration.ofMillis(50);

  /**
   * How long a position read past with nothing owed may stay unrecorded. Recording it is a write (a
   * commit) per wake, that is per secret write when no one subscribes; reading the same changes
   * again after a restart or a change of leader owes nothing again, since a subscription only takes
   * changes after the head at its creation.
   */
  private static final Duration RECORD_EVERY = Duration.ofSeconds(5);

  private static final Duration EXPIRY_SCAN = Duration.ofSeconds(5);
  private static final Duration PRUNE = Duration.ofMinutes(10);
  private static final Duration KEEP_LOG = Duration.ofHours(24);
  private static final Duration KEEP_DELIVERED = Duration.ofDays(1);

  /** Expiries older than this when first seen (a node down for days) are not announced late. */
  private static final Duration EXPIRED_LOOKBACK = Duration.ofDays(2);

  private final Storage storage;
  private final ChangeLog changes;
  private final EventStore store;
  private final Vaults vaults;
  private final EventBodies bodies;
  private final Webhook webhook;
  private final RetrySchedule retries;
  private volatile boolean running;
  private Thread thread;
  private long lastScan;
  private long lastPrune;
  private long lastRecorded;
  private long unrecorded = -1; // read past, nothing owed, not yet stored as the reader's position

  EventDispatcher(
      Storage storage, Vaults vaults, EventBodies bodies, Webhook webhook, RetrySchedule retries) {
    this.storage = storage;
    this.changes = storage.changes();
    this.store = storage.events();
    this.vaults = vaults;
    this.bodies = bodies;
    this.webhook = webhook;
    this.retries = retries;
  }

  void start() {
    running = true;
    thread = Thread.ofPlatform().daemon().name("coffer-events").start(this::loop);
  }

  private void loop() {
    while (running) {
      long position = -1;
      try {
        long[] read = {-1};
        if (storage.exclusively("event-dispatch", () -> read[0] = round())) {
          position = read[0];
        }
      } catch (RuntimeException e) {
        LOG.warn("event=event-dispatch-failed reason={}", e.getMessage());
      }
      if (!running) {
        return;
      }
      if (position >= 0) {
        if (changes.awaitAfter(position, IDLE)) {
          pause(GATHER);
        }
      } else {
        pause(IDLE);
      }
    }
  }

  /** One round as the leader; returns the change-log position read up to. */
  private long round() {
    long position = owe();
    deliverDue();
    long now = System.currentTimeMillis();
    if (now - lastScan >= EXPIRY_SCAN.toMillis()) {
      lastScan = now;
      scanExpiry();
    }
    if (now - lastPrune >= PRUNE.toMillis()) {
      lastPrune = now;
      int pruned = changes.prune(now - KEEP_LOG.toMillis(), 10_000);
      int delivered = store.pruneDelivered(now - KEEP_DELIVERED.toMillis());
      if (pruned + delivered > 0) {
        LOG.info("event=events-pruned changes={} deliveries={}", pruned, delivered);
      }
    }
    return position;
  }

  /** Owes the new versions after the durable position; returns the position now read to. */
  private long owe() {
    long position = Math.max(changes.readerPosition(READER), unrecorded);
    List<ChangeRecord> batch = changes.after(position, BATCH);
    if (batch.isEmpty()) {
      return position;
    }
    List<EventSubscriptionRecord> subscriptions = store.allSubscriptions();
    List<EventDeliveryRecord> owed = new ArrayList<>();
    for (ChangeRecord change : batch) {
      if (change.kind() != ChangeKind.SET && change.kind() != ChangeKind.RESTORE) {
        continue;
      }
      String eventId = eventId(change.vaultId() + "/change/" + change.position());
      for (EventSubscriptionRecord s : subscriptions) {
        if (s.vaultId().equals(change.vaultId())
            && change.position() > s.afterPosition()
            && matches(s, EventType.SECRET_NEW_VERSION_CREATED, change.name())) {
          owed.add(
              EventDeliveryRecord.owed(
                  s.id(),
                  eventId,
                  EventType.SECRET_NEW_VERSION_CREATED.wireName(),
                  change.name(),
                  change.version(),
                  change.nbf(),
                  change.exp(),
                  "",
                  change.at()));
        }
      }
    }
    long last = batch.get(batch.size() - 1).position();
    long now = System.currentTimeMillis();
    if (owed.isEmpty() && now - lastRecorded < RECORD_EVERY.toMillis()) {
      unrecorded = last;
      return last;
    }
    store.owe(READER, last, owed);
    lastRecorded = now;
    unrecorded = -1;
    return last;
  }

  /** Whether a subscription takes an event of this type about this secret. */
  static boolean matches(EventSubscriptionRecord s, EventType type, String name) {
    return s.state().equals(EventSubscriptions.SUCCEEDED)
        && (s.eventTypes().isEmpty() || s.eventTypes().contains(type.wireName()))
        && name.toLowerCase(Locale.ROOT).startsWith(s.subjectPrefix().toLowerCase(Locale.ROOT));
  }

  private void deliverDue() {
    List<EventDeliveryRecord> due = store.due(System.currentTimeMillis(), 200);
    if (due.isEmpty()) {
      return;
    }
    Map<String, List<EventDeliveryRecord>> bySubscription = new LinkedHashMap<>();
    due.forEach(
        d -> bySubscription.computeIfAbsent(d.subscriptionId(), k -> new ArrayList<>()).add(d));
    // Subscriptions in parallel, each one's events in order: a slow endpoint delays only its own.
    try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
      bySubscription.forEach((id, deliveries) ->
          parallel.execute(() -> {
            Optional<EventSubscriptionRecord> s = store.subscriptionById(id);
            Optional<Vault> vault = s.flatMap(this::vaultOf);
            if (s.isPresent() && vault.isPresent()) {
              deliveries.forEach(d -> deliver(s.get(), vault.get(), d));
            }
          }));
    }
  }

  private void deliver(EventSubscriptionRecord s, Vault vault, EventDeliveryRecord d) {
    long now = System.currentTimeMillis();
    long expires = d.published() + Duration.ofMinutes(s.ttlMinutes()).toMillis();
    if (now > expires) {
      store.attempted(
          attempt(
              d,
              d.attempts(),
              EventDeliveryRecord.DEAD,
              now,
              d.lastOutcome(),
              now,
              "TimeToLiveExceeded"));
      return;
    }
    DeliverySchema schema = DeliverySchema.of(s.deliverySchema()).orElseThrow();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("aeg-event-type", "Notification");
    headers.put("aeg-subscription-name", s.name().toUpperCase(Locale.ROOT));
    headers.put("aeg-delivery-count", Integer.toString(d.attempts()));
    if (schema == DeliverySchema.EVENT_GRID) {
      headers.put("aeg-data-version", "1");
      headers.put("aeg-metadata-version", "1");
    } else {
      headers.put("aeg-metadata-version", "1.0");
    }
    Webhook.Outcome outcome =
        webhook.post(
            s.endpoint(),
            bodies.event(schema, vault, d),
            schema == DeliverySchema.EVENT_GRID
                ? "application/json; charset=utf-8"
                : "application/cloudevents+json; charset=utf-8",
            headers);
    long at = System.currentTimeMillis();
    int attempts = d.attempts() + 1;
    EventDeliveryRecord after;
    if (outcome.delivered()) {
      after = attempt(d, attempts, EventDeliveryRecord.DELIVERED, at, outcome.outcome(), at, "");
    } else if (outcome.permanent()) {
      after =
          attempt(
              d,
              attempts,
              EventDeliveryRecord.DEAD,
              at,
              outcome.outcome(),
              at,
              "NonRetriableResponse");
    } else if (attempts >= s.maxAttempts()) {
      after =
          attempt(
              d,
              attempts,
              EventDeliveryRecord.DEAD,
              at,
              outcome.outcome(),
              at,
              "MaxDeliveryAttemptsExceeded");
    } else {
      long next = at + retries.after(attempts).toMillis();
      after =
          next > expires
              ? attempt(
                  d,
                  attempts,
                  EventDeliveryRecord.DEAD,
                  at,
                  outcome.outcome(),
                  at,
                  "TimeToLiveExceeded")
              : attempt(d, attempts, EventDeliveryRecord.PENDING, next, outcome.outcome(), at, "");
    }
    store.attempted(after);
    if (after.state().equals(EventDeliveryRecord.DEAD)) {
      LOG.warn(
          "event=event-dead-lettered vault={} subscription={} event={} reason={} outcome={}",
          vault.name(),
          s.name(),
          d.eventId(),
          after.deadReason(),
          after.lastOutcome());
    }
  }

  private static EventDeliveryRecord attempt(
      EventDeliveryRecord d,
      int attempts,
      String state,
      long nextAttempt,
      String outcome,
      long at,
      String deadReason) {
    return new EventDeliveryRecord(
        d.id(),
        d.subscriptionId(),
        d.eventId(),
        d.eventType(),
        d.name(),
        d.version(),
        d.nbf(),
        d.exp(),
        d.detail(),
        d.published(),
        attempts,
        nextAttempt,
        state,
        outcome,
        OptionalLong.of(at),
        deadReason);
  }

  /** Owes near-expiry and expiry events of current versions, once per version and type. */
  private void scanExpiry() {
    long now = System.currentTimeMillis() / 1000;
    List<EventDeliveryRecord> owed = new ArrayList<>();
    for (EventSubscriptionRecord s : store.allSubscriptions()) {
      if (nearExpiryWanted(s)) {
        long through = now + Duration.ofDays(s.nearExpiryDays()).toSeconds();
        for (ExpiringVersionRecord v :
            store.expiring(s.vaultId(), Math.max(now, s.created()), through, BATCH)) {
          owedExpiry(s, v, EventType.SECRET_NEAR_EXPIRY).ifPresent(owed::add);
        }
      }
      if (expiredWanted(s)) {
        long after = Math.max(s.created(), now - EXPIRED_LOOKBACK.toSeconds());
        for (ExpiringVersionRecord v : store.expiring(s.vaultId(), after, now, BATCH)) {
          owedExpiry(s, v, EventType.SECRET_EXPIRED).ifPresent(owed::add);
        }
      }
    }
    store.oweOnce(owed);
  }

  private static boolean nearExpiryWanted(EventSubscriptionRecord s) {
    return s.state().equals(EventSubscriptions.SUCCEEDED)
        && (s.eventTypes().isEmpty()
            || s.eventTypes().contains(EventType.SECRET_NEAR_EXPIRY.wireName()));
  }

  private static boolean expiredWanted(EventSubscriptionRecord s) {
    return s.state().equals(EventSubscriptions.SUCCEEDED)
        && (s.eventTypes().isEmpty()
            || s.eventTypes().contains(EventType.SECRET_EXPIRED.wireName()));
  }

  private static Optional<EventDeliveryRecord> owedExpiry(
      EventSubscriptionRecord s, ExpiringVersionRecord v, EventType type) {
    if (!matches(s, type, v.name())) {
      return Optional.empty();
    }
    return Optional.of(
        EventDeliveryRecord.owed(
            s.id(),
            eventId(
                s.vaultId()
                    + "/"
                    + v.name().toLowerCase(Locale.ROOT)
                    + "/"
                    + v.version()
                    + "/"
                    + type),
            type.wireName(),
            v.name(),
            v.version(),
            v.nbf(),
            OptionalLong.of(v.exp()),
            "",
            System.currentTimeMillis()));
  }

  /** The same event gets the same id on every node and after every restart. */
  static String eventId(String key) {
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private Optional<Vault> vaultOf(EventSubscriptionRecord s) {
    return vaults.all().stream().filter(v -> v.id().equals(s.vaultId())).findFirst();
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
