package io.coffer.server.events;

import io.coffer.server.CofferException.BadRequest;
import java.net.URI;
import java.util.List;

/**
 * What an administrator asks for, under Event Grid's names: the webhook, the schema, the event
 * types ({@code includedEventTypes}, empty for all), a subject prefix ({@code subjectBeginsWith}),
 * the near-expiry lead in days (Key Vault's 30 by default) and the retry policy ({@code
 * maxDeliveryAttempts} 1-30, {@code eventTimeToLiveInMinutes} 1-1440).
 */
public record NewSubscription(
    String endpoint,
    DeliverySchema schema,
    List<EventType> eventTypes,
    String subjectPrefix,
    int nearExpiryDays,
    int maxAttempts,
    int ttlMinutes) {

  public static final int DEFAULT_NEAR_EXPIRY_DAYS = 30;
  public static final int DEFAULT_MAX_ATTEMPTS = 30;
  public static final int DEFAULT_TTL_MINUTES = 1440;

  public NewSubscription {
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("'endpoint' is not a URL.");
    }
    if (uri.getHost() == null
        || !("https".equalsIgnoreCase(uri.getScheme())
            || "http".equalsIgnoreCase(uri.getScheme()))) {
      throw new BadRequest("'endpoint' must be an http(s) URL with a host.");
    }
    if (nearExpiryDays < 1 || nearExpiryDays > 365) {
      throw new BadRequest("'nearExpiryDays' is 1-365.");
    }
    if (maxAttempts < 1 || maxAttempts > 30) {
      throw new BadRequest("'retryPolicy.maxDeliveryAttempts' is 1-30.");
    }
    if (ttlMinutes < 1 || ttlMinutes > 1440) {
      throw new BadRequest("'retryPolicy.eventTimeToLiveInMinutes' is 1-1440.");
    }
    eventTypes = List.copyOf(eventTypes);
  }

  @Override
  public String toString() {
    return "NewSubscription[" + Webhook.baseUrl(endpoint) + ", " + schema + "]";
  }
}
