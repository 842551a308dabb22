package io.coffer.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.coffer.server.CofferException;
import io.coffer.server.CofferException.Reason;
import io.coffer.server.CofferException.TokenRefused;
import io.coffer.server.config.Endpoints;
import io.coffer.server.storage.ClientSecretRecord;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.OneTimeStore;
import io.coffer.server.storage.PrincipalRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The token endpoint's logic: client credentials, proven by a client secret, a certificate-signed
 * assertion or a federated workload token, answered with an RS256 access token for the vault
 * resource carrying the claims Entra puts in app-only tokens; and the user grants (authorization
 * code with PKCE, refresh token) of interactive sign-in.
 */
public final class TokenService {
  private static final java.util.Set<String> ACCOUNT_ALIASES =
      java.util.Set.of("common", "organizations");

  private final DirectoryStore directory;
  private final SigningKeys keys;
  private final Endpoints endpoints;
  private final Duration lifetime;
  private final Clock clock;
  private final ClientAssertions assertions;
  private final UserGrants users;

  public TokenService(
      DirectoryStore directory,
      OneTimeStore oneTime,
      SigningKeys keys,
      Endpoints endpoints,
      Duration lifetime,
      Clock clock) {
    this.directory = directory;
    this.keys = keys;
    this.endpoints = endpoints;
    this.lifetime = lifetime;
    this.clock = clock;
    this.assertions =
        new ClientAssertions(directory, oneTime, new FederatedKeys(), endpoints, clock);
    this.users = new UserGrants(directory, oneTime, keys, endpoints, lifetime, clock);
  }

  /** The tenant a path names, by id or name. */
  public Tenant tenant(String idOrName) {
    return directory
        .tenant(idOrName)
        .map(Tenant::of)
        .orElseThrow(() ->
            new TokenRefused(
                Reason.INVALID_REQUEST,
                90002,
                "Tenant '"
                    + CofferException.echo(idOrName)
                    + "' not found. Check to make sure you have the correct"
                    + " tenant ID and are signing into the correct cloud."));
  }

  /**
   * Whether a path's tenant is one of Entra's account-chosen aliases ({@code common}, {@code
   * organizations}), which name no tenant: the account that signs in does.
   */
  public static boolean isAccountAlias(String tenant) {
    return ACCOUNT_ALIASES.contains(tenant.toLowerCase(java.util.Locale.ROOT));
  }

  public IssuedToken issue(TokenRequest request) {
    String grant =
        request
            .grantType()
            .orElseThrow(() ->
                new TokenRefused(
                    Reason.INVALID_REQUEST, 900144, "The request body must contain 'grant_type'."));
    if (isAccountAlias(request.tenant()) && grant.equals("authorization_code")) {
      return users.redeemCodeOfAccount(request);
    }
    Tenant tenant =
        isAccountAlias(request.tenant()) ? accountTenant(grant, request) : tenant(request.tenant());
    return switch (grant) {
      case "client_credentials" -> clientCredentials(tenant, request);
      case "authorization_code" -> users.redeemCode(tenant, request);
      case "refresh_token" -> users.refresh(tenant, request);
      case "password" -> users.password(tenant, request);
      default ->
          throw new TokenRefused(
              Reason.UNSUPPORTED_GRANT_TYPE, 70003, "The app requested an unsupported grant type.");
    };
  }

  /**
   * The tenant of the account a request on {@code /common} or {@code /organizations} signs in: the
   * user's for a password, the token's for a refresh; an application must name its tenant.
   */
  private Tenant accountTenant(String grant, TokenRequest request) {
    Optional<String> tenantId =
        switch (grant) {
          case "password" ->
              request
                  .parameter("username")
                  .flatMap(name -> directory.principalByUserName(name.trim()))
                  .map(PrincipalRecord::tenantId);
          case "refresh_token" ->
              request.parameter("refresh_token").flatMap(UserGrants::claimedTenant);
          default ->
              throw new TokenRefused(
                  Reason.INVALID_REQUEST,
                  50059,
                  "No tenant-identifying information found in either the request or implied by any"
                      + " provided credentials; use the tenant's id or name in the path.");
        };
    // An unknown user still gets the answer of a wrong password, after the same work.
    return tenantId.flatMap(directory::tenant).map(Tenant::of).orElseGet(UserGrants::noTenant);
  }

  private IssuedToken clientCredentials(Tenant tenant, TokenRequest request) {
    DirectoryPrincipal principal = client(tenant, request);
    if (principal.isUser()) {
      throw new TokenRefused(
          Reason.UNAUTHORIZED_CLIENT,
          700016,
          "Application with identifier '"
              + principal.clientId()
              + "' was not found in the directory '"
              + tenant.name()
              + "'.");
    }
    String resource = resourceOf(request);
    authenticate(principal, tenant, request);
    if (!principal.enabled()) {
      throw new TokenRefused(
          Reason.UNAUTHORIZED_CLIENT,
          7000112,
          "Application '" + principal.clientId() + "' is disabled.");
    }
    return sign(principal, resource);
  }

