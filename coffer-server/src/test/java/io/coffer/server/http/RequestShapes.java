package io.coffer.server.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Raw HTTP/1.1 requests drawn from the Key Vault secrets REST shapes: every part is either valid,
 * plausible but wrong, or hostile (bad encoding, path tricks, wrong JSON types, deep nesting,
 * oversized fields, control characters and unicode). The same seed gives the same requests.
 */
final class RequestShapes {
  private static final List<String> METHODS =
      List.of("GET", "PUT", "PATCH", "DELETE", "POST", "HEAD", "OPTIONS", "TRACE", "FOO");
  private static final List<String> API_VERSIONS =
      List.of(
          "7.4",
          "7.5",
          "7.6-preview.2",
          "2025-07-01",
          "7.0",
          "1.0",
          "",
          "bogus",
          "7.4&api-version=7.5",
          "%37.4",
          "9".repeat(300),
          "7.4%00",
          "-1");
  static final List<String> ODD_NAMES =
      List.of(
          "..",
          ".",
          "%2e%2e",
          "a%2Fb",
          "a%252Fb",
          "%2F..%2Fdeletedsecrets",
          "%zz",
          "%",
          "%e9",
          "%c3%28",
          "%00",
          "a%0d%0aX-Injected:%201",
          "caf%C3%A9",
          "%F0%9F%94%91",
          "a b",
          "a;b",
          "a\\b",
          "-leading",
          "trailing-",
          "x".repeat(127),
          "x".repeat(128),
          "y".repeat(5000),
          "under_score",
          "CON",
          "%u0041",
          "a..b");
  private static final List<String> CONTENT_TYPES =
      List.of(
          "application/json",
          "application/json; charset=utf-8",
          "application/json; charset=latin1",
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "");
  static final List<String> STRINGS =
      List.of(
          "v",
          "",
          "\\u0000",
          "\\ud800",
          "caf\u00e9",
          "\ud83d\udd11",
          "\\\"quoted\\\"",
          "line\\nbreak",
          "\u202eevil");

  private final Random random;
  private final String host;
  private int serial;

  RequestShapes(Random random, String host) {
    this.random = random;
    this.host = host;
  }

  /** A request on the wire and a description of its shape (never its body). */
  record Case(String method, String description, byte[] bytes) {}

