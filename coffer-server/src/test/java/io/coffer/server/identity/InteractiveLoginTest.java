package io.coffer.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.identity.InteractiveBrowserCredential;
import com.azure.identity.InteractiveBrowserCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.coffer.server.DevMode;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.testing.HeadlessChromium;
import io.coffer.server.testing.RunningCoffer;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interactive sign-in: the official SDK's InteractiveBrowserCredential through a real (headless)
 * browser, and the authorize and token endpoints' refusals over plain HTTP.
 */
class InteractiveLoginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SDK_DEFAULT_CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
  private static final String PASSWORD = "correct horse battery staple";
  private static final Pattern HIDDEN =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">");

  private static RunningCoffer coffer;
  private static String tenantId;

  @BeforeAll
  static void start() {
    coffer = RunningCoffer.shared();
    tenantId = coffer.credentials().tenantId();
  }

  @Test
  void a_user_signs_in_through_a_browser_and_reads_a_secret_with_the_sdk() throws Exception {
    Optional<Path> chromium = HeadlessChromium.binary();
    if (chromium.isEmpty()) {
      // CI installs chromium (.ci/run); only a developer machine may lack it.
      assertThat(System.getenv("CI")).as("chromium is required in CI").isNotEqualTo("true");
      assumeTrue(false, "chromium is not installed (apt-get install chromium)");
    }
    String inbox = System.getenv("COFFER_TEST_BROWSER_INBOX");
    assumeTrue(inbox != null, "run through Maven: surefire puts the test xdg-open on PATH");
    Path urls = Path.of(inbox);
    Files.deleteIfExists(urls);

    DirectoryPrincipal user = newUser();
    String secretName = "interactive-" + UUID.randomUUID().toString().substring(0, 8);
    coffer.secretClient().setSecret(secretName, "seen-by-a-person");
    DirectoryPrincipal app =
        coffer.server().directory().createServicePrincipal(tenantId, "desktop-tool");
    InteractiveBrowserCredential credential =
        new InteractiveBrowserCredentialBuilder()
            .tenantId(tenantId)
            .clientId(app.clientId())
            .redirectUrl("http://localhost:" + RunningCoffer.freePort())
            .authorityHost(coffer.credentials().authorityHost())
            .disableInstanceDiscovery()
            .build();
    SecretClient client =
        new SecretClientBuilder().vaultUrl(coffer.vaultUrl()).credential(credential).buildClient();

    try (HeadlessChromium browser = HeadlessChromium.start(chromium.get(), serverCertificate())) {
      CompletableFuture<String> read =
          CompletableFuture.supplyAsync(() -> client.getSecret(secretName).getValue());
      String authorizeUrl = awaitUrl(urls, read);
      browser.navigate(authorizeUrl);
      browser.waitFor("document.getElementById('passwd')", Duration.ofSeconds(20));
      browser.evaluate(
          "document.getElementById('login').value = "
              + JSON.writeValueAsString(user.userName().orElseThrow())
              + "; document.getElementById('passwd').value = "
              + JSON.writeValueAsString(PASSWORD)
              + "; document.getElementById('submit').click(); 'submitted'");

      String value;
      try {
        value = read.get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError(
            "the SDK got no token; the browser is at "
                + browser.evaluate("location.href + '\\n' + document.documentElement.outerHTML")
                + "\n"
                + browser.log(),
            e);
      }
      assertThat(value).isEqualTo("seen-by-a-person");
      Map<String, String> sent = query(URI.create(authorizeUrl));
      assertThat(sent)
          .containsEntry("client_id", app.clientId())
          .containsEntry("response_type", "code")
          .containsEntry("code_challenge_method", "S256")
          .containsKeys("code_challenge", "state", "redirect_uri", "scope");
    }
  }

  @Test
  void a_wrong_password_shows_one_generic_error_and_issues_no_code() throws Exception {
    DirectoryPrincipal user = newUser();
    Authorize flow = new Authorize("http://localhost:4711/callback", "query");
    HttpResponse<String> page = flow.open();
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'")
        .contains("frame-ancestors 'none'");
    assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");

    HttpResponse<String> wrongPassword =
        flow.submit(page, user.userName().orElseThrow(), "not the password at all");
    HttpResponse<String> unknownUser =
        flow.submit(page, "nobody-" + UUID.randomUUID() + "@coffer.test", PASSWORD);

    for (HttpResponse<String> answer : List.of(wrongPassword, unknownUser)) {
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Location")).isEmpty();
      assertThat(answer.body()).contains("Your account or password is incorrect.");
      assertThat(answer.body()).doesNotContain("code=");
    }
    // The page is shown again, but the trail records a refusal, and whom it named.
    JsonNode refusal =
        auditRecords().stream()
            .filter(r -> r.path("operation").asText().equals("SignIn"))
            .filter(r -> r.path("user").asText().equals(user.userName().orElseThrow()))
            .findFirst()
            .orElseThrow();
    assertThat(refusal.path("status").asInt()).isEqualTo(400);
    assertThat(refusal.path("errorCode").asText()).isEqualTo("invalid_grant");
    assertThat(refusal.path("tenant").asText()).isEqualTo(tenantId);
    assertThat(refusal.toString()).doesNotContain("not the password at all");
  }

  private static List<JsonNode> auditRecords() throws java.io.IOException {
    List<JsonNode> records = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(coffer.server().audit().file())) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  @Test
  void a_code_is_redeemed_once_for_a_user_token_the_vault_accepts() throws Exception {
    DirectoryPrincipal user = newUser();
    Authorize flow = new Authorize("http://127.0.0.1:4712/", "query");
    String code = flow.signIn(user);
    assertThat(
            auditRecords().stream()
                .filter(r -> r.path("operation").asText().equals("SignIn"))
                .filter(r -> r.path("principal").asText().equals(user.objectId()))
                .findFirst()
                .orElseThrow()
                .path("user")
                .asText())
        .isEqualTo(user.userName().orElseThrow());

    HttpResponse<String> first = redeem(flow, code, flow.verifier);
    HttpResponse<String> replay = redeem(flow, code, flow.verifier);

    assertThat(first.statusCode()).isEqualTo(200);
    JsonNode tokens = JSON.readTree(first.body());
    JWTClaimsSet access = SignedJWT.parse(tokens.path("access_token").asText()).getJWTClaimsSet();
    assertThat(access.getStringClaim("oid")).isEqualTo(user.objectId());
    assertThat(access.getStringClaim("tid")).isEqualTo(tenantId);
    assertThat(access.getStringClaim("idtyp")).isEqualTo("user");
    assertThat(access.getStringClaim("scp")).isEqualTo("user_impersonation");
    assertThat(access.getStringClaim("upn")).isEqualTo(user.userName().orElseThrow());
    assertThat(access.getStringClaim("appid")).isEqualTo(SDK_DEFAULT_CLIENT);
    assertThat(access.getAudience()).containsExactly(resource());
    JWTClaimsSet id = SignedJWT.parse(tokens.path("id_token").asText()).getJWTClaimsSet();
    assertThat(id.getAudience()).containsExactly(SDK_DEFAULT_CLIENT);
    assertThat(id.getStringClaim("nonce")).isEqualTo(flow.nonce);
    assertThat(id.getStringClaim("preferred_username")).isEqualTo(user.userName().orElseThrow());
    String clientInfo =
        new String(
            Base64.getUrlDecoder().decode(tokens.path("client_info").asText()),
            StandardCharsets.UTF_8);
    assertThat(JSON.readTree(clientInfo).path("uid").asText()).isEqualTo(user.objectId());
    assertThat(JSON.readTree(clientInfo).path("utid").asText()).isEqualTo(tenantId);
    assertThat(tokens.path("scope").asText()).isEqualTo(resource() + "/user_impersonation");

    assertThat(listSecrets(tokens.path("access_token").asText()).statusCode()).isEqualTo(200);
    assertThat(listSecrets(tokens.path("refresh_token").asText()).statusCode()).isEqualTo(401);
    assertThat(listSecrets(tokens.path("id_token").asText()).statusCode()).isEqualTo(401);

    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(replay.body()).path("error").asText()).isEqualTo("invalid_grant");
    assertThat(JSON.readTree(replay.body()).path("error_codes").get(0).asInt()).isEqualTo(54005);
  }

  @Test
  void a_wrong_code_verifier_is_refused() throws Exception {
    DirectoryPrincipal user = newUser();
    Authorize flow = new Authorize("http://localhost:4713", "query");
    String code = flow.signIn(user);

    HttpResponse<String> answer =
        redeem(flow, code, new Authorize("http://localhost:1", "query").verifier);

    assertThat(answer.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(answer.body());
    assertThat(error.path("error").asText()).isEqualTo("invalid_grant");
    assertThat(error.path("error_codes").get(0).asInt()).isEqualTo(501481);
    assertThat(answer.body()).doesNotContain(code);
  }

  @Test
  void a_redirect_uri_off_the_loopback_is_refused_on_an_error_page() throws Exception {
    for (String redirect :
        List.of(
            "https://attacker.example/<script>",
            "http://localhost.attacker.example:80/",
            "http://user@localhost:80/")) {
      HttpResponse<String> page = new Authorize(redirect, "query").open();

      assertThat(page.statusCode()).isEqualTo(400);
      assertThat(page.headers().firstValue("Location")).isEmpty();
      assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
      assertThat(page.body()).contains("AADSTS50011").doesNotContain("<script>");
    }
  }

  @Test
  void a_form_posted_without_the_browser_cookie_is_refused() throws Exception {
    DirectoryPrincipal user = newUser();
    Authorize flow = new Authorize("http://localhost:4714", "query");
    HttpResponse<String> page = flow.open();
    flow.cookie = "__Host-coffer-signin=" + "A".repeat(43);

    HttpResponse<String> answer = flow.submit(page, user.userName().orElseThrow(), PASSWORD);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.headers().firstValue("Location")).isEmpty();
    assertThat(answer.body()).contains("AADSTS90014");
  }

  @Test
  void form_post_mode_hands_the_code_over_in_a_self_submitting_form() throws Exception {
    DirectoryPrincipal user = newUser();
    Authorize flow = new Authorize("http://localhost:4715", "form_post");
    HttpResponse<String> page = flow.open();

    HttpResponse<String> answer = flow.submit(page, user.userName().orElseThrow(), PASSWORD);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("action=\"http://localhost:4715\"");
    assertThat(hidden(answer.body())).containsKeys("code").containsEntry("state", flow.state);
    assertThat(answer.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("form-action http://localhost:4715")
        .contains("script-src 'sha256-");
  }

  @Test
  void a_refresh_token_is_rotated_and_presenting_a_spent_one_revokes_its_family() throws Exception {
    DirectoryPrincipal user = newUser();
    Authorize flow = new Authorize("http://localhost:4717", "query");
    JsonNode tokens = JSON.readTree(redeem(flow, flow.signIn(user), flow.verifier).body());
    String first = tokens.path("refresh_token").asText();

    HttpResponse<String> rotated = refresh(first);
    assertThat(rotated.statusCode()).isEqualTo(200);
    String second = JSON.readTree(rotated.body()).path("refresh_token").asText();
    assertThat(second).isNotEmpty().isNotEqualTo(first);

    HttpResponse<String> reused = refresh(first);
    assertThat(reused.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(reused.body()).path("error").asText()).isEqualTo("invalid_grant");
    assertThat(JSON.readTree(reused.body()).path("error_codes").get(0).asInt()).isEqualTo(50173);
    // The thief's use and the owner's are indistinguishable: the newer token dies with the family.
    HttpResponse<String> familyRevoked = refresh(second);
    assertThat(familyRevoked.statusCode()).isEqualTo(400);
    assertThat(familyRevoked.body()).contains("revoked");

    // A new sign-in starts a new family.
    JsonNode again = JSON.readTree(redeem(flow, flow.signIn(user), flow.verifier).body());
    assertThat(refresh(again.path("refresh_token").asText()).statusCode()).isEqualTo(200);
  }

  @Test
  void a_password_change_revokes_the_refresh_tokens_issued_before() throws Exception {
    DirectoryPrincipal user = newUser();
    Authorize flow = new Authorize("http://localhost:4718", "query");
    JsonNode tokens = JSON.readTree(redeem(flow, flow.signIn(user), flow.verifier).body());
    String refreshToken = tokens.path("refresh_token").asText();

    coffer.server().directory().setPassword(user, "a new password after a leak");
    HttpResponse<String> afterChange = refresh(refreshToken);

    assertThat(afterChange.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(afterChange.body()).path("error").asText()).isEqualTo("invalid_grant");
    assertThat(JSON.readTree(afterChange.body()).path("error_codes").get(0).asInt())
        .isEqualTo(50173);
    assertThat(afterChange.body()).contains("password");
  }

  @Test
  void a_disabled_users_refresh_token_is_refused() throws Exception {
    DirectoryPrincipal user = newUser();
    Authorize flow = new Authorize("http://localhost:4716", "query");
    JsonNode tokens = JSON.readTree(redeem(flow, flow.signIn(user), flow.verifier).body());
    String refreshToken = tokens.path("refresh_token").asText();

    HttpResponse<String> refreshed = refresh(refreshToken);
    coffer.server().directory().setEnabled(user, false);
    HttpResponse<String> afterDisable = refresh(refreshToken);

    assertThat(refreshed.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(refreshed.body()).path("access_token").asText()).isNotEmpty();
    assertThat(afterDisable.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(afterDisable.body()).path("error").asText())
        .isEqualTo("invalid_grant");
    assertThat(JSON.readTree(afterDisable.body()).path("error_codes").get(0).asInt())
        .isEqualTo(50057);
  }

  // --- helpers ---

  /** One authorize request with its own PKCE pair, state and nonce, driven like a browser. */
  private final class Authorize {
    final String redirectUri;
    final String mode;
    final String verifier = random();
    final String state = random();
    final String nonce = random();
    String cookie = "";

    Authorize(String redirectUri, String mode) {
      this.redirectUri = redirectUri;
      this.mode = mode;
    }

    String url() throws Exception {
      Map<String, String> parameters = new LinkedHashMap<>();
      parameters.put("client_id", SDK_DEFAULT_CLIENT);
      parameters.put("response_type", "code");
      parameters.put("redirect_uri", redirectUri);
      parameters.put("scope", resource() + "/.default openid profile offline_access");
      parameters.put("state", state);
      parameters.put("nonce", nonce);
      parameters.put("code_challenge", challenge(verifier));
      parameters.put("code_challenge_method", "S256");
      parameters.put("response_mode", mode);
      return authority() + "/oauth2/v2.0/authorize?" + form(parameters);
    }

    HttpResponse<String> open() throws Exception {
      HttpResponse<String> page = coffer.send(HttpRequest.newBuilder(URI.create(url())).build());
      page.headers()
          .firstValue("Set-Cookie")
          .ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
      return page;
    }

    HttpResponse<String> submit(HttpResponse<String> page, String login, String password)
        throws Exception {
      Map<String, String> fields = hidden(page.body());
      fields.put("login", login);
      fields.put("passwd", password);
      return coffer.send(
          HttpRequest.newBuilder(URI.create(authority() + "/oauth2/v2.0/authorize"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Cookie", cookie)
              .POST(HttpRequest.BodyPublishers.ofString(form(fields)))
              .build());
    }

    /** Signs in and returns the code from the redirect, after checking the state came back. */
    String signIn(DirectoryPrincipal user) throws Exception {
      HttpResponse<String> answer = submit(open(), user.userName().orElseThrow(), PASSWORD);
      assertThat(answer.statusCode()).isEqualTo(302);
      URI location = URI.create(answer.headers().firstValue("Location").orElseThrow());
      assertThat(location.toString()).startsWith(redirectUri);
      Map<String, String> query = query(location);
      assertThat(query).containsEntry("state", state);
      return query.get("code");
    }
  }

  private HttpResponse<String> redeem(Authorize flow, String code, String verifier)
      throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("client_id", SDK_DEFAULT_CLIENT);
    form.put("code", code);
    form.put("redirect_uri", flow.redirectUri);
    form.put("code_verifier", verifier);
    form.put("scope", resource() + "/.default openid profile offline_access");
    form.put("client_info", "1");
    return post(form);
  }

  private HttpResponse<String> refresh(String refreshToken) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("client_id", SDK_DEFAULT_CLIENT);
    form.put("refresh_token", refreshToken);
    form.put("scope", resource() + "/.default openid profile offline_access");
    return post(form);
  }

  private HttpResponse<String> post(Map<String, String> form) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(authority() + "/oauth2/v2.0/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(form)))
            .build());
  }

  private HttpResponse<String> listSecrets(String token) {
    return coffer.send(
        HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + "/secrets?api-version=7.4"))
            .header("Authorization", "Bearer " + token)
            .build());
  }

  /** A user with Key Vault Secrets User on the dev vault. */
  private static DirectoryPrincipal newUser() {
    String name = "user-" + UUID.randomUUID().toString().substring(0, 8) + "@coffer.test";
    DirectoryPrincipal user =
        coffer.server().directory().createUser(tenantId, name, "Test User", PASSWORD);
    String vaultId = coffer.server().vaults().find(DevMode.VAULT).orElseThrow().id();
    coffer
        .server()
        .authorizer()
        .assign(user.objectId(), Role.KEY_VAULT_SECRETS_USER, Scope.vault(vaultId));
    return user;
  }

  /** Waits for the URL MSAL asked xdg-open to show; fails early if the SDK call already ended. */
  private static String awaitUrl(Path urls, CompletableFuture<String> read) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!Files.exists(urls) || Files.readAllLines(urls).isEmpty()) {
      if (read.isDone()) {
        read.get();
        throw new IllegalStateException("the SDK finished without opening a browser");
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("MSAL did not open a browser within 30 s");
      }
      Thread.sleep(100);
    }
    return Files.readAllLines(urls).get(0);
  }

  private static X509Certificate serverCertificate() throws Exception {
    KeyStore store = coffer.server().tls().keyStore();
    for (String alias : Collections.list(store.aliases())) {
      if (store.isKeyEntry(alias)) {
        return (X509Certificate) store.getCertificateChain(alias)[0];
      }
    }
    throw new IllegalStateException("the server key store holds no key");
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

  private static Map<String, String> query(URI uri) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      query.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e ->
            URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String authority() {
    return coffer.credentials().authorityHost() + "/" + tenantId;
  }

  private static String resource() {
    return coffer.server().settings().endpoints().resource();
  }

  private static String random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String challenge(String verifier) throws Exception {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
  }
}
