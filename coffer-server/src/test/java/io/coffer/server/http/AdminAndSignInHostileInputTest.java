package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.http.RawWire.Answer;
import io.coffer.server.http.SignInShapes.ServedForm;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.testing.RunningCoffer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input beyond the vault routes: the management API with a valid administrator token, and
 * the interactive sign-in page and form. Requests are generated from a seed; whatever arrives, the
 * answer is never a 5xx, never a hang, never a stack trace, always in the surface's error shape
 * (Azure JSON for the management API; an HTML page, or a redirect to the client's loopback
 * listener, for sign-in), and the server keeps serving. {@code -Dcoffer.fuzz.seed} replays a run;
 * {@code -Dcoffer.fuzz.cases} sets its size. The token endpoint is fuzzed by {@link
 * HostileInputTest}.
 */
class AdminAndSignInHostileInputTest {
  private static final String PUBLIC_CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
  private static final Pattern FLOW_TOKEN =
      Pattern.compile("name=\"flowToken\" value=\"([^\"]+)\"");
  private static final Pattern BINDING = Pattern.compile("__Host-coffer-signin=([A-Za-z0-9_-]+)");

  private static RunningCoffer coffer;
  private static RawWire wire;
  private static String adminToken;
  private static String vaultToken;
  private static Map<String, List<String>> ids;

  @BeforeAll
  static void start() throws IOException {
    Path dataDir = Files.createTempDirectory("coffer-hostile-admin");
    coffer = RunningCoffer.start(dataDir);
    wire = new RawWire(coffer);
    vaultToken = coffer.token();
    JsonNode profile = RawWire.JSON.readTree(dataDir.resolve("admin.json").toFile());
    adminToken =
        coffer.token(
            profile.path("tenantId").asText(),
            profile.path("clientId").asText(),
            profile.path("clientSecret").asText(),
            coffer.server().settings().endpoints().managementResource() + "/.default");
    var directory = coffer.server().directory();
    String tenant = coffer.credentials().tenantId();
    var fuzzTenant = directory.createTenant("fuzz-tenant");
    var vault = coffer.server().vaults().create("fuzz-vault", tenant, 7, false);
    DirectoryPrincipal app = directory.createServicePrincipal(tenant, "fuzz-app");
    DirectoryPrincipal user =
        directory.createUser(tenant, "fuzz@coffer", "Fuzz", "fuzz-password-1");
    String secretId = directory.addClientSecret(app, Duration.ofDays(1)).secretId();
    String assignment =
        coffer
            .server()
            .authorizer()
            .assign(app.objectId(), Role.KEY_VAULT_SECRETS_USER, Scope.vault(vault.id()))
            .id();
    ids =
        Map.of(
            "tenant", List.of(tenant, fuzzTenant.id(), fuzzTenant.name(), "coffer-dev"),
            // Not the dev vault: generated changes to it would refuse the check that follows.
            "vault", List.of("fuzz-vault", "no-such-vault"),
            "principal", List.of(app.objectId(), user.objectId(), app.clientId()),
            "id", List.of(secretId, assignment));
  }

  @AfterAll
  static void stop() {
    coffer.close();
  }

  @Test
  void generated_management_requests_never_get_a_5xx_a_hang_or_a_shapeless_error()
      throws Exception {
    long seed = Long.getLong("coffer.fuzz.seed", System.nanoTime());
    int cases = Integer.getInteger("coffer.fuzz.cases", 300);
    AdminShapes shapes = new AdminShapes(new Random(seed), "localhost:" + coffer.port(), ids);

    List<String> failures =
        run("management", seed, cases, () -> shapes.next(adminToken), RawWire::keyVaultProblem);

    assertThat(failures).as("seed " + seed).isEmpty();
    assertServerServes();
  }

  @Test
  void generated_sign_in_pages_and_posts_never_get_a_5xx_a_hang_or_a_foreign_redirect()
      throws Exception {
    long seed = Long.getLong("coffer.fuzz.seed", System.nanoTime());
    int cases = Integer.getInteger("coffer.fuzz.cases", 300);
    Map<String, String> valid = new LinkedHashMap<>();
    valid.put("client_id", PUBLIC_CLIENT);
    valid.put("response_type", "code");
    valid.put("redirect_uri", "http://localhost:8400/");
    valid.put("response_mode", "query");
    valid.put("scope", coffer.server().settings().endpoints().resource() + "/.default openid");
    valid.put("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    valid.put("code_challenge_method", "S256");
    valid.put("state", "fuzz-state");
    List<ServedForm> forms = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      forms.add(servedForm(valid));
    }
    SignInShapes shapes =
        new SignInShapes(
            new Random(seed),
            "localhost:" + coffer.port(),
            coffer.credentials().tenantId(),
            valid,
            "fuzz@coffer",
            "fuzz-password-1",
            forms);

    List<String> failures =
        run(
            "sign-in",
            seed,
            cases,
            shapes::next,
            (answer, method) -> signInProblem(answer, method));

    assertThat(failures).as("seed " + seed).isEmpty();
    assertServerServes();
  }

