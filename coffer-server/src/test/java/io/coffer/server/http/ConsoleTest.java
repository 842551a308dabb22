package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.server.audit.AuditChain;
import io.coffer.server.testing.RunningCoffer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console over plain HTTP, where that is cheaper than a browser: the sign-in flow's cookies and
 * redirects, the CSRF refusals, the security headers, and that its work is the API's (audited under
 * the API's operation names). {@code console/run} drives the same pages in Chromium.
 */
class ConsoleTest {
  private static final Pattern HIDDEN =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">");

  private static RunningCoffer coffer;
  private static HttpClient http;
  private static String base;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    http =
        HttpClient.newBuilder()
            .sslContext(coffer.server().tls().clientContext())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    base = coffer.credentials().authorityHost();
  }

  @Test
  void a_page_without_a_session_sends_the_browser_to_sign_in() throws Exception {
    HttpResponse<String> answer = get("/console/vaults/main", "");

    assertThat(answer.statusCode()).isEqualTo(303);
    assertThat(answer.headers().firstValue("Location"))
        .hasValue("/console/signin?next=%2Fconsole%2Fvaults%2Fmain");
  }

  @Test
  void sign_in_starts_pkce_at_organizations_with_a_strict_host_only_cookie() throws Exception {
    HttpResponse<String> answer = get("/console/signin", "");

    assertThat(answer.statusCode()).isEqualTo(303);
    String location = answer.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/organizations/oauth2/v2.0/authorize?");
    Map<String, String> query = query(location.substring(location.indexOf('?') + 1));
    assertThat(query)
        .containsEntry("client_id", "c0ffe12c-0a5e-4c0e-9b1e-000000c0a501")
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("response_mode", "form_post")
        .containsEntry("redirect_uri", base + "/console/auth");
    assertThat(answer.headers().firstValue("Set-Cookie").orElseThrow())
        .startsWith("__Host-coffer-console-signin=")
        .contains("; Path=/; Secure; HttpOnly; SameSite=Strict");
  }

  @Test
  void signing_in_sets_an_httponly_secure_strict_session_cookie() throws Exception {
    Browser browser = signIn();

    assertThat(browser.sessionCookieHeader)
        .startsWith("__Host-coffer-console=")
        .contains("; Path=/; Secure; HttpOnly; SameSite=Strict")
        .doesNotContain("Domain=");
    HttpResponse<String> vaults = get("/console/", browser.cookie);
    assertThat(vaults.statusCode()).isEqualTo(200);
    assertThat(vaults.body()).contains("<h1>Vaults</h1>").contains(">main</a>");
  }

  @Test
  void every_console_page_has_a_strict_content_security_policy() throws Exception {
    Browser browser = signIn();
    for (String path : List.of("/console/", "/console/vaults/main", "/console/signin")) {
      HttpResponse<String> answer = get(path, browser.cookie);
      String policy = answer.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(policy)
          .contains("default-src 'none'")
          .contains("script-src 'self'")
          .contains("frame-ancestors 'none'")
          .contains("form-action 'self'")
          .doesNotContain("unsafe-inline")
          .doesNotContain("http:");
      assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
    }
    assertThat(get("/console/", browser.cookie).body()).doesNotContain("<script>");
  }

  @Test
  void a_form_without_the_csrf_token_is_refused_and_changes_nothing() throws Exception {
    Browser browser = signIn();
    String name = "csrf-" + UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> answer =
        post(
            "/console/vaults/main/secrets",
            browser.cookie,
            Map.of("name", name, "value", "v", "enabled", "true"),
            Map.of());

    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.body()).contains("This form has expired or was not sent from this console");
    assertThat(answer.body()).doesNotContain("Exception");
    assertThat(get("/console/vaults/main/secrets/" + name, browser.cookie).body())
        .contains("This vault holds no secret named");
  }

  @Test
  void a_form_value_that_is_not_utf8_is_refused_not_stored_as_replacement_characters()
      throws Exception {
    Browser browser = signIn();
    // A lone byte, a lead byte before ASCII, half a surrogate pair in the form UTF-8 cannot carry.
    for (String value : new String[] {"%FF", "%C3%28", "ab%ED%A0%80"}) {
      String name = "utf8-" + UUID.randomUUID().toString().substring(0, 8);

      HttpResponse<String> answer = createWithValue(browser, name, value);

      assertThat(answer.statusCode()).as(value).isEqualTo(400);
      assertThat(answer.body()).contains("The form could not be read.").doesNotContain("Exception");
      assertThat(get("/console/vaults/main/secrets/" + name, browser.cookie).body())
          .contains("This vault holds no secret named");
    }
    String name = "utf8-" + UUID.randomUUID().toString().substring(0, 8);

    assertThat(createWithValue(browser, name, "%C3%A9t%C3%A9+%F0%9F%98%80").statusCode())
        .isEqualTo(303);
    assertThat(shown(browser, name).body()).contains("id=\"secret-value\">été 😀</pre>");
  }

  @Test
  void a_form_value_sent_as_raw_utf8_is_stored_as_sent() throws Exception {
    Browser browser = signIn();
    // Not percent-escaped, as curl's --data sends it; alone in a field and beside escapes.
    for (String[] sent :
        new String[][] {{"été 😀", "été 😀"}, {"é%C3%A9+ü", "éé ü"}, {"ab", "ab"}}) {
      String name = "raw-" + UUID.randomUUID().toString().substring(0, 8);

      assertThat(createWithValue(browser, name, sent[0]).statusCode()).as(sent[0]).isEqualTo(303);
      assertThat(shown(browser, name).body())
          .as(sent[0])
          .contains("id=\"secret-value\">" + sent[1] + "</pre>");
    }
  }

  @Test
  void a_post_from_another_origin_is_refused_even_with_the_token() throws Exception {
    Browser browser = signIn();
    String name = "origin-" + UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> answer =
        post(
            "/console/vaults/main/secrets",
            browser.cookie,
            Map.of("name", name, "value", "v", "enabled", "true", "csrf", browser.csrf),
            Map.of("Origin", "https://attacker.example"));

    assertThat(answer.statusCode()).isEqualTo(403);
  }

  @Test
  void an_action_is_the_apis_own_request_and_is_audited_as_one() throws Exception {
    Browser browser = signIn();
    String name = "audited-" + UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> created =
        post(
            "/console/vaults/main/secrets",
            browser.cookie,
            Map.of("name", name, "value", "s3cr3t", "enabled", "true", "csrf", browser.csrf),
            Map.of());
    HttpResponse<String> shown = shown(browser, name);

    assertThat(created.statusCode()).isEqualTo(303);
    assertThat(shown.body()).contains("id=\"secret-value\">s3cr3t</pre>");
    String trail = Files.readString(coffer.server().audit().file());
    List<String> lines =
        trail.lines().filter(l -> l.contains("\"secret\":\"" + name + "\"")).toList();
    assertThat(lines).anyMatch(l -> l.contains("\"operation\":\"SecretSet\""));
    assertThat(lines)
        .anyMatch(l ->
            l.contains("\"operation\":\"SecretGet\"")
                && l.contains("\"appId\":\"c0ffe12c-0a5e-4c0e-9b1e-000000c0a501\"")
                && l.contains("\"status\":200"));
    assertThat(trail).doesNotContain("s3cr3t");
    assertThat(AuditChain.verify(coffer.server().audit().file()).intact()).isTrue();
  }

  @Test
  void the_console_redirect_is_refused_to_any_other_client_address() throws Exception {
    HttpResponse<String> answer =
        get(
            "/organizations/oauth2/v2.0/authorize?client_id=c0ffe12c-0a5e-4c0e-9b1e-000000c0a501"
                + "&response_type=code&redirect_uri="
                + enc("https://attacker.example/console/auth")
                + "&scope=x&code_challenge="
                + "A".repeat(43)
                + "&code_challenge_method=S256",
            "");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("Coffer&#39;s console redirects to " + base);
  }

  @Test
  void a_missing_vault_is_a_readable_page_not_a_trace() throws Exception {
    Browser browser = signIn();

    HttpResponse<String> answer = get("/console/vaults/no-such-vault", browser.cookie);
    HttpResponse<String> unrouted = get("/console/no/such/page/here", browser.cookie);

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.body()).contains("There is no vault named").contains("<h1>Not found</h1>");
    assertThat(unrouted.statusCode()).isEqualTo(404);
    assertThat(unrouted.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
  }

  @Test
  void signing_out_ends_the_session_on_the_server() throws Exception {
    Browser browser = signIn();

    HttpResponse<String> out =
        post("/console/signout", browser.cookie, Map.of("csrf", browser.csrf), Map.of());

    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(get("/console/", browser.cookie).statusCode()).isEqualTo(303);
  }

  /** A signed-in browser: its session cookie and the CSRF token its pages carry. */
  private record Browser(String cookie, String sessionCookieHeader, String csrf) {}

  /** The whole sign-in, as a browser does it: console → authorize form → form_post → console. */
  private static Browser signIn() throws Exception {
    HttpResponse<String> start = get("/console/signin", "");
    String binding = cookiePair(start.headers().firstValue("Set-Cookie").orElseThrow());
    HttpResponse<String> form = get(start.headers().firstValue("Location").orElseThrow(), "");
    String signInCookie = cookiePair(form.headers().firstValue("Set-Cookie").orElseThrow());
    Map<String, String> fields = hidden(form.body());
    fields.put("login", coffer.credentials().consoleUser());
    fields.put("passwd", coffer.credentials().consolePassword());
    HttpResponse<String> posted =
        post("/organizations/oauth2/v2.0/authorize", signInCookie, fields, Map.of());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    Map<String, String> handover = hidden(posted.body());
    HttpResponse<String> done = post("/console/auth", binding, handover, Map.of());
    assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
    String header = done.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = cookiePair(header);
    Matcher csrf =
        Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
            .matcher(get("/console/", cookie).body());
    assertThat(csrf.find()).isTrue();
    return new Browser(cookie, header, csrf.group(1));
  }

  /** The console's new-secret form, its value field written as given (escaped or raw). */
  private static HttpResponse<String> createWithValue(Browser browser, String name, String value)
      throws Exception {
    return post(
        "/console/vaults/main/secrets",
        browser.cookie,
        "name=" + name + "&value=" + value + "&enabled=true&csrf=" + enc(browser.csrf),
        Map.of());
  }

  /** The page that shows a secret's value. */
  private static HttpResponse<String> shown(Browser browser, String name) throws Exception {
    return post(
        "/console/vaults/main/secrets/" + name + "/show",
        browser.cookie,
        Map.of("csrf", browser.csrf),
        Map.of());
  }

  private static HttpResponse<String> get(String path, String cookie) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (!cookie.isEmpty()) {
      request.header("Cookie", cookie);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(
      String path, String cookie, Map<String, String> form, Map<String, String> headers)
      throws Exception {
    return post(
        path,
        cookie,
        form.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&")),
        headers);
  }

  private static HttpResponse<String> post(
      String path, String cookie, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!cookie.isEmpty()) {
      request.header("Cookie", cookie);
    }
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cookiePair(String setCookie) {
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static Map<String, String> hidden(String html) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher matcher = HIDDEN.matcher(html);
    while (matcher.find()) {
      fields.put(matcher.group(1), unescape(matcher.group(2)));
    }
    return fields;
  }

  private static String unescape(String html) {
    return html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      parameters.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return parameters;
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
