package io.coffer.server.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.server.storage.EventDeliveryRecord;
import io.coffer.server.vault.Vault;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;

/**
 * Events as Azure sends them, member for member and in Azure's order: Event Grid's schema (an array
 * of one event with {@code id, topic, subject, eventType, eventTime, data, dataVersion,
 * metadataVersion}) or CloudEvents 1.0 in structured mode ({@code id, source, subject, type, time,
 * data, specversion}); the data is Key Vault's {@code Id, VaultName, ObjectType, ObjectName,
 * Version, NBF, EXP}, with NBF and EXP as numbers (Unix seconds) or null, as the documented table
 * types them. The topic is a resource path as Azure's, with the vault's tenant in place of the
 * subscription id, since Coffer has no subscriptions.
 */
final class EventBodies {
  /** Built on first use: a mapper costs a started server some 5 MiB (see {@code Json}). */
  static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  static final String VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";

  /** Azure writes seven fractional digits. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final Function<String, String> vaultUrl;

  /** {@code vaultUrl}: a vault's URL by name, as clients reach it. */
  EventBodies(Function<String, String> vaultUrl) {
    this.vaultUrl = vaultUrl;
  }

  static String topic(Vault vault) {
    return "/subscriptions/"
        + vault.tenantId()
        + "/resourceGroups/coffer/providers/Microsoft.KeyVault/vaults/"
        + vault.name();
  }

  static String time(long epochMillis) {
    return TIME.format(Instant.ofEpochMilli(epochMillis));
  }

  /** The request body for one event in the subscriber's schema. */
  byte[] event(DeliverySchema schema, Vault vault, EventDeliveryRecord d) {
    ObjectNode event = Mapper.JSON.createObjectNode();
    event.put("id", d.eventId());
    event.put(schema == DeliverySchema.EVENT_GRID ? "topic" : "source", topic(vault));
    event.put("subject", d.name());
    event.put(schema == DeliverySchema.EVENT_GRID ? "eventType" : "type", d.eventType());
    event.put(schema == DeliverySchema.EVENT_GRID ? "eventTime" : "time", time(d.published()));
    event.set("data", data(vault, d));
    if (schema == DeliverySchema.EVENT_GRID) {
      event.put("dataVersion", "1");
      event.put("metadataVersion", "1");
      ArrayNode batch = Mapper.JSON.createArrayNode();
      batch.add(event);
      return write(batch);
    }
    event.put("specversion", "1.0");
    return write(event);
  }

  private ObjectNode data(Vault vault, EventDeliveryRecord d) {
    ObjectNode data = Mapper.JSON.createObjectNode();
    data.put("Id", vaultUrl.apply(vault.name()) + "/secrets/" + d.name() + "/" + d.version());
    data.put("VaultName", vault.name());
    data.put("ObjectType", "Secret");
    data.put("ObjectName", d.name());
    data.put("Version", d.version());
    if (d.nbf().isPresent()) {
      data.put("NBF", d.nbf().getAsLong());
    } else {
      data.putNull("NBF");
    }
    if (d.exp().isPresent()) {
      data.put("EXP", d.exp().getAsLong());
    } else {
      data.putNull("EXP");
    }
    if (!d.detail().isEmpty()) {
      data.put("Reason", d.detail());
    }
    return data;
  }

  /** Event Grid's validation event: an array of one, alone in its request. */
  byte[] validation(Vault vault, String eventId, String code, String validationUrl) {
    ObjectNode event = Mapper.JSON.createObjectNode();
    event.put("id", eventId);
    event.put("topic", topic(vault));
    event.put("subject", "");
    ObjectNode data = event.putObject("data");
    data.put("validationCode", code);
    data.put("validationUrl", validationUrl);
    event.put("eventType", VALIDATION_EVENT);
    event.put("eventTime", time(System.currentTimeMillis()));
    event.put("metadataVersion", "1");
    event.put("dataVersion", "1");
    ArrayNode batch = Mapper.JSON.createArrayNode();
    batch.add(event);
    return write(batch);
  }

  /** A dead-lettered event as Event Grid writes one: the event, then why and how it went. */
  ObjectNode deadLetter(DeliverySchema schema, Vault vault, EventDeliveryRecord d) {
    try {
      var tree = Mapper.JSON.readTree(event(schema, vault, d));
      ObjectNode event = (ObjectNode) (tree.isArray() ? tree.get(0) : tree);
      boolean grid = schema == DeliverySchema.EVENT_GRID;
      event.put(grid ? "deadLetterReason" : "deadletterreason", d.deadReason());
      event.put(grid ? "deliveryAttempts" : "deliveryattempts", d.attempts());
      event.put(grid ? "lastDeliveryOutcome" : "lastdeliveryoutcome", d.lastOutcome());
      event.put(grid ? "publishTime" : "publishtime", time(d.published()));
      if (grid && d.lastAttempt().isPresent()) {
        event.put("lastDeliveryAttemptTime", time(d.lastAttempt().getAsLong()));
      }
      return event;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] write(Object node) {
    try {
      return Mapper.JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
