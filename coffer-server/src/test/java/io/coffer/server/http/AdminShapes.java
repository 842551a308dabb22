package io.coffer.server.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Raw requests to the management API ({@code /admin/v1}) drawn from its routes: methods and paths
 * from the route table with real, unknown and hostile ids, and bodies whose fields are well typed,
 * wrongly typed or hostile (malformed JSON, deep nesting, huge strings, odd unicode, unknown
 * fields). The master-key rotation is left out: it is real work, not input handling. The same seed
 * gives the same requests.
 */
final class AdminShapes {
  /** The route table: method, path with {tenant}, {vault}, {principal} and {id}, body fields. */
  private static final List<String[]> ROUTES =
      List.of(
          new String[] {"POST", "/bootstrap", "token"},
          new String[] {"GET", "/master-key"},
          new String[] {"GET", "/tenants"},
          new String[] {"POST", "/tenants", "name"},
          new String[] {"GET", "/tenants/{tenant}/principals"},
          new String[] {
            "POST", "/tenants/{tenant}/principals", "kind", "displayName", "userName", "password"
          },
          new String[] {"GET", "/vaults"},
          new String[] {
            "POST",
            "/vaults",
            "name",
            "tenant",
            "retentionDays",
            "purgeProtection",
            "permissionModel"
          },
          new String[] {"GET", "/vaults/{vault}"},
          new String[] {"PATCH", "/vaults/{vault}", "permissionModel"},
          new String[] {"GET", "/vaults/{vault}/role-assignments"},
          new String[] {"POST", "/vaults/{vault}/role-assignments", "principal", "role", "secret"},
          new String[] {"DELETE", "/vaults/{vault}/role-assignments/{id}"},
          new String[] {"GET", "/vaults/{vault}/access-policies"},
          new String[] {"PUT", "/vaults/{vault}/access-policies/{principal}", "permissions"},
          new String[] {"DELETE", "/vaults/{vault}/access-policies/{principal}"},
          new String[] {"GET", "/principals/{principal}"},
          new String[] {"PATCH", "/principals/{principal}", "enabled", "administrator"},
          new String[] {"DELETE", "/principals/{principal}"},
          new String[] {"PUT", "/principals/{principal}/password", "password"},
          new String[] {"GET", "/principals/{principal}/secrets"},
          new String[] {"POST", "/principals/{principal}/secrets", "days", "displayName"},
          new String[] {"DELETE", "/principals/{principal}/secrets/{id}"},
          new String[] {"GET", "/principals/{principal}/certificates"},
          new String[] {"POST", "/principals/{principal}/certificates", "certificate"},
          new String[] {"DELETE", "/principals/{principal}/certificates/{id}"},
          new String[] {"GET", "/principals/{principal}/federated-credentials"},
          new String[] {
            "POST",
            "/principals/{principal}/federated-credentials",
            "name",
            "issuer",
            "subject",
            "audience",
            "jwks"
          },
          new String[] {"DELETE", "/principals/{principal}/federated-credentials/{id}"});

  private static final List<String> PATH_TRICKS =
      List.of(
          "..",
          "%2e%2e",
          "..%2F..%2Fmaster-key",
          "%2F",
          "a%00b",
          "%zz",
          "%u0041",
          "x".repeat(3000),
          "caf%C3%A9",
          "%F0%9F%94%91",
          "a;b=c",
          "'%20OR%20'1'='1",
          "%2520");

  private final Random random;
  private final RequestShapes values;
  private final String host;
  private final Map<String, List<String>> ids;
  private int serial;

  /**
   * @param ids real ids to draw from, by placeholder: {@code tenant}, {@code vault}, {@code
   *     principal}, {@code id}
   */
  AdminShapes(Random random, String host, Map<String, List<String>> ids) {
    this.random = random;
    this.values = new RequestShapes(random, host);
    this.host = host;
    this.ids = ids;
  }

  RequestShapes.Case next(String token) {
    String[] route = ROUTES.get(random.nextInt(ROUTES.size()));
    String method = random.nextInt(15) == 0 ? pick(List.of("PUT", "HEAD", "OPTIONS")) : route[0];
    String path = "/admin/v1" + route[1];
    for (String placeholder : List.of("tenant", "vault", "principal", "id")) {
      path = path.replace("{" + placeholder + "}", id(placeholder));
    }
    if (random.nextInt(20) == 0) {
      path =
          pick(
              List.of(
                  "/admin/v1//tenants", "/admin/v1/tenants/", "/admin/v2/tenants", path + "/x"));
    }
    String body = route.length > 2 || random.nextInt(6) == 0 ? body(route) : "";
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path);
    if (random.nextInt(8) == 0) {
      head.append(pick(List.of("?api-version=1", "?%zz", "?a=%", "?" + "q".repeat(5000))));
    }
    head.append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    if (random.nextInt(25) != 0) {
      head.append("Authorization: Bearer ").append(random.nextInt(25) == 0 ? "junk" : token);
      head.append("\r\n");
    }
    head.append("Content-Type: ")
        .append(pick(List.of("application/json", "application/json", "text/plain", "")))
        .append("\r\n");
    head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[headBytes.length + bodyBytes.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
    String shown = path.length() > 100 ? path.substring(0, 100) + "..." : path;
    return new RequestShapes.Case(
        method, method + " " + shown + " body=" + bodyBytes.length + "B", all);
  }

