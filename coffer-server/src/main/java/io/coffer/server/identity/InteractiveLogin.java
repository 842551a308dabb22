package io.coffer.server.identity;

import io.coffer.server.CofferException;
import io.coffer.server.CofferException.AuthorizeRefused;
import io.coffer.server.crypto.Digests;
import io.coffer.server.storage.AuthorizationCodeRecord;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.OneTimeStore;
import io.coffer.server.storage.PrincipalRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The authorize endpoint's logic for people: validate the client's request, sign the user in with a
 * password, and hand a one-time code to the client's loopback listener. The code is redeemed at the
 * token endpoint with the PKCE verifier (see {@link UserGrants}).
 */
public final class InteractiveLogin {
  /**
   * Public clients the SDKs use when none is configured: {@code InteractiveBrowserCredential} of
   * azure-identity (Java, Python, JS) defaults to the Azure CLI's client id.
   */
  static final Duration CODE_LIFETIME = Duration.ofMinutes(5);

  /** RFC 7636: 43 to 128 characters of base64url; S256 challenges are exactly 43. */
  private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

  private static final int MAX_PARAMETER = 2048;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DirectoryStore store;
  private final OneTimeStore codes;
  private final Directory directory;
  private final Clock clock;
  private final String consoleRedirect;

  /**
   * @param consoleRedirect the one redirect URI of Coffer's console: its own address under the
   *     token service's public name
   */
  public InteractiveLogin(
      DirectoryStore store,
      OneTimeStore codes,
      Directory directory,
      Clock clock,
      String consoleRedirect) {
    this.store = store;
    this.codes = codes;
    this.directory = directory;
    this.clock = clock;
    this.consoleRedirect = consoleRedirect;
  }

