package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.coffer.server.authz.AccessDecision;
import io.coffer.server.authz.Authorizer;
import io.coffer.server.authz.PermissionModel;
import io.coffer.server.config.Endpoints;
import io.coffer.server.identity.Principal;
import io.coffer.server.identity.TokenVerifier;
import io.coffer.server.throttle.Throttle;
import io.coffer.server.vault.Vault;
import io.coffer.server.vault.Vaults;
import io.coffer.wire.ApiVersion;
import io.coffer.wire.Challenge;
import io.coffer.wire.ObjectId;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs before every vault route, in the order of the request's life: host → vault, bearer token →
 * principal (401 with the challenge, before any body is read), request budget (429), api-version,
 * then the route's required action → one authorization decision.
 */
final class Guard {
  private final Endpoints endpoints;
  private final Vaults vaults;
  private final TokenVerifier verifier;
  private final Authorizer authorizer;
  private final Throttle throttle;

  Guard(
      Endpoints endpoints,
      Vaults vaults,
      TokenVerifier verifier,
      Authorizer authorizer,
      Throttle throttle) {
    this.throttle = throttle;
    this.endpoints = endpoints;
    this.vaults = vaults;
    this.verifier = verifier;
    this.authorizer = authorizer;
  }

  /**
   * Admits a vault request: on success the exchange holds the vault, principal and api-version; for
   * a 401 it holds the challenge of the vault its host names.
   */
  void check(Exchange exchange, Route.Requires requires) {
    String host = exchange.host();
    try {
      exchange.vault(
          admit(
              host,
              exchange.requestHeader("Authorization"),
              () -> exchange.query("api-version").orElse(null),
              requires,
              () -> exchange.pathParameter("name"),
              exchange::principal));
    } catch (CofferException.Unauthenticated e) {
      exchange.challenge(challengeAt(host));
      throw e;
    }
  }

  /**
   * The guard's checks, in order. The api-version and secret name are only read once the caller is
   * known, so a malformed request never answers before a 401.
   *
   * @throws CofferException for the first check that fails; the challenge for a 401 comes from
   *     {@link #challengeAt}
   */
  private VaultRequest admit(
      String host,
      Optional<String> authorization,
      Supplier<String> rawApiVersion,
      Route.Requires requires,
      Supplier<String> secretName,
      Consumer<Principal> verified) {
    Vault vault = vaultAt(host);
    Principal principal = verifier.verify(authorization, vault.tenantId());
    // Known from here on: a refusal below is audited under who was refused and through which app.
    verified.accept(principal);
    throttle.admit(principal.objectId(), vault.id());
    ApiVersion apiVersion = apiVersion(rawApiVersion.get());
    AccessDecision decision =
        authorizer.decide(
            principal,
            requires.action(),
            vault,
            requires.secretScoped() ? Optional.of(secretName.get()) : Optional.empty());
    if (!decision.allowed()) {
      throw new CofferException.Forbidden(
          decision.reason(),
          decision.model() == PermissionModel.RBAC
              ? CofferException.Reason.FORBIDDEN_BY_RBAC
              : CofferException.Reason.FORBIDDEN_BY_POLICY);
    }
    return new VaultRequest(
        vault, principal, apiVersion, new ObjectId("https://" + hostOnlyLower(host)));
  }

  /** The {@code WWW-Authenticate} challenge a 401 from the vault at this host carries. */
  private String challengeAt(String host) {
    return challenge(vaultAt(host));
  }

  private Vault vaultAt(String host) {
    return endpoints
        .vaultNameOf(host)
        .flatMap(vaults::find)
        .orElseThrow(
            () -> new CofferException.NotFound("No vault is served at " + hostOnly(host) + "."));
  }

  private String challenge(Vault vault) {
    return new Challenge(endpoints.authority(), vault.tenantId(), endpoints.resource()).header();
  }

  private static ApiVersion apiVersion(String raw) {
    if (raw == null || raw.isEmpty()) {
      throw new CofferException.BadRequest(
          "The api-version query parameter is required; for example api-version="
              + ApiVersion.NEWEST.value()
              + ".");
    }
    return ApiVersion.parse(raw)
        .orElseThrow(() ->
            new CofferException.BadRequest(
                "The specified version ("
                    + (raw.length() > 40 ? raw.substring(0, 40) + "…" : raw)
                    + ") is not recognized. Consider using the latest supported version ("
                    + ApiVersion.NEWEST.value()
                    + ")."));
  }

  private static String hostOnly(String host) {
    return host == null ? "(no host)" : host.replaceAll("[^A-Za-z0-9.:\\-\\[\\]]", "?");
  }

  private static String hostOnlyLower(String host) {
    return host.toLowerCase(java.util.Locale.ROOT);
  }
}
