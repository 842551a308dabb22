package io.coffer.client.airflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An Airflow connection as stored in a secret: an Airflow connection URI ({@code
 * postgres://user:pass@host:5432/schema?param=x}) or Airflow's JSON form ({@code {"conn_type":…}}),
 * read the way Airflow's {@code Connection} reads them.
 */
public record AirflowConnection(
    String connType,
    Optional<String> host,
    Optional<String> login,
    Optional<String> password,
    Optional<String> schema,
    OptionalInt port,
    Map<String, String> extra) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public AirflowConnection {
    extra = Map.copyOf(extra);
  }

  /**
   * @throws IllegalArgumentException when the text is neither form (the message holds no part of
   *     it)
   */
  public static AirflowConnection parse(String stored) {
    String text = stored.trim();
    return text.startsWith("{") ? fromJson(text) : fromUri(text);
  }

  private static AirflowConnection fromUri(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("the stored connection is not a valid Airflow URI");
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("the stored connection URI has no connection type");
    }
    String type = uri.getScheme();
    type = type.equals("postgresql") ? "postgres" : type.replace('-', '_');
    Optional<String> login = Optional.empty();
    Optional<String> password = Optional.empty();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      login = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    Map<String, String> extra = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (key.equals("__extra__")) {
          extra.putAll(extraFromJson(value));
        } else {
          extra.put(key, value);
        }
      }
    }
    return new AirflowConnection(
        type,
        Optional.ofNullable(uri.getHost()).map(AirflowConnection::decode).filter(h -> !h.isEmpty()),
        login,
        password,
        Optional.of(path.startsWith("/") ? decode(path.substring(1)) : decode(path))
            .filter(s -> !s.isEmpty()),
        uri.getPort() < 0 ? OptionalInt.empty() : OptionalInt.of(uri.getPort()),
        extra);
  }

  private static AirflowConnection fromJson(String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("the stored connection is not valid JSON");
    }
    JsonNode extra = node.path("extra");
    return new AirflowConnection(
        text(node, "conn_type")
            .orElseThrow(
                () -> new IllegalArgumentException("the stored connection JSON has no conn_type")),
        text(node, "host"),
        text(node, "login"),
        text(node, "password"),
        text(node, "schema"),
        node.path("port").canConvertToInt()
            ? OptionalInt.of(node.path("port").asInt())
            : OptionalInt.empty(),
        extra.isTextual() ? extraFromJson(extra.asText()) : extraFromNode(extra));
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  private static Map<String, String> extraFromJson(String json) {
    try {
      return extraFromNode(JSON.readTree(json));
    } catch (IOException e) {
      throw new IllegalArgumentException("the connection's extra is not valid JSON");
    }
  }

  private static Map<String, String> extraFromNode(JsonNode node) {
    Map<String, String> extra = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.properties()
          .forEach(e ->
              extra.put(
                  e.getKey(),
                  e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
    }
    return extra;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "AirflowConnection[type="
        + connType
        + ", host="
        + host.orElse("")
        + ", login="
        + login.orElse("")
        + ", password="
        + (password.isPresent() ? "(redacted)" : "")
        + ", schema="
        + schema.orElse("")
        + "]";
  }
}
