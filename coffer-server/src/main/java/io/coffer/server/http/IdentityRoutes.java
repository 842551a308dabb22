package io.coffer.server.http;

import io.coffer.server.CofferException.Reason;
import io.coffer.server.CofferException.TokenRefused;
import io.coffer.server.config.Endpoints;
import io.coffer.server.identity.IssuedToken;
import io.coffer.server.identity.SigningKeys;
import io.coffer.server.identity.TokenRequest;
import io.coffer.server.identity.TokenService;
import io.coffer.server.identity.TokenVerifier;
import io.coffer.server.storage.TenantRecord;
import io.coffer.wire.OpenIdConfiguration;
import io.coffer.wire.TokenResponse;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
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

  void register(RoutesConfig routes) {
    routes.post("/{tenant}/oauth2/v2.0/token", this::token);
    routes.get("/{tenant}/v2.0/.well-known/openid-configuration", this::openIdConfiguration);
    routes.get("/{tenant}/.well-known/openid-configuration", this::openIdConfiguration);
    routes.get("/{tenant}/discovery/v2.0/keys", this::keys);
    routes.get("/{tenant}/discovery/keys", this::keys);
    routes.get("/common/discovery/keys", this::keys);
    routes.get("/subscriptions", this::subscriptions);
  }

  private void token(Context ctx) {
    Map<String, String> parameters =
        PostedForm.read(
            ctx,
            () ->
                new TokenRefused(
                    Reason.INVALID_REQUEST,
                    900144,
                    "The request body must be an application/x-www-form-urlencoded form."));
    basicCredentials(ctx.header("Authorization"))
        .ifPresent(basic -> {
          parameters.putIfAbsent("client_id", basic[0]);
          parameters.putIfAbsent("client_secret", basic[1]);
        });
    TokenRequest request = new TokenRequest(ctx.pathParam("tenant"), parameters);
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
    ctx.header("Cache-Control", "no-store").header("Pragma", "no-cache");
    Failures.write(ctx, 200, response);
  }

  private void openIdConfiguration(Context ctx) {
    TenantRecord tenant = tokens.tenant(ctx.pathParam("tenant"));
    Failures.write(
        ctx,
        200,
        OpenIdConfiguration.of(endpoints.authority(), tenant.id(), endpoints.issuer(tenant.id())));
  }

  private void keys(Context ctx) {
    ctx.status(200).result(keys.jwks());
    Headers.json(ctx);
  }

  /**
   * The one Azure Resource Manager call that `az login` makes before it will talk to a vault: the
   * caller's subscriptions. Coffer has none; `--allow-no-subscriptions` then gives a tenant-level
   * login.
   */
  private void subscriptions(Context ctx) {
    verifier.authenticate(Optional.ofNullable(ctx.header("Authorization")));
    Failures.write(ctx, 200, Map.of("value", List.of()));
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
