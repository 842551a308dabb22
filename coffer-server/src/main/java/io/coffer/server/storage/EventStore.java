package io.coffer.server.storage;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Event subscriptions and the deliveries owed to them (the outbox). Deliveries are owed from the
 * {@link ChangeLog} in one transaction with the reader's position ({@link #owe}), or once per event
 * id ({@link #oweOnce}), so no event is owed twice or lost across restarts.
 */
public interface EventStore {

  /** Inserts a subscription, or replaces the one with its id. */
  void saveSubscription(EventSubscriptionRecord subscription);

  Optional<EventSubscriptionRecord> subscription(String vaultId, String name);

  Optional<EventSubscriptionRecord> subscriptionById(String id);

  List<EventSubscriptionRecord> subscriptions(String vaultId);

  List<EventSubscriptionRecord> allSubscriptions();

  /** Deletes a subscription with what is owed to it. */
  boolean deleteSubscription(String vaultId, String name);

  /** In one transaction: owes {@code deliveries} and moves {@code reader} to {@code position}. */
  void owe(String reader, long position, List<EventDeliveryRecord> deliveries);

  /**
   * Owes each delivery unless one with the same subscription and event id is owed already.
   *
   * @return how many were new
   */
  int oweOnce(List<EventDeliveryRecord> deliveries);

  /** Pending deliveries whose next attempt is due at {@code now}, oldest first. */
  List<EventDeliveryRecord> due(long now, int limit);

  /** Records an attempt: its outcome, the new state and, while pending, the next attempt. */
  void attempted(EventDeliveryRecord after);

  /** A subscription's deliveries in one state, newest first. */
  List<EventDeliveryRecord> deliveries(String subscriptionId, String state, int limit);

  /** How many deliveries a subscription has in each state. */
  Map<String, Long> deliveryCounts(String subscriptionId);

  /** Deletes delivered rows last attempted before {@code before} (Unix milliseconds). */
  int pruneDelivered(long before);

  /**
   * Current versions of a vault's secrets that are not deleted and expire after {@code after} and
   * no later than {@code through} (Unix seconds), soonest first.
   */
  List<ExpiringVersionRecord> expiring(String vaultId, long after, long through, int limit);
}
