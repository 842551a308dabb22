package io.coffer.server.events;

import io.coffer.server.storage.EventSubscriptionRecord;
import java.util.List;
import java.util.Map;

/**
 * An event subscription as an administrator sees it: the endpoint without its query (which may hold
 * a key), and how many of its deliveries are pending, delivered and dead-lettered.
 */
public record EventSubscription(
    String name,
    String id,
    String endpointBaseUrl,
    DeliverySchema schema,
    List<String> eventTypes,
    String subjectPrefix,
    int nearExpiryDays,
    int maxAttempts,
    int ttlMinutes,
    String state,
    Map<String, Long> deliveries) {

  public EventSubscription {
    eventTypes = List.copyOf(eventTypes);
    deliveries = Map.copyOf(deliveries);
  }

  static EventSubscription of(EventSubscriptionRecord s, Map<String, Long> deliveries) {
    return new EventSubscription(
        s.name(),
        s.id(),
        Webhook.baseUrl(s.endpoint()),
        DeliverySchema.of(s.deliverySchema()).orElseThrow(),
        s.eventTypes(),
        s.subjectPrefix(),
        s.nearExpiryDays(),
        s.maxAttempts(),
        s.ttlMinutes(),
        s.state(),
        deliveries);
  }
}
