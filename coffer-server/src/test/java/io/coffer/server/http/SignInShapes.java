package io.coffer.server.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Raw requests to the interactive sign-in, {@code GET} and {@code POST /<tenant>/oauth2/v2.0/
 * authorize}: a valid authorize request with each parameter kept, dropped, repeated or replaced by
 * junk, and for posts the form's own fields (login, password, form token) and binding cookie, real
 * or junk. The same seed gives the same requests.
 */
final class SignInShapes {
  /** A form served to a browser: its binding cookie and the form token bound to it. */
  record ServedForm(String cookie, String flowToken) {}

  private static final List<String> JUNK =
      List.of(
          "",
          "%00",
          "%zz",
          "%",
          "caf%C3%A9",
          "%ED%A0%80",
          "%E2%80%AE",
          "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
          "%22%3E%3Cimg%20src%3Dx%3E",
          "http%3A%2F%2Fevil.example%2Fcb",
          "https%3A%2F%2Flocalhost%2F",
          "http%3A%2F%2Flocalhost%40evil.example%2F",
          "http%3A%2F%2F127.0.0.1.evil.example%2F",
          "javascript%3Aalert(1)",
          "j".repeat(2049),
          "k".repeat(60_000),
          "m".repeat(300_000),
          "a+b",
          "%0d%0aSet-Cookie%3A%20x%3D1");

  private final Random random;
  private final String host;
  private final String tenantId;
  private final Map<String, String> valid;
  private final String userName;
  private final String password;
  private final List<ServedForm> forms;

  SignInShapes(
      Random random,
      String host,
      String tenantId,
      Map<String, String> valid,
      String userName,
      String password,
      List<ServedForm> forms) {
    this.random = random;
    this.host = host;
    this.tenantId = tenantId;
    this.valid = valid;
    this.userName = userName;
    this.password = password;
    this.forms = forms;
  }

  RequestShapes.Case next() {
    boolean post = random.nextInt(3) != 0;
    String tenant =
        random.nextInt(6) == 0
            ? pick(List.of("common", "no-such", "%2e%2e", "%zz", "t".repeat(400), "%00"))
            : tenantId;
    ServedForm form = forms.get(random.nextInt(forms.size()));
    String parameters = parameters(post, form);
    String method =
        random.nextInt(25) == 0 ? pick(List.of("PUT", "DELETE", "HEAD")) : post ? "POST" : "GET";
    String path = "/" + tenant + "/oauth2/v2.0/authorize";
    String query = post && random.nextInt(6) != 0 ? "" : "?" + parameters;
    String body = post ? parameters : "";
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(query).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(host).append("\r\n");
    if (post) {
      head.append("Content-Type: ")
          .append(
              pick(
                  List.of(
                      "application/x-www-form-urlencoded",
                      "application/x-www-form-urlencoded",
                      "application/x-www-form-urlencoded; charset=latin1",
                      "multipart/form-data; boundary=x",
                      "application/json")))
          .append("\r\n");
    }
    String cookie = cookie(post, form);
    if (!cookie.isEmpty()) {
      head.append("Cookie: ").append(cookie).append("\r\n");
    }
    if (random.nextInt(10) == 0) {
      head.append("Accept-Language: ")
          .append(pick(List.of("de", "*;q=x", "x".repeat(3000))))
          .append("\r\n");
    }
    head.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
    head.append("Connection: close\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[headBytes.length + bodyBytes.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(bodyBytes, 0, all, headBytes.length, bodyBytes.length);
    return new RequestShapes.Case(
        method,
        method
            + " /"
            + (tenant.length() > 40 ? tenant.substring(0, 40) + "..." : tenant)
            + "/authorize params="
            + parameters.length()
            + "B cookie="
            + !cookie.isEmpty(),
        all);
  }

  private String parameters(boolean post, ServedForm form) {
    Map<String, String> parameters = new LinkedHashMap<>();
    valid.forEach((name, value) -> parameters.put(name, enc(value)));
    if (post) {
      parameters.put("flowToken", random.nextInt(3) == 0 ? pick(JUNK) : form.flowToken());
      parameters.put("login", random.nextInt(3) == 0 ? pick(JUNK) : enc(userName));
      parameters.put("passwd", random.nextBoolean() ? pick(JUNK) : enc(password));
    }
    int mutations = random.nextInt(4);
    List<String> names = List.copyOf(parameters.keySet());
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < mutations; i++) {
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(3)) {
        case 0 -> parameters.remove(name);
        case 1 -> parameters.put(name, pick(JUNK));
        default -> text.append('&').append(name).append('=').append(pick(JUNK));
      }
    }
    StringBuilder all = new StringBuilder();
    parameters.forEach((name, value) ->
        all.append(all.isEmpty() ? "" : "&").append(name).append('=').append(value));
    all.append(text);
    if (random.nextInt(12) == 0) {
      all.append(pick(List.of("&", "&=", "&&", "&%zz=1", "&" + "p".repeat(3000) + "=1")));
    }
    return all.toString();
  }

  private String cookie(boolean post, ServedForm form) {
    String served = "__Host-coffer-signin=" + form.cookie();
    return switch (random.nextInt(post ? 8 : 12)) {
      case 0 -> "";
      case 1 -> "__Host-coffer-signin=" + pick(JUNK);
      case 2 -> "__Host-coffer-signin=" + "c".repeat(43);
      case 3 -> served + "; " + served + "; other=1";
      default -> post || random.nextBoolean() ? served : "";
    };
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
