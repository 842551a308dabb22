package io.coffer.server.events;

import java.util.Optional;

/** The envelope a subscriber chose, under Event Grid's names for them. */
public enum DeliverySchema {
  EVENT_GRID("EventGridSchema"),
  CLOUD_EVENTS("CloudEventSchemaV1_0");

  private final String wireName;

  DeliverySchema(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<DeliverySchema> of(String wireName) {
    for (DeliverySchema schema : values()) {
      if (schema.wireName.equalsIgnoreCase(wireName)) {
        return Optional.of(schema);
      }
    }
    return Optional.empty();
  }
}
