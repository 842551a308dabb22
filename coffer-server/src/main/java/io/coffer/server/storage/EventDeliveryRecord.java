package io.coffer.server.storage;

import java.util.OptionalLong;

/**
 * One event owed to one subscription, and how its delivery went.
 *
 * @param id its row, 0 before it is stored
 * @param eventId the event's id, the same on every attempt, so a receiver can drop a duplicate
 * @param detail what the event type adds (a failed rotation's reason); empty otherwise
 * @param published when the event happened, Unix milliseconds
 * @param attempts deliveries tried so far
 * @param nextAttempt Unix milliseconds
 * @param state {@code pending}, {@code delivered} or {@code dead} (dead-lettered)
 * @param lastOutcome the last attempt's answer: a status, or what failed
 */
public record EventDeliveryRecord(
    long id,
    String subscriptionId,
    String eventId,
    String eventType,
    String name,
    String version,
    OptionalLong nbf,
    OptionalLong exp,
    String detail,
    long published,
    int attempts,
    long nextAttempt,
    String state,
    String lastOutcome,
    OptionalLong lastAttempt,
    String deadReason) {

  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String DEAD = "dead";

  /** An event owed now, not yet tried. */
  public static EventDeliveryRecord owed(
      String subscriptionId,
      String eventId,
      String eventType,
      String name,
      String version,
      OptionalLong nbf,
      OptionalLong exp,
      String detail,
      long published) {
    return new EventDeliveryRecord(
        0,
        subscriptionId,
        eventId,
        eventType,
        name,
        version,
        nbf,
        exp,
        detail,
        published,
        0,
        published,
        PENDING,
        "",
        OptionalLong.empty(),
        "");
  }
}