  /** The registered client a request names by {@code client_id}, in the path's tenant. */
  DirectoryPrincipal client(Tenant tenant, TokenRequest request) {
    String clientId =
        request
            .clientId()
            .orElseThrow(() ->
                new TokenRefused(
                    Reason.INVALID_REQUEST,
                    900144,
                    "The request body must contain the following parameter: 'client_id'."));
    return directory
        .principalByClientId(clientId)
        .map(DirectoryPrincipal::of)
        .filter(p -> p.tenantId().equals(tenant.id()))
        .orElseThrow(() ->
            new TokenRefused(
                Reason.UNAUTHORIZED_CLIENT,
                700016,
                "Application with identifier '"
                    + CofferException.echo(clientId)
                    + "' was not found in the directory '"
                    + tenant.name()
                    + "'."));
  }

  /** A confidential client proves itself with a client secret or a signed client assertion. */
  private void authenticate(DirectoryPrincipal principal, Tenant tenant, TokenRequest request) {
    Optional<String> assertion = request.parameter("client_assertion");
    if (assertion.isPresent()) {
      String type = request.parameter("client_assertion_type").orElse("");
      if (!type.equals(ClientAssertions.JWT_BEARER)) {
        throw new TokenRefused(
            Reason.INVALID_REQUEST,
            50027,
            "The client_assertion_type must be " + ClientAssertions.JWT_BEARER + ".");
      }
      assertions.authenticate(principal, tenant, assertion.get());
      return;
    }
    String presented =
        request
            .parameter("client_secret")
            .orElseThrow(() ->
                new TokenRefused(
                    Reason.INVALID_CLIENT,
                    7000218,
                    "The request body must contain the following parameter:"
                        + " 'client_assertion' or 'client_secret'."));
    long now = clock.instant().getEpochSecond();
    boolean expiredMatch = false;
    boolean hashed = false;
    for (ClientSecretRecord secret : directory.clientSecrets(principal.objectId())) {
      // The hint is the secret's first characters: only a candidate costs a slow hash.
      if (presented.startsWith(secret.hint())) {
        hashed = true;
        if (SecretHasher.matches(presented, secret.hash())) {
          if (secret.expires() > now) {
            return;
          }
          expiredMatch = true;
        }
      }
    }
    if (!hashed) {
      // The same slow hash when no hint matches: the answer's time must not tell a presented
      // secret that starts like a stored one from one that does not.
      SecretHasher.matches(presented, SecretHasher.decoy());
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

  String resourceOf(TokenRequest request) {
    String scope = request.scope().orElse("").trim();
    for (String item : scope.split("\\s+")) {
      if (item.endsWith("/.default")) {
        String resource = item.substring(0, item.length() - "/.default".length());
        String normalised =
            resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource;
        List<String> served =
            new java.util.ArrayList<>(
                List.of(endpoints.resource(), endpoints.managementResource()));
        served.addAll(endpoints.resourceManagerAudiences());
        for (String known : served) {
          if (normalised.equalsIgnoreCase(known)) {
            return known;
          }
        }
        throw new TokenRefused(
            Reason.INVALID_SCOPE,
            500011,
            "The resource principal named "
                + CofferException.echo(resource)
                + " was not found in the tenant.");
      }
    }
    throw new TokenRefused(
        Reason.INVALID_SCOPE,
        1002012,
        "The provided value for scope is not valid. Client credential flows must have a scope value"
            + " with /.default suffixed to the resource identifier (application ID URI).");
  }

  /** An access token for an application or managed identity (app-only claims). */
  IssuedToken sign(DirectoryPrincipal principal, String resource) {
    Instant now = clock.instant();
    Instant expires = now.plus(lifetime);
    JWTClaimsSet.Builder builder =
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
            .claim("ver", "2.0");
    if (principal.kind().isManagedIdentity()) {
      builder.claim("xms_mirid", "/coffer/managedIdentities/" + principal.displayName());
    }
    return new IssuedToken(
        signed(builder.build()),
        lifetime.toSeconds(),
        expires,
        new Principal(principal.objectId(), principal.tenantId(), principal.clientId()));
  }

  /** Signs claims with the active key, as {@code typ: JWT}. */
  String signed(JWTClaimsSet claims) {
    return signed(keys, JOSEObjectType.JWT, claims);
  }

  /** Signs claims with the active key; {@code type} tells token kinds apart. */
  static String signed(SigningKeys keys, JOSEObjectType type, JWTClaimsSet claims) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256).type(type).keyID(keys.activeKid()).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(keys.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a token failed", e);
    }
    return jwt.serialize();
  }
}
