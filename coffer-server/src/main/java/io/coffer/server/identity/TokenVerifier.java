package io.coffer.server.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.coffer.server.CofferException;
import io.coffer.server.CofferException.Unauthenticated;
import io.coffer.server.config.Endpoints;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Verifies bearer tokens on every vault request: RS256 signature by a known key, {@code exp} and
 * {@code nbf} within a small skew, audience = the vault resource, issuer and tenant = the vault's
 * tenant, and a principal that exists and is enabled. A verified token is cached until it expires,
 * so the hot path checks a signature once per token, not once per request; the principal's state is
 * checked on every request.
 */
public final class TokenVerifier {
  static final Duration SKEW = Duration.ofMinutes(1);
  private static final String BEARER = "bearer ";

  private final SigningKeys keys;
  private final Directory directory;
  private final Endpoints endpoints;
  private final Clock clock;
  // By Authorization header ("Bearer " and the token).
  private final Cache<String, Verified> verified =
      Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(Duration.ofMinutes(30)).build();

  private record Verified(
      Principal principal, List<String> audience, long notBefore, long expires) {}

  public TokenVerifier(SigningKeys keys, Directory directory, Endpoints endpoints, Clock clock) {
    this.keys = keys;
    this.directory = directory;
    this.endpoints = endpoints;
    this.clock = clock;
  }

  /**
   * The principal an {@code Authorization} header proves, for a vault of {@code tenantId}.
   *
   * @throws Unauthenticated with the reason, for any header that does not prove one
   */
  public Principal verify(Optional<String> authorization, String tenantId) {
    Principal principal = authenticate(authorization, endpoints.resource());
    if (!principal.tenantId().equalsIgnoreCase(tenantId)) {
      throw new Unauthenticated(
          "AKV10032: Invalid issuer. Expected one of "
              + endpoints.issuer(tenantId)
              + ", found "
              + endpoints.issuer(principal.tenantId())
              + ".");
    }
    return principal;
  }

  /**
   * The principal an {@code Authorization} header proves, in whichever of our tenants issued it;
   * for endpoints that belong to no vault.
   *
   * @throws Unauthenticated for any header that does not prove one
   */
  public Principal authenticate(Optional<String> authorization) {
    return authenticate(authorization, endpoints.resource());
  }

  /**
   * The administrator an {@code Authorization} header proves: a token for the management resource
   * whose principal is an administrator.
   *
   * @throws Unauthenticated for a header that proves no one
   * @throws CofferException.Forbidden for a principal who is not an administrator
   */
  public Principal administrator(Optional<String> authorization) {
    Principal principal = authenticate(authorization, endpoints.managementResource());
    if (!directory.isAdministrator(principal.objectId())) {
      throw new CofferException.Forbidden(
          "The principal 'appid="
              + principal.clientId()
              + ";oid="
              + principal.objectId()
              + "' is not a Coffer administrator.",
          CofferException.Reason.NONE);
    }
    return principal;
  }

  /**
   * The principal of a Resource Manager call ({@code az login} lists subscriptions): a token for
   * the cloud's Resource Manager. Under private names the CLI's registered cloud names the vault
   * resource for it.
   *
   * @throws Unauthenticated for any header that does not prove one
   */
  public Principal resourceManager(Optional<String> authorization) {
    List<String> audiences = endpoints.resourceManagerAudiences();
    return authenticate(
        authorization, audiences.isEmpty() ? List.of(endpoints.resource()) : audiences);
  }

  private Principal authenticate(Optional<String> authorization, String resource) {
    return authenticate(authorization, List.of(resource));
  }