  private interface Generator {
    RequestShapes.Case next();
  }

  private interface Check {
    String problem(Answer answer, String method);
  }

  private static List<String> run(
      String surface, long seed, int cases, Generator generator, Check check) throws IOException {
    List<String> failures = new ArrayList<>();
    int[] byClass = new int[6];
    long started = System.nanoTime();
    for (int i = 0; i < cases; i++) {
      RequestShapes.Case request = generator.next();
      String problem;
      try {
        Answer answer = wire.exchange(request.bytes());
        byClass[Math.min(5, answer.status() / 100)]++;
        problem = check.problem(answer, request.method());
      } catch (SocketTimeoutException e) {
        problem = "no answer within " + RawWire.TIMEOUT_MS + " ms";
      }
      if (problem != null) {
        failures.add("case " + i + " (" + request.description() + "): " + problem);
      }
    }
    System.out.printf(
        "hostile-input: %s seed=%d cases=%d 2xx=%d 3xx=%d 4xx=%d 5xx=%d failures=%d in %d ms%n",
        surface,
        seed,
        cases,
        byClass[2],
        byClass[3],
        byClass[4],
        byClass[5],
        failures.size(),
        (System.nanoTime() - started) / 1_000_000);
    return failures;
  }

  /**
   * Sign-in answers a page (the form, or an HTML error), an Azure JSON error for what the router
   * refuses itself (a wrong method), or a redirect — to the client's loopback listener only — and
   * never reflects markup it was sent.
   */
  private static String signInProblem(Answer answer, String method) {
    String problem = RawWire.anySurfaceProblem(answer);
    if (problem != null) {
      return problem;
    }
    if (answer.body().contains("<script>alert") || answer.body().contains("<img src=x>")) {
      return "markup from the request reflected in the page";
    }
    if (answer.status() >= 300 && answer.status() < 400) {
      String location = answer.header("Location").orElse("");
      return location.startsWith("http://localhost:") || location.startsWith("http://127.0.0.1:")
          ? null
          : "HTTP " + answer.status() + " to a foreign place: '" + location + "'";
    }
    if (answer.status() >= 400) {
      if (answer.header("Content-Type").orElse("").startsWith("text/html")) {
        // A HEAD answer is the GET answer's head: its page is never sent.
        return answer.body().contains("<h1>") || method.equals("HEAD")
            ? null
            : "an HTML error without a message";
      }
      return RawWire.keyVaultProblem(answer, method);
    }
    return null;
  }

  /** A browser's visit to the sign-in page: its binding cookie and the form token it got. */
  private static ServedForm servedForm(Map<String, String> parameters) throws IOException {
    StringBuilder query = new StringBuilder();
    parameters.forEach((name, value) ->
        query
            .append(query.isEmpty() ? "?" : "&")
            .append(name)
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    Answer page =
        wire.exchange(
            ("GET /"
                    + coffer.credentials().tenantId()
                    + "/oauth2/v2.0/authorize"
                    + query
                    + " HTTP/1.1\r\nHost: localhost:"
                    + coffer.port()
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    Matcher token = FLOW_TOKEN.matcher(page.body());
    assertThat(token.find()).as("the form carries a token").isTrue();
    String cookie =
        BINDING
            .matcher(page.header("Set-Cookie").orElse(""))
            .results()
            .map(m -> m.group(1))
            .findFirst()
            .orElseThrow();
    return new ServedForm(cookie, token.group(1));
  }

  private static void assertServerServes() throws IOException {
    Function<String, Answer> get =
        request -> {
          try {
            return wire.exchange(request.getBytes(StandardCharsets.ISO_8859_1));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    Answer vault =
        get.apply(
            "GET /secrets?api-version=7.4 HTTP/1.1\r\nHost: main.vault.localhost:"
                + coffer.port()
                + "\r\nAuthorization: Bearer "
                + vaultToken
                + "\r\nConnection: close\r\n\r\n");
    Answer admin =
        get.apply(
            "GET /admin/v1/tenants HTTP/1.1\r\nHost: localhost:"
                + coffer.port()
                + "\r\nAuthorization: Bearer "
                + adminToken
                + "\r\nConnection: close\r\n\r\n");
    assertThat(vault.status()).as("a vault request after the hostile ones").isEqualTo(200);
    assertThat(admin.status()).as("a management request after the hostile ones").isEqualTo(200);
  }
}
