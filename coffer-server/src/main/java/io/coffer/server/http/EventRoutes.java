package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.events.DeliverySchema;
import io.coffer.server.events.EventSubscription;
import io.coffer.server.events.EventSubscriptions;
import io.coffer.server.events.EventType;
import io.coffer.server.events.NewSubscription;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import java.util.List;
import java.util.Map;

/**
 * Event subscriptions in the management API, under Event Grid's member names, and the manual
 * validation URL an Event Grid handshake may hand the endpoint's owner (opened without a token:
 * knowing the code is the proof).
 */
final class EventRoutes {
  private static final String PATH = "/vaults/{vault}/event-subscriptions";

  /** A subscription as an administrator sees it; the endpoint without its query. */
  record SubscriptionView(
      String name,
      String id,
      String endpointBaseUrl,
      String eventDeliverySchema,
      List<String> includedEventTypes,
      String subjectBeginsWith,
      int nearExpiryDays,
      Map<String, Integer> retryPolicy,
      String provisioningState,
      Map<String, Long> deliveries) {}

  private final EventSubscriptions events;
  private final Vaults vaults;
  private final AdminAccess access;

  EventRoutes(EventSubscriptions events, Vaults vaults, AdminAccess access) {
    this.events = events;
    this.vaults = vaults;
    this.access = access;
  }

  List<Route> routes() {
    return List.of(
        access.route(
            "GET",
            PATH,
            ex ->
                new AdminViews.Listing<>(
                    events.list(vault(ex)).stream().map(EventRoutes::view).toList())),
        access.route("PUT", PATH + "/{name}", this::save),
        access.route(
            "GET", PATH + "/{name}", ex -> view(events.get(vault(ex), ex.pathParameter("name")))),
        access.route("DELETE", PATH + "/{name}", this::delete),
        access.route(
            "GET",
            PATH + "/{name}/dead-letters",
            ex ->
                new AdminViews.Listing<>(
                    events.deadLetters(vault(ex), ex.pathParameter("name"), 100))),
        Route.get(
            "/eventsubscriptions/{id}/validate", "EventSubscriptionValidate", this::validate));
  }

  private Object save(Exchange exchange) {
    AdminBody body = AdminBody.of(exchange);
    AdminBody retry = body.object("retryPolicy");
    String schemaName = body.optional("eventDeliverySchema").orElse("EventGridSchema");
    DeliverySchema schema =
        DeliverySchema.of(schemaName)
            .orElseThrow(() ->
                new CofferException.BadRequest(
                    "'eventDeliverySchema' is EventGridSchema or CloudEventSchemaV1_0."));
    List<EventType> types =
        body.texts("includedEventTypes").stream()
            .map(t ->
                EventType.of(t)
                    .orElseThrow(
                        () -> new CofferException.BadRequest("Unknown event type '" + t + "'.")))
            .toList();
    NewSubscription wanted =
        new NewSubscription(
            body.text("endpoint"),
            schema,
            types,
            body.optional("subjectBeginsWith").orElse(""),
            body.integer("nearExpiryDays", NewSubscription.DEFAULT_NEAR_EXPIRY_DAYS),
            retry.integer("maxDeliveryAttempts", NewSubscription.DEFAULT_MAX_ATTEMPTS),
            retry.integer("eventTimeToLiveInMinutes", NewSubscription.DEFAULT_TTL_MINUTES));
    return view(events.save(vault(exchange), exchange.pathParameter("name"), wanted));
  }

  private Object delete(Exchange exchange) {
    events.delete(vault(exchange), exchange.pathParameter("name"));
    return null;
  }

  private void validate(Exchange exchange) {
    boolean validated =
        events.validateManually(exchange.pathParameter("id"), exchange.query("code").orElse(""));
    if (!validated) {
      throw new CofferException.NotFound(
          "No event subscription awaits validation with this code, or its five minutes passed.");
    }
    exchange.json(200, Map.of("provisioningState", "Succeeded"));
  }

  private static SubscriptionView view(EventSubscription s) {
    return new SubscriptionView(
        s.name(),
        s.id(),
        s.endpointBaseUrl(),
        s.schema().wireName(),
        s.eventTypes(),
        s.subjectPrefix(),
        s.nearExpiryDays(),
        Map.of("maxDeliveryAttempts", s.maxAttempts(), "eventTimeToLiveInMinutes", s.ttlMinutes()),
        s.state(),
        s.deliveries());
  }

  private Vault vault(Exchange exchange) {
    return vaults.named(exchange.pathParameter("vault"));
  }
}
