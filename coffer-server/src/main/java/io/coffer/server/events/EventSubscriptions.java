package io.coffer.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.CofferException;
import io.coffer.server.storage.EventDeliveryRecord;
import io.coffer.server.storage.EventStore;
import io.coffer.server.storage.EventSubscriptionRecord;
import io.coffer.server.storage.Storage;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A vault's event subscriptions: made only once the endpoint agreed to receive (Event Grid's
 * handshake, or CloudEvents'), listed, removed; their dead letters; and events published outside
 * the change log (a failed rotation). Delivery itself is {@link EventDispatcher}'s.
 */
public final class EventSubscriptions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventSubscriptions.class);
  static final String SUCCEEDED = "Succeeded";
  static final String AWAITING = "AwaitingManualAction";
  private static final Duration MANUAL_VALIDATION = Duration.ofMinutes(5);

  private final EventStore store;
  private final Storage storage;
  private final Vaults vaults;
  private final EventBodies bodies;
  private final Webhook webhook = new Webhook();
  private final String authority;
  private final EventDispatcher dispatcher;

  /**
   * @param vaultUrl a vault's URL by name, as clients reach it
   * @param authority the token service's URL, where the manual validation URL points
   */
  public EventSubscriptions(
      Storage storage,
      Vaults vaults,
      Function<String, String> vaultUrl,
      String authority,
      RetrySchedule retries) {
    this.storage = storage;
    this.store = storage.events();
    this.vaults = vaults;
    this.bodies = new EventBodies(vaultUrl);
    this.authority = authority;
    this.dispatcher = new EventDispatcher(storage, vaults, bodies, webhook, retries);
  }

  /** Starts delivering in the background (on one node at a time, with shared storage). */
  public void startDelivering() {
    dispatcher.start();
  }

  /**
   * Creates or replaces a subscription once its endpoint agreed; a replaced one keeps what is owed
   * to it.
   *
   * @throws CofferException.BadRequest when the endpoint refused the handshake
   */
  public EventSubscription save(Vault vault, String name, NewSubscription wanted) {
    if (!name.matches("[A-Za-z0-9-]{3,64}")) {
      throw new CofferException.BadRequest(
          "An event subscription's name is 3-64 letters, digits and dashes.");
    }
    Optional<EventSubscriptionRecord> existing = store.subscription(vault.id(), name);
    String id =
        existing.map(EventSubscriptionRecord::id).orElseGet(() -> UUID.randomUUID().toString());
    String code = UUID.randomUUID().toString();
    String state = SUCCEEDED;
    if (wanted.schema() == DeliverySchema.CLOUD_EVENTS) {
      webhook.validateCloudEvents(wanted.endpoint());
    } else {
      byte[] event =
          bodies.validation(vault, UUID.randomUUID().toString(), code, validationUrl(id, code));
      Webhook.Handshake handshake =
          webhook.validateEventGrid(wanted.endpoint(), event, code, name.toUpperCase());
      state = handshake == Webhook.Handshake.AGREED ? SUCCEEDED : AWAITING;
    }
    EventSubscriptionRecord saved =
        new EventSubscriptionRecord(
            id,
            vault.id(),
            name,
            wanted.endpoint(),
            wanted.schema().wireName(),
            wanted.eventTypes().stream().map(EventType::wireName).toList(),
            wanted.subjectPrefix(),
            wanted.nearExpiryDays(),
            wanted.maxAttempts(),
            wanted.ttlMinutes(),
            state,
            code,
            existing.map(EventSubscriptionRecord::created).orElse(nowSeconds()),
            existing
                .map(EventSubscriptionRecord::afterPosition)
                .orElseGet(() -> storage.changes().head()));
    store.saveSubscription(saved);
    LOG.info(
        "event=event-subscription-saved vault={} name={} endpoint={} state={}",
        vault.name(),
        name,
        Webhook.baseUrl(wanted.endpoint()),
        state);
    return view(saved);
  }

  /**
   * The manual half of Event Grid's handshake: the endpoint's owner opens the validation URL within
   * five minutes.
   *
   * @return whether the subscription is now validated
   */
  public boolean validateManually(String id, String code) {
    Optional<EventSubscriptionRecord> found = store.subscriptionById(id);
    if (found.isEmpty()
        || !found.get().state().equals(AWAITING)
        || !MessageDigest.isEqual(
            found.get().validationCode().getBytes(StandardCharsets.UTF_8),
            code.getBytes(StandardCharsets.UTF_8))
        || nowSeconds() - found.get().created() > MANUAL_VALIDATION.toSeconds()) {
      return false;
    }
    store.saveSubscription(found.get().withState(SUCCEEDED));
    return true;
  }

  public List<EventSubscription> list(Vault vault) {
    return store.subscriptions(vault.id()).stream().map(this::view).toList();
  }

  public EventSubscription get(Vault vault, String name) {
    return view(stored(vault, name));
  }

  private EventSubscriptionRecord stored(Vault vault, String name) {
    return store
        .subscription(vault.id(), name)
        .orElseThrow(() ->
            new CofferException.NotFound("The event subscription '" + name + "' does not exist."));
  }

  private EventSubscription view(EventSubscriptionRecord s) {
    return EventSubscription.of(s, store.deliveryCounts(s.id()));
  }

  public void delete(Vault vault, String name) {
    if (!store.deleteSubscription(vault.id(), name)) {
      throw new CofferException.NotFound("The event subscription '" + name + "' does not exist.");
    }
  }

  /** Its dead-lettered events as Event Grid writes them, newest first. */
  public List<JsonNode> deadLetters(Vault vault, String name, int limit) {
    EventSubscriptionRecord subscription = stored(vault, name);
    DeliverySchema schema = DeliverySchema.of(subscription.deliverySchema()).orElseThrow();
    List<JsonNode> letters = new ArrayList<>();
    for (EventDeliveryRecord d :
        store.deliveries(subscription.id(), EventDeliveryRecord.DEAD, limit)) {
      letters.add(bodies.deadLetter(schema, vault, d));
    }
    return letters;
  }

  /** Publishes an event that no secret write carries, to every subscription it matches. */
  public void publish(
      Vault vault,
      EventType type,
      String name,
      String version,
      OptionalLong nbf,
      OptionalLong exp,
      String detail) {
    String eventId = UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    List<EventDeliveryRecord> owed = new ArrayList<>();
    for (EventSubscriptionRecord s : store.subscriptions(vault.id())) {
      if (EventDispatcher.matches(s, type, name)) {
        owed.add(
            EventDeliveryRecord.owed(
                s.id(), eventId, type.wireName(), name, version, nbf, exp, detail, now));
      }
    }
    store.oweOnce(owed);
  }

  private String validationUrl(String id, String code) {
    return authority + "/eventsubscriptions/" + id + "/validate?code=" + code;
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  @Override
  public void close() {
    dispatcher.close();
  }
}
