package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.CofferException;
import io.coffer.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A management request's JSON object, read field by field with the API's refusals. */
record AdminBody(JsonNode json) {

  static AdminBody of(Exchange exchange) {
    JsonNode body = Json.readTree(exchange.body());
    if (!body.isObject()) {
      throw new CofferException.BadRequest("The request body must be a JSON object.");
    }
    return new AdminBody(body);
  }

  String text(String field) {
    return optional(field)
        .orElseThrow(() -> new CofferException.BadRequest("Property '" + field + "' is required."));
  }

  Optional<String> optional(String field) {
    JsonNode value = json.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new CofferException.BadRequest("Property '" + field + "' must be a string.");
    }
    return Optional.of(value.asText()).filter(v -> !v.isBlank());
  }

  int integer(String field, int otherwise) {
    JsonNode value = json.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return otherwise;
    }
    if (!value.isInt()) {
      throw new CofferException.BadRequest("Property '" + field + "' must be a whole number.");
    }
    return value.asInt();
  }

  List<String> texts(String field) {
    JsonNode value = json.path(field);
    List<String> texts = new ArrayList<>();
    if (value.isMissingNode() || value.isNull()) {
      return texts;
    }
    if (!value.isArray()) {
      throw new CofferException.BadRequest("Property '" + field + "' must be a list of strings.");
    }
    value.forEach(v -> texts.add(v.asText()));
    return texts;
  }

  AdminBody object(String field) {
    JsonNode value = json.path(field);
    return new AdminBody(value.isObject() ? value : Json.emptyObject());
  }
}