  private String id(String placeholder) {
    return switch (random.nextInt(6)) {
      case 0 -> UUID.randomUUID().toString();
      case 1 -> pick(PATH_TRICKS);
      case 2 -> pick(RequestShapes.ODD_NAMES);
      default -> pick(ids.getOrDefault(placeholder, List.of("none")));
    };
  }

  private String body(String[] route) {
    return switch (random.nextInt(14)) {
      case 0 -> "{";
      case 1 -> "not json";
      case 2 -> "[" + values.jsonValue(0) + "]";
      case 3 -> "{\"" + field(route) + "\":" + "[".repeat(2000) + "]".repeat(2000) + "}";
      case 4 -> "{\"a\":".repeat(1500) + "1" + "}".repeat(1500);
      case 5 -> values.jsonValue(0);
      case 6 -> {
        String whole = fields(route);
        yield whole.substring(0, random.nextInt(whole.length() + 1));
      }
      case 7 -> "\u0000\u00ff\ufffe";
      default -> fields(route);
    };
  }

  private String field(String[] route) {
    return route.length > 2 ? route[2 + random.nextInt(route.length - 2)] : "unknown";
  }

  private String fields(String[] route) {
    StringBuilder body = new StringBuilder("{");
    String separator = "";
    for (int i = 2; i < route.length; i++) {
      if (random.nextInt(5) == 0) {
        continue;
      }
      body.append(separator).append('"').append(route[i]).append("\":").append(value(route[i]));
      separator = ",";
    }
    if (random.nextInt(4) == 0) {
      body.append(separator)
          .append("\"unknown-")
          .append(serial++)
          .append("\":")
          .append(values.jsonValue(0));
      separator = ",";
    }
    if (random.nextInt(10) == 0 && route.length > 2) {
      body.append(separator).append('"').append(route[2]).append("\":\"duplicate\"");
    }
    return body.append('}').toString();
  }

  private String value(String field) {
    int kind = random.nextInt(10);
    if (kind < 2) {
      return values.jsonValue(0);
    }
    if (kind == 2) {
      return "\"" + hostileText() + "\"";
    }
    return switch (field) {
      case "kind" ->
          quoted(
              pick(
                  List.of(
                      "ServicePrincipal",
                      "User",
                      "SystemAssignedIdentity",
                      "UserAssignedIdentity",
                      "Robot",
                      "")));
      case "retentionDays", "days" ->
          pick(List.of("7", "90", "0", "-1", "3651", "2147483648", "1e400", "\"30\"", "1.5"));
      case "purgeProtection", "enabled", "administrator" ->
          pick(List.of("true", "false", "\"true\"", "1", "null"));
      case "permissionModel" -> quoted(pick(List.of("rbac", "accessPolicies", "RBAC", "none")));
      case "tenant", "principal" -> quoted(id(field));
      case "role" ->
          quoted(pick(List.of("Key Vault Secrets User", "Key Vault Administrator", "Owner", "")));
      case "permissions" ->
          pick(
              List.of(
                  "[\"get\",\"list\"]",
                  "[\"all\"]",
                  "[\"bogus\"]",
                  "[1,null,{}]",
                  "[]",
                  "\"get\""));
      case "certificate" ->
          quoted(
              pick(
                  List.of(
                      "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----",
                      "-----BEGIN CERTIFICATE-----\\n"
                          + "QUFB".repeat(2000)
                          + "\\n-----END CERTIFICATE-----",
                      "not pem",
                      "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----")));
      case "issuer" ->
          quoted(
              pick(
                  List.of(
                      "https://issuer.example", "not a url", "file:///etc/passwd", "https://")));
      case "jwks" ->
          quoted(pick(List.of("{}", "{\\\"keys\\\":[{}]}", "{\\\"keys\\\":7}", "[", "")));
      default -> quoted("fuzz-" + (serial++));
    };
  }

  private String hostileText() {
    return switch (random.nextInt(6)) {
      case 0 -> "s".repeat(1 + random.nextInt(300_000));
      case 1 -> "\\u0000\\u0007\\u001b[31m";
      case 2 -> "\\ud800\\udfff\\ud83d";
      case 3 -> "\u202e\u0301\u200b\ufeff";
      case 4 -> "../../" + pick(RequestShapes.ODD_NAMES);
      default -> pick(RequestShapes.STRINGS);
    };
  }

  private static String quoted(String text) {
    return "\"" + text + "\"";
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