  /**
   * Validates an authorize request. The client and redirect URI are checked first and refused on an
   * error page; any later problem is reported to the (now trusted) redirect URI.
   *
   * @throws AuthorizeRefused for a request that cannot proceed to sign-in
   */
  public AuthorizeRequest authorize(String tenantIdOrName, Map<String, String> parameters) {
    // On /organizations and /common the account that signs in names the tenant, as on Entra; only
    // the well-known public clients, which belong to every tenant, may ask there.
    boolean anyTenant = TokenService.isAccountAlias(tenantIdOrName);
    Tenant tenant =
        anyTenant
            ? new Tenant(
                tenantIdOrName.toLowerCase(Locale.ROOT), tenantIdOrName.toLowerCase(Locale.ROOT), 0)
            : store
                .tenant(tenantIdOrName)
                .map(Tenant::of)
                .orElseThrow(() ->
                    new AuthorizeRefused(
                        "invalid_request",
                        90002,
                        "Tenant '"
                            + CofferException.echo(tenantIdOrName)
                            + "' not found. Check the tenant ID."));
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      if (parameter.getValue().length() > MAX_PARAMETER) {
        throw new AuthorizeRefused(
            "invalid_request", 90004, "The parameter '" + parameter.getKey() + "' is too long.");
      }
    }
    String clientId = present(parameters, "client_id").orElse("");
    if (clientId.isEmpty()) {
      throw new AuthorizeRefused(
          "invalid_request", 900144, "The request must contain the parameter 'client_id'.");
    }
    if (!PublicClients.known(store, tenant, clientId)) {
      throw new AuthorizeRefused(
          "unauthorized_client",
          700016,
          "Application with identifier '"
              + CofferException.echo(clientId)
              + "' was not found in the directory '"
              + tenant.name()
              + "'.");
    }
    String redirectUri = present(parameters, "redirect_uri").orElse("");
    if (clientId.equals(PublicClients.CONSOLE)) {
      if (!redirectUri.equals(consoleRedirect)) {
        throw new AuthorizeRefused(
            "invalid_request",
            50011,
            "The redirect URI '"
                + redirectUri
                + "' is not allowed: Coffer's console redirects to "
                + consoleRedirect
                + " only.");
      }
    } else if (!AuthorizationResponse.isLoopback(redirectUri)) {
      throw new AuthorizeRefused(
          "invalid_request",
          50011,
          "The redirect URI '"
              + CofferException.echo(redirectUri)
              + "' is not allowed: public clients redirect to http://localhost or"
              + " http://127.0.0.1 only.");
    }
    Optional<String> state = present(parameters, "state");
    String mode = present(parameters, "response_mode").orElse("query");
    boolean formPost = mode.equals("form_post");
    if (!formPost && !mode.equals("query")) {
      throw refusal(
          redirectUri, false, state, 900144, "response_mode must be 'query' or 'form_post'.");
    }
    if (!present(parameters, "response_type").orElse("").equals("code")) {
      throw new AuthorizeRefused(
          "unsupported_response_type",
          70005,
          "The only response_type served is 'code'.",
          Optional.of(redirectUri),
          formPost,
          state);
    }
    String challenge = present(parameters, "code_challenge").orElse("");
    if (!present(parameters, "code_challenge_method").orElse("").equals("S256")
        || !S256_CHALLENGE.matcher(challenge).matches()) {
      throw refusal(
          redirectUri,
          formPost,
          state,
          501491,
          "A PKCE code_challenge with code_challenge_method 'S256' is required.");
    }
    String scope = present(parameters, "scope").orElse("");
    if (scope.isBlank()) {
      throw refusal(
          redirectUri, formPost, state, 900144, "The request must contain the parameter 'scope'.");
    }
    return new AuthorizeRequest(
        tenant.id(),
        clientId,
        redirectUri,
        scope,
        challenge,
        formPost,
        state,
        present(parameters, "nonce"),
        present(parameters, "login_hint"),
        present(parameters, "prompt"));
  }

  /**
   * Signs a user in and issues a one-time code for the request's client and redirect URI.
   *
   * @return the answer for the client, or empty when the name or password is wrong (which of the
   *     two is not told, so names cannot be probed)
   */
  public Optional<SignedIn> signIn(
      AuthorizeRequest request, String userName, String password, String clientAddress) {
    String tenantId =
        TokenService.isAccountAlias(request.tenantId())
            ? store.principalByUserName(userName.trim()).map(PrincipalRecord::tenantId).orElse("")
            : request.tenantId();
    Optional<DirectoryPrincipal> user =
        directory
            .signIn(tenantId, userName.trim(), password, clientAddress)
            .filter(DirectoryPrincipal::isUser);
    if (user.isEmpty()) {
      return Optional.empty();
    }
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    codes.insertAuthorizationCode(
        new AuthorizationCodeRecord(
            UserGrants.codeHash(code),
            user.get().objectId(),
            request.clientId(),
            request.redirectUri(),
            request.codeChallenge(),
            request.scope(),
            request.nonce().orElse(""),
            clock.instant().plus(CODE_LIFETIME).getEpochSecond()));
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("code", code);
    request.state().ifPresent(s -> answer.put("state", s));
    return Optional.of(
        new SignedIn(
            new Principal(user.get().objectId(), user.get().tenantId(), request.clientId()),
            new AuthorizationResponse(request.redirectUri(), request.formPost(), answer)));
  }

  /** A user signed in, and the answer that hands the client its code. */
  public record SignedIn(Principal user, AuthorizationResponse answer) {}

  /** A fresh random value that binds a sign-in form to the browser it was sent to (a cookie). */
  public static String newBrowserBinding() {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /**
   * The anti-forgery token of a sign-in form: a hash over the browser binding and every request
   * parameter. Another site can neither read the binding cookie nor make the browser send it
   * (SameSite=Strict), and a changed parameter changes the hash.
   */
  public static String formToken(AuthorizeRequest request, String browserBinding) {
    StringBuilder material = new StringBuilder("coffer-sign-in-form\n");
    material.append(browserBinding.length()).append(':').append(browserBinding);
    material.append(request.tenantId().length()).append(':').append(request.tenantId());
    for (Map.Entry<String, String> parameter : request.parameters().entrySet()) {
      material.append(parameter.getKey()).append('=');
      material.append(parameter.getValue().length()).append(':').append(parameter.getValue());
    }
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Digests.sha256(material.toString()));
  }

  /** Whether a posted form token was issued for this request to this browser. */
  public static boolean formTokenMatches(
      AuthorizeRequest request, String browserBinding, String presented) {
    if (browserBinding.isEmpty() || presented.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(
        formToken(request, browserBinding).getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.US_ASCII));
  }

  private static AuthorizeRefused refusal(
      String redirectUri, boolean formPost, Optional<String> state, int aadsts, String message) {
    return new AuthorizeRefused(
        "invalid_request", aadsts, message, Optional.of(redirectUri), formPost, state);
  }

  private static Optional<String> present(Map<String, String> parameters, String name) {
    return Optional.ofNullable(parameters.get(name)).filter(v -> !v.isEmpty());
  }
}
