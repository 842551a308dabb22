package io.coffer.server.http;

import io.coffer.server.CofferException.Reason;
import io.coffer.server.CofferException.TokenRefused;
import io.coffer.server.config.Endpoints;
import io.coffer.server.identity.IssuedToken;
import io.coffer.server.identity.SigningKeys;
import io.coffer.server.identity.Tenant;
import io.coffer.server.identity.TokenRequest;
import io.coffer.server.identity.TokenService;
import io.coffer.server.identity.TokenVerifier;
import io.coffer.wire.InstanceDiscovery;
import io.coffer.wire.OpenIdConfiguration;
import io.coffer.wire.TokenResponse;
import io.coffer.wire.UserRealm;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The token service: token endpoint, OpenID discovery, the signing keys, and ARM discovery. */
final class IdentityRoutes {
  private final TokenService tokens;
  private final SigningKeys keys;
  private final Endpoints endpoints;
  private final TokenVerifier verifier;

  IdentityRoutes(
      TokenService tokens, SigningKeys keys, Endpoints endpoints, TokenVerifier verifier) {
    this.tokens = tokens;
    this.keys = keys;
    this.endpoints = endpoints;
    this.verifier = verifier;
  }

  List<Route> routes() {
    return List.of(
        Route.post("/{tenant}/oauth2/v2.0/token", "TokenIssue", this::token),
        Route.get(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            "OpenIdConfiguration",
            this::openIdConfiguration),
        Route.get(
            "/{tenant}/.well-known/openid-configuration",
            "OpenIdConfiguration",
            this::openIdConfiguration),
        Route.get("/{tenant}/discovery/v2.0/keys", "SigningKeys", this::keys),
        Route.get("/{tenant}/discovery/keys", "SigningKeys", this::keys),
        Route.get("/common/discovery/instance", "InstanceDiscovery", this::instanceDiscovery),
        Route.get("/common/userrealm/{user}", "UserRealm", this::userRealm),
        Route.get("/subscriptions", "SubscriptionList", this::subscriptions));
  }

  private void token(Exchange exchange) {
    Map<String, String> parameters =
        PostedForm.read(
            exchange,
            () ->
                new TokenRefused(
                    Reason.INVALID_REQUEST,
                    900144,
                    "The request body must be an application/x-www-form-urlencoded form."));
    basicCredentials(exchange.requestHeader("Authorization").orElse(null))
        .ifPresent(basic -> {
          parameters.putIfAbsent("client_id", basic[0]);
          parameters.putIfAbsent("client_secret", basic[1]);
        });
    TokenRequest request = new TokenRequest(exchange.pathParameter("tenant"), parameters);
    request.clientId().ifPresent(exchange::appId);
    IssuedToken token = tokens.issue(request);
    TokenResponse response =
        token
            .user()
            .map(user ->
                TokenResponse.user(
                    token.accessToken(),
                    token.expiresIn(),
                    user.scope(),
                    user.refreshToken(),
                    user.idToken(),
                    user.clientInfo()))
            .orElseGet(() -> TokenResponse.bearer(token.accessToken(), token.expiresIn()));
    // Tokens are never cached by intermediaries, as Entra answers them.
    exchange.header("Cache-Control", "no-store").header("Pragma", "no-cache");
    exchange.json(200, response);
  }

  private void openIdConfiguration(Exchange exchange) {
    String named = exchange.pathParameter("tenant");
    // For /common and /organizations Entra's issuer holds a placeholder the validator fills in
    // with the token's own tid.
    OpenIdConfiguration document =
        TokenService.isAccountAlias(named)
            ? OpenIdConfiguration.of(
                endpoints.authority(),
                named.toLowerCase(java.util.Locale.ROOT),
                endpoints.issuer("{tenantid}"),
                endpoints.cloudInstanceName())
            : tenantDocument(tokens.tenant(named));
    exchange.json(200, document);
  }

  private OpenIdConfiguration tenantDocument(Tenant tenant) {
    return OpenIdConfiguration.of(
        endpoints.authority(),
        tenant.id(),
        endpoints.issuer(tenant.id()),
        endpoints.cloudInstanceName());
  }

  /**
   * What MSAL asks before it trusts an authority: where the tenant's OpenID document is, and which
   * hosts are aliases of one cloud. The tenant is the one the authorize endpoint it names carries.
   */
  private void instanceDiscovery(Exchange exchange) {
    String tenant =
        tenantOfAuthorizeEndpoint(exchange.query("authorization_endpoint").orElse(null));
    List<String> hosts = endpoints.loginHosts();
    exchange.json(
        200,
        new InstanceDiscovery(
            endpoints.authority() + "/" + tenant + "/v2.0/.well-known/openid-configuration",
            "1.1",
            List.of(new InstanceDiscovery.Metadata(hosts.get(0), hosts.get(0), hosts))));
  }

  /**
   * The tenant segment of {@code https://<host>/<tenant>/oauth2/v2.0/authorize}; {@code common}
   * when it names none that is well-formed.
   */
  private static String tenantOfAuthorizeEndpoint(String endpoint) {
    if (endpoint != null) {
      String[] parts = endpoint.split("/");
      // https: "" host tenant ...
      if (parts.length > 3 && parts[3].matches("[A-Za-z0-9][A-Za-z0-9.-]{0,127}")) {
        return parts[3];
      }
    }
    return "common";
  }

  /**
   * Every account here is a cloud ("managed") account that signs in with its password at the token
   * endpoint; the answer is the same whether or not the name exists.
   */
  private void userRealm(Exchange exchange) {
    String user = exchange.pathParameter("user");
    int at = user.lastIndexOf('@');
    String domain = at >= 0 ? user.substring(at + 1) : "";
    exchange.json(
        200,
        UserRealm.managed(
            domain.length() > 253 ? domain.substring(0, 253) : domain,
            endpoints.cloudInstanceName()));
  }

  private void keys(Exchange exchange) {
    exchange.jsonDocument(200, keys.jwks());
  }

  /**
   * The one Azure Resource Manager call that `az login` makes before it will talk to a vault: the
   * caller's subscriptions. Coffer has none; `--allow-no-subscriptions` then gives a tenant-level
   * login.
   */
  private void subscriptions(Exchange exchange) {
    exchange.principal(verifier.resourceManager(exchange.requestHeader("Authorization")));
    exchange.json(200, Map.of("value", List.of()));
  }

  /** {@code client_secret_basic}: both parts are form-encoded before base64. */
  private static Optional<String[]> basicCredentials(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      return Optional.of(
          new String[] {
            URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
            URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
          });
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
