package io.coffer.server.storage;

import java.util.List;

/**
 * A stored event subscription.
 *
 * @param endpoint the webhook URL as given, which may carry a key in its query: never logged whole
 * @param eventTypes the event types delivered; empty for all
 * @param subjectPrefix only events whose subject (the secret's name) starts with it; empty for all
 * @param state {@code Succeeded} once the endpoint agreed, {@code AwaitingManualAction} until its
 *     owner opens the validation URL
 * @param created Unix seconds
 * @param afterPosition the change-log head when it was made: it is owed the changes after it only
 */
public record EventSubscriptionRecord(
    String id,
    String vaultId,
    String name,
    String endpoint,
    String deliverySchema,
    List<String> eventTypes,
    String subjectPrefix,
    int nearExpiryDays,
    int maxAttempts,
    int ttlMinutes,
    String state,
    String validationCode,
    long created,
    long afterPosition) {

  public EventSubscriptionRecord {
    eventTypes = List.copyOf(eventTypes);
  }

  public EventSubscriptionRecord withState(String changed) {
    return new EventSubscriptionRecord(
        id,
        vaultId,
        name,
        endpoint,
        deliverySchema,
        eventTypes,
        subjectPrefix,
        nearExpiryDays,
        maxAttempts,
        ttlMinutes,
        changed,
        validationCode,
        created,
        afterPosition);
  }

  @Override
  public String toString() {
    return "EventSubscriptionRecord[" + id + ", vault=" + vaultId + ", name=" + name + "]";
  }
}