  Case next(String token) {
    String method = pick(METHODS);
    String path = path();
    String query = query();
    String body = random.nextInt(4) == 0 && !method.equals("PUT") ? "" : body();
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(query).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(random.nextInt(20) == 0 ? "other.vault.localhost" : host);
    head.append("\r\n");
    if (random.nextInt(20) != 0) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    String contentType = pick(CONTENT_TYPES);
    if (!contentType.isEmpty()) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    head.append(extraHeaders());
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    if (!body.isEmpty() || random.nextBoolean()) {
      head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(bodyBytes);
    String description =
        method
            + " "
            + abbreviated(path + query)
            + " body="
            + bodyBytes.length
            + "B type="
            + contentType;
    return new Case(method, description, bytes.toByteArray());
  }

  private String path() {
    String name = name();
    String version = random.nextBoolean() ? "0123456789abcdef0123456789abcdef" : name();
    return switch (random.nextInt(14)) {
      case 0 -> "/secrets";
      case 1, 2 -> "/secrets/" + name;
      case 3 -> "/secrets/" + name + "/" + version;
      case 4 -> "/secrets/" + name + "/versions";
      case 5 -> "/secrets/" + name + "/backup";
      case 6 -> "/secrets/restore";
      case 7 -> "/deletedsecrets/" + name;
      case 8 -> "/deletedsecrets/" + name + "/recover";
      case 9 -> "/deletedsecrets";
      case 10 -> "/secrets/" + name + "/" + version + "/" + name;
      case 11 -> "/" + name;
      case 12 -> "//secrets//" + name;
      default -> "/secrets/../secrets/" + name;
    };
  }

  private String name() {
    if (random.nextInt(3) == 0) {
      return pick(ODD_NAMES);
    }
    return "fuzz-" + (serial++) + "-" + Integer.toString(random.nextInt(1 << 20), 36);
  }

  private String query() {
    StringBuilder query = new StringBuilder();
    if (random.nextInt(8) != 0) {
      query.append("?api-version=").append(pick(API_VERSIONS));
    }
    if (random.nextInt(4) == 0) {
      query.append(query.isEmpty() ? '?' : '&');
      query
          .append("maxresults=")
          .append(pick(List.of("1", "25", "0", "-1", "26", "abc", "99999999999")));
    }
    if (random.nextInt(6) == 0) {
      query.append(query.isEmpty() ? '?' : '&');
      query.append("$skiptoken=").append(pick(List.of("abc", "%zz", "eyJ9", "", "a".repeat(4000))));
    }
    if (random.nextInt(10) == 0) {
      query.append(query.isEmpty() ? '?' : '&').append(pick(List.of("&&", "=", "%", "a=%")));
    }
    return query.toString();
  }

  private String extraHeaders() {
    StringBuilder headers = new StringBuilder();
    if (random.nextInt(8) == 0) {
      headers.append("X-Ms-Client-Request-Id: ").append(pick(STRINGS)).append("\r\n");
    }
    if (random.nextInt(12) == 0) {
      headers.append("X-Big: ").append("b".repeat(random.nextInt(12_000))).append("\r\n");
    }
    if (random.nextInt(12) == 0) {
      headers.append("Accept: ").append(pick(List.of("text/html", "*/*", ";;;"))).append("\r\n");
    }
    if (random.nextInt(15) == 0) {
      headers.append("Expect: 100-continue\r\n");
    }
    return headers.toString();
  }

  private String body() {
    return switch (random.nextInt(12)) {
      case 0 -> "";
      case 1 -> "{";
      case 2 -> "not json at all";
      case 3 -> "[" + jsonValue(0) + "]";
      case 4 -> "{\"value\":" + "[".repeat(3000) + "]".repeat(3000) + "}";
      case 5 -> {
        String whole = secretBody();
        yield whole.substring(0, random.nextInt(whole.length() + 1));
      }
      case 6 -> "\u0000\u0001\u00ff garbage";
      default -> secretBody();
    };
  }

  /**
   * A SecretSetParameters / SecretUpdateParameters / restore shape, each field well or badly typed.
   */
  private String secretBody() {
    StringBuilder body = new StringBuilder("{");
    String separator = "";
    for (String field : List.of("value", "contentType", "tags", "attributes", "unknown")) {
      if (random.nextInt(4) == 0) {
        continue;
      }
      body.append(separator).append('"').append(field).append("\":");
      separator = ",";
      if (random.nextInt(3) == 0) {
        body.append(jsonValue(0));
      } else {
        body.append(
            switch (field) {
              case "value" ->
                  '"' + (random.nextInt(10) == 0 ? "v".repeat(25_601) : pick(STRINGS)) + '"';
              case "contentType" -> '"' + pick(List.of("text/plain", "c".repeat(300))) + '"';
              case "tags" -> tags();
              case "attributes" -> attributes();
              default -> jsonValue(0);
            });
      }
    }
    if (random.nextInt(10) == 0) {
      body.append(separator).append("\"value\":\"duplicate\"");
    }
    return body.append('}').toString();
  }

  private String tags() {
    StringBuilder tags = new StringBuilder("{");
    int count = random.nextInt(20);
    for (int i = 0; i < count; i++) {
      tags.append(i == 0 ? "" : ",")
          .append('"')
          .append(random.nextInt(30) == 0 ? "k".repeat(600) : "t" + i)
          .append("\":")
          .append(random.nextInt(5) == 0 ? jsonValue(0) : "\"" + pick(STRINGS) + "\"");
    }
    return tags.append('}').toString();
  }

  private String attributes() {
    StringBuilder attributes = new StringBuilder("{");
    String separator = "";
    for (String field : List.of("enabled", "exp", "nbf", "created", "recoveryLevel")) {
      if (random.nextBoolean()) {
        attributes.append(separator).append('"').append(field).append("\":").append(jsonValue(0));
        separator = ",";
      }
    }
    return attributes.append('}').toString();
  }

  String jsonValue(int depth) {
    return switch (random.nextInt(depth > 3 ? 8 : 10)) {
      case 0 -> "null";
      case 1 -> Boolean.toString(random.nextBoolean());
      case 2 -> Long.toString(random.nextLong());
      case 3 -> "1e400";
      case 4 -> "-0.5";
      case 5 -> "99999999999999999999999";
      case 6 -> '"' + pick(STRINGS) + '"';
      case 7 -> "\"" + random.nextInt() + "\"";
      case 8 -> "[" + jsonValue(depth + 1) + "," + jsonValue(depth + 1) + "]";
      default -> "{\"k\":" + jsonValue(depth + 1) + "}";
    };
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  private static String abbreviated(String text) {
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }
}
