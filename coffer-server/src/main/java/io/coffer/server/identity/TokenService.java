package io.coffer.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.coffer.server.CofferException.Reason;
import io.coffer.server.CofferException.TokenRefused;
import io.coffer.server.config.Endpoints;
import io.coffer.server.storage.ClientSecretRecord;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.PrincipalRecord;
import io.coffer.server.storage.TenantRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The token endpoint's logic: client credentials with a client secret, answered with an RS256
 * access token for the vault resource, with the claims Entra puts in app-only tokens.
 */
public final class TokenService {
  private final DirectoryStore directory;
  private final SigningKeys keys;
  private final Endpoints endpoints;
  private final Duration lifetime;
  private final Clock clock;

  public TokenService(
      DirectoryStore directory,
      SigningKeys keys,
      Endpoints endpoints,
      Duration lifetime,
      Clock clock) {
    this.directory = directory;
    this.keys = keys;
    this.endpoints = endpoints;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** The tenant a path names, by id or name. */
  public TenantRecord tenant(String idOrName) {
    return directory
        .tenant(idOrName)
        .orElseThrow(() ->
            new TokenRefused(
                Reason.INVALID_REQUEST,
                90002,
                "Tenant '"
                    + idOrName
                    + "' not found. Check to make sure you have the correct"
                    + " tenant ID and are signing into the correct cloud."));
  }

  public IssuedToken issue(TokenRequest request) {
    TenantRecord tenant = tenant(request.tenant());
    String grant = request.grantType().orElse("");
    if (!grant.equals("client_credentials")) {
      if (grant.isEmpty()) {
        throw new TokenRefused(
            Reason.INVALID_REQUEST, 900144, "The request body must contain 'grant_type'.");
      }
      throw new TokenRefused(
          Reason.UNSUPPORTED_GRANT_TYPE, 70003, "The app requested an unsupported grant type.");
    }
    String clientId =
        request
            .clientId()
            .orElseThrow(() ->
                new TokenRefused(
                    Reason.INVALID_REQUEST,
                    900144,
                    "The request body must contain the following parameter: 'client_id'."));
    PrincipalRecord principal =
        directory
            .principalByClientId(clientId)
            .filter(p -> p.tenantId().equals(tenant.id()))
            .orElseThrow(() ->
                new TokenRefused(
                    Reason.UNAUTHORIZED_CLIENT,
                    700016,
                    "Application with identifier '"
                        + clientId
                        + "' was not found in the directory '"
                        + tenant.name()
                        + "'."));
    String resource = resourceOf(request);
    authenticate(principal, request);
    if (!principal.enabled()) {
      throw new TokenRefused(
          Reason.UNAUTHORIZED_CLIENT, 7000112, "Application '" + clientId + "' is disabled.");
    }
    return sign(principal, resource);
  }

  private void authenticate(PrincipalRecord principal, TokenRequest request) {
    String presented =
        request
            .clientSecret()
            .orElseThrow(() ->
                new TokenRefused(
                    Reason.INVALID_CLIENT,
                    7000218,
                    "The request body must contain the following parameter:"
                        + " 'client_assertion' or 'client_secret'."));
    long now = clock.instant().getEpochSecond();
    List<ClientSecretRecord> secrets = directory.clientSecrets(principal.objectId());
    boolean expiredMatch = false;
    for (ClientSecretRecord secret : secrets) {
      if (SecretHasher.matches(presented, secret.hash())) {
        if (secret.expires() > now) {
          return;
        }
        expiredMatch = true;
      }
    }
    if (expiredMatch) {
      throw new TokenRefused(
          Reason.INVALID_CLIENT,
          7000222,
          "The provided client secret keys for app '" + principal.clientId() + "' are expired.");
    }
    throw new TokenRefused(
        Reason.INVALID_CLIENT,
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client"
            + " secret value, not the client secret ID, for a secret added to app '"
            + principal.clientId()
            + "'.");
  }

  private String resourceOf(TokenRequest request) {
    String scope = request.scope().orElse("").trim();
    for (String item : scope.split("\\s+")) {
      if (item.endsWith("/.default")) {
        String resource = item.substring(0, item.length() - "/.default".length());
        String normalised =
            resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource;
        if (normalised.equalsIgnoreCase(endpoints.resource())) {
          return endpoints.resource();
        }
        throw new TokenRefused(
            Reason.INVALID_SCOPE,
            500011,
            "The resource principal named " + resource + " was not found in the tenant.");
      }
    }
    throw new TokenRefused(
        Reason.INVALID_SCOPE,
        1002012,
        "The provided value for scope is not valid. Client credential flows must have a scope value"
            + " with /.default suffixed to the resource identifier (application ID URI).");
  }

  private IssuedToken sign(PrincipalRecord principal, String resource) {
    Instant now = clock.instant();
    Instant expires = now.plus(lifetime);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(endpoints.issuer(principal.tenantId()))
            .audience(resource)
            .subject(principal.objectId())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .jwtID(UUID.randomUUID().toString())
            .claim("oid", principal.objectId())
            .claim("tid", principal.tenantId())
            .claim("appid", principal.clientId())
            .claim("azp", principal.clientId())
            .claim("appidacr", "1")
            .claim("idtyp", "app")
            .claim("ver", "2.0")
            .build();
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .type(JOSEObjectType.JWT)
            .keyID(keys.activeKid())
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(keys.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a token failed", e);
    }
    return new IssuedToken(jwt.serialize(), lifetime.toSeconds());
  }
}
