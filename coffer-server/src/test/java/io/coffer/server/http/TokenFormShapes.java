package io.coffer.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Raw requests to the token and authorize endpoints drawn from the OAuth form shapes: grant types,
 * client ids and secrets, client assertions (garbage, unsigned, truncated JWTs), codes, refresh
 * tokens and scopes, each valid, wrong or hostile. The same seed gives the same requests.
 */
final class TokenFormShapes {
  private static final List<String> GRANTS =
      List.of(
          "client_credentials",
          "authorization_code",
          "refresh_token",
          "password",
          "urn:ietf:params:oauth:grant-type:jwt-bearer",
          "",
          "%zz",
          "client_credentials%00");
  private static final List<String> FIELDS =
      List.of(
          "client_id",
          "client_secret",
          "client_assertion",
          "client_assertion_type",
          "scope",
          "code",
          "code_verifier",
          "redirect_uri",
          "refresh_token",
          "claims",
          "resource");
  private static final List<String> TENANTS =
      List.of(
          "coffer-dev", "common", "organizations", "adfs", "no-such", "%2e%2e", "x".repeat(300));

  private final Random random;
  private final String host;
  private final String tenantId;

  TokenFormShapes(Random random, String host, String tenantId) {
    this.random = random;
    this.host = host;
    this.tenantId = tenantId;
  }

  RequestShapes.Case next() {
    String tenant = random.nextInt(3) == 0 ? pick(TENANTS) : tenantId;
    boolean authorize = random.nextInt(5) == 0;
    String method = random.nextInt(8) == 0 ? "GET" : "POST";
    String path = "/" + tenant + "/oauth2/v2.0/" + (authorize ? "authorize" : "token");
    String form = form();
    String query = authorize && method.equals("GET") ? "?" + form : "";
    String body = query.isEmpty() ? form : "";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(query).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(host).append("\r\n");
    head.append("Content-Type: ")
        .append(
            pick(
                List.of(
                    "application/x-www-form-urlencoded",
                    "application/x-www-form-urlencoded; charset=utf-8",
                    "application/json",
                    "multipart/form-data; boundary=x",
                    "text/plain")))
        .append("\r\n");
    if (random.nextInt(6) == 0) {
      head.append("Authorization: Basic ")
          .append(pick(List.of("%%%", "Og==", "YTpi", "bm9jb2xvbg==", "a".repeat(3000))))
          .append("\r\n");
    }
    head.append("Content-Length: ").append(bytes.length).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[headBytes.length + bytes.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
    return new RequestShapes.Case(
        method,
        method
            + " "
            + path.substring(0, Math.min(path.length(), 80))
            + " form="
            + bytes.length
            + "B",
        all);
  }

  private String form() {
    StringBuilder form = new StringBuilder();
    if (random.nextInt(8) != 0) {
      form.append("grant_type=").append(pick(GRANTS));
    }
    int fields = random.nextInt(6);
    for (int i = 0; i < fields; i++) {
      String field = pick(FIELDS);
      form.append(form.isEmpty() ? "" : "&").append(field).append('=').append(valueFor(field));
    }
    if (random.nextInt(10) == 0) {
      form.append(pick(List.of("&", "&=", "&&&", "&a", "%", "&scope=%E0%A4%A")));
    }
    return form.toString();
  }

  private String valueFor(String field) {
    return switch (field) {
      case "client_assertion" -> assertion();
      case "client_assertion_type" ->
          pick(List.of("urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer", "x"));
      case "scope" ->
          pick(
              List.of(
                  "https%3A%2F%2Fvault.localhost%2F.default",
                  ".default", "openid+profile+offline_access", "%2F%2F%2F", "s".repeat(5000)));
      case "claims" -> pick(List.of("%7B%7D", "%7B", "%5B%5D", "null"));
      default ->
          pick(
              List.of(
                  "",
                  "x",
                  "%00",
                  "%zz",
                  "caf%C3%A9",
                  "y".repeat(3000),
                  "00000000-0000",
                  random.nextInt(4) == 0 ? "z".repeat(300_000) : "z"));
    };
  }

  private String assertion() {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String header =
        pick(
            List.of(
                "{\"alg\":\"none\"}",
                "{\"alg\":\"RS256\",\"x5t\":\"abc\"}",
                "{\"alg\":\"HS256\",\"kid\":\"k\"}",
                "{\"alg\":\"RS256\",\"x5c\":[\"bm90IGEgY2VydA\"]}",
                "[]",
                "{"));
    String claims =
        pick(
            List.of(
                "{\"iss\":\"x\",\"sub\":\"x\",\"aud\":\"x\",\"exp\":1}",
                "{\"exp\":\"soon\"}",
                "{}",
                "null"));
    String jwt =
        url.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8))
            + "."
            + pick(List.of("", "sig", "AAAA"));
    return switch (random.nextInt(4)) {
      case 0 -> jwt.substring(0, random.nextInt(jwt.length() + 1));
      case 1 -> "a.b.c.d.e";
      default -> jwt;
    };
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