  private Principal authenticate(Optional<String> authorization, List<String> resources) {
    String header = authorization.orElse("").trim();
    if (header.isEmpty()) {
      throw new Unauthenticated("AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.");
    }
    if (header.length() <= BEARER.length()
        || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new Unauthenticated("AKV10001: The authorization header is not a Bearer token.");
    }
    // Cached by the header as sent: the token alone would be a copy of a kilobyte per request.
    Verified entry = verified.getIfPresent(header);
    if (entry == null) {
      entry = verifyToken(header.substring(BEARER.length()).trim());
      verified.put(header, entry);
    }
    long now = clock.instant().getEpochSecond();
    if (now > entry.expires() + SKEW.toSeconds()) {
      throw new Unauthenticated("AKV10021: The token is expired.");
    }
    if (now + SKEW.toSeconds() < entry.notBefore()) {
      throw new Unauthenticated("AKV10021: The token is not yet valid.");
    }
    // A principal disabled or deleted after the token was issued loses access at once.
    if (!directory
        .principal(entry.principal().objectId())
        .map(DirectoryPrincipal::enabled)
        .orElse(false)) {
      throw new Unauthenticated("AKV10010: The token's principal is disabled or deleted.");
    }
    if (entry.audience().stream()
        .noneMatch(a -> resources.stream().anyMatch(r -> a.equals(r) || a.equals(r + "/")))) {
      throw new Unauthenticated(
          "AKV10022: Invalid audience. Expected "
              + String.join(" or ", resources)
              + ", found: "
              + entry.audience()
              + ".");
    }
    return entry.principal();
  }

  private Verified verifyToken(String token) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new Unauthenticated("AKV10005: The token is malformed.");
    }
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new Unauthenticated("AKV10005: The token is not signed with RS256.");
    }
    // Refresh tokens are signed with the same key but typed apart: only access tokens pass.
    JOSEObjectType type = jwt.getHeader().getType();
    if (type != null && !JOSEObjectType.JWT.equals(type)) {
      throw new Unauthenticated("AKV10005: The token is not an access token.");
    }
    String kid = jwt.getHeader().getKeyID();
    RSASSAVerifier verifier =
        kid == null
            ? null
            : keys.verifier(kid)
                .orElseThrow(
                    () -> new Unauthenticated("AKV10005: The token's signing key is unknown."));
    if (verifier == null || !signatureValid(jwt, verifier)) {
      throw new Unauthenticated("AKV10005: The token's signature is invalid.");
    }
    return new Verified(
        principalOf(claims),
        Optional.ofNullable(claims.getAudience()).orElse(List.of()),
        seconds(claims.getNotBeforeTime(), 0),
        expiry(claims));
  }

  private Principal principalOf(JWTClaimsSet claims) {
    String tenantId = stringClaim(claims, "tid");
    String objectId = stringClaim(claims, "oid");
    String issuer = claims.getIssuer();
    if (!endpoints.issuer(tenantId).equals(issuer)) {
      throw new Unauthenticated(
          "AKV10032: Invalid issuer. Expected one of "
              + endpoints.issuer(tenantId)
              + ", found "
              + issuer
              + ".");
    }
    DirectoryPrincipal principal =
        directory
            .principal(objectId)
            .filter(p -> p.tenantId().equals(tenantId) && p.enabled())
            .orElseThrow(() -> new Unauthenticated("AKV10010: The token's principal is unknown."));
    // A user's token names the application that acted for them (appid), as Entra's do: the
    // audit trail and refusals then say which client it was (the console, the CLI, an SDK).
    Object appId = claims.getClaim("appid");
    String clientId =
        appId instanceof String app && !app.isEmpty() && principal.isUser()
            ? app
            : principal.clientId();
    return new Principal(principal.objectId(), principal.tenantId(), clientId);
  }

  private static long expiry(JWTClaimsSet claims) {
    if (claims.getExpirationTime() == null) {
      throw new Unauthenticated("AKV10021: The token has no expiry.");
    }
    return seconds(claims.getExpirationTime(), 0);
  }

  private static String stringClaim(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new Unauthenticated("AKV10005: The token has no '" + name + "' claim.");
    }
    return text;
  }

  private static long seconds(Date date, long fallback) {
    return date == null ? fallback : date.toInstant().getEpochSecond();
  }

  private static boolean signatureValid(SignedJWT jwt, RSASSAVerifier verifier) {
    try {
      return jwt.verify(verifier);
    } catch (JOSEException e) {
      return false;
    }
  }
}
