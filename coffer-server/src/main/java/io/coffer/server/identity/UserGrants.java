package io.coffer.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.coffer.server.CofferException;
import io.coffer.server.CofferException.Reason;
import io.coffer.server.CofferException.TokenRefused;
import io.coffer.server.config.Endpoints;
import io.coffer.server.crypto.Digests;
import io.coffer.server.storage.AuthorizationCodeRecord;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.OneTimeStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The grants of a signed-in user: an authorization code redeemed with its PKCE verifier, a user
 * name and password (the resource-owner password grant of {@code UsernamePasswordCredential}), and
 * a refresh token. Each answers with the token set MSAL expects from Entra for a public client.
 *
 * <p>A refresh token is a JWT signed with the token-signing key, typed {@value #REFRESH_TYPE} and
 * addressed to the token endpoint, so the vault (which wants {@code typ: JWT} and the vault
 * audience) never takes it for an access token. It lives {@link #REFRESH_LIFETIME}, as Entra's do;
 * disabling or deleting the user ends it, because every refresh re-reads the user.
 *
 * <p>Every grant here is a public client's, so a refresh token is rotated on use: it is spent by
 * its first refresh, which answers with a new one of the same family. Presenting a spent one again
 * means two holders (one of them a thief): the whole family is revoked. A token also names the
 * user's password as it was when the family began (a fingerprint of its stored hash), so a changed
 * or reset password ends every refresh token issued before.
 */
final class UserGrants {
  static final String REFRESH_TYPE = "coffer-rt+jwt";
  static final Duration REFRESH_LIFETIME = Duration.ofDays(90);

  /** The refresh-token claims that tie it to its sign-in and to the password of that time. */
  private static final String FAMILY = "coffer_fam";

  private static final String PASSWORD_VERSION = "coffer_pwv";
  private static final String SPENT_REFRESH = "refresh-spent/";
  private static final String REVOKED_FAMILY = "refresh-family-revoked/";

  /** OpenID Connect scopes MSAL adds to every request; they name no resource. */
  private static final List<String> OIDC_SCOPES =
      List.of("openid", "profile", "offline_access", "email");

  private final DirectoryStore directory;
  private final OneTimeStore oneTime;
  private final PasswordSignIn passwords;
  private final SigningKeys keys;
  private final Endpoints endpoints;
  private final Duration lifetime;
  private final Clock clock;

  UserGrants(
      DirectoryStore directory,
      OneTimeStore oneTime,
      SigningKeys keys,
      Endpoints endpoints,
      Duration lifetime,
      Clock clock) {
    this.directory = directory;
    this.oneTime = oneTime;
    this.passwords = new PasswordSignIn(directory, oneTime, clock);
    this.keys = keys;
    this.endpoints = endpoints;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** Codes are stored as the hex SHA-256 of the code: a leaked table holds nothing redeemable. */
  static String codeHash(String code) {
    return Digests.sha256Hex(code);
  }

  IssuedToken redeemCode(Tenant tenant, TokenRequest request) {
    return redeemCode(Optional.of(tenant), request);
  }

  /**
   * A code redeemed on {@code /organizations} or {@code /common}: the tenant is that of the user
   * the code was issued to, as when the sign-in itself ran there.
   */
  IssuedToken redeemCodeOfAccount(TokenRequest request) {
    return redeemCode(Optional.empty(), request);
  }

  private IssuedToken redeemCode(Optional<Tenant> named, TokenRequest request) {
    String code = required(request, "code");
    String clientId = required(request, "client_id");
    // Taken (and deleted) before any check: a code is spent by its first use, right or wrong.
    AuthorizationCodeRecord grant =
        oneTime
            .takeAuthorizationCode(codeHash(code))
            .orElseThrow(() ->
                invalidGrant(
                    54005,
                    "OAuth2 Authorization code was already redeemed or is not valid; retry with a"
                        + " new valid code."));
    if (clock.instant().getEpochSecond() > grant.expires()) {
      throw invalidGrant(70008, "The provided authorization code has expired.");
    }
    if (!grant.clientId().equals(clientId)) {
      throw invalidGrant(70000, "The authorization code was issued to another client.");
    }
    if (!grant.redirectUri().equals(request.parameter("redirect_uri").orElse(""))) {
      throw invalidGrant(
          500112,
          "The reply address does not match the reply address provided when requesting the"
              + " authorization code.");
    }
    String verifier = request.parameter("code_verifier").orElse("");
    if (!s256Matches(verifier, grant.codeChallenge())) {
      throw invalidGrant(
          501481,
          "The code_verifier does not match the code_challenge supplied in the authorization"
              + " request.");
    }
    Tenant tenant =
        named.orElseGet(() ->
            directory
                .principal(grant.principalId())
                .flatMap(p -> directory.tenant(p.tenantId()))
                .map(Tenant::of)
                .orElseGet(UserGrants::noTenant));
    DirectoryPrincipal user = activeUser(tenant, grant.principalId());
    return issue(user, clientId, resourceOf(grant.scope()), Optional.of(grant.nonce()));
  }

  /**
   * The resource-owner password grant. Wrong names and wrong passwords get the same answer, and
   * count towards the same lockout as the sign-in page.
   */
  IssuedToken password(Tenant tenant, TokenRequest request) {
    String clientId = required(request, "client_id");
    String userName = required(request, "username");
    String password = required(request, "password");
    if (!PublicClients.known(directory, tenant, clientId)) {
      throw new TokenRefused(
          Reason.UNAUTHORIZED_CLIENT,
          700016,
          "Application with identifier '"
              + CofferException.echo(clientId)
              + "' was not found in the directory '"
              + tenant.name()
              + "'.");
    }
    String resource = resourceOf(request.scope().orElse(""));
    DirectoryPrincipal user =
        passwords
            .signIn(tenant.id(), userName.trim(), password, request.clientAddress())
            .filter(DirectoryPrincipal::isUser)
            .orElseThrow(() ->
                invalidGrant(
                    50126, "Error validating credentials due to invalid username or password."));
    return issue(user, clientId, resource, Optional.empty());
  }

  /** The tenant a refresh token says it belongs to; it is verified against that tenant after. */
  static Optional<String> claimedTenant(String refreshToken) {
    try {
      return Optional.ofNullable(
          SignedJWT.parse(refreshToken).getJWTClaimsSet().getStringClaim("tid"));
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  /**
   * A tenant no account belongs to, for a sign-in on {@code /organizations} by a name no tenant
   * holds: the password check then fails as for any wrong password.
   */
  static Tenant noTenant() {
    return new Tenant("", "", 0);
  }

  IssuedToken refresh(Tenant tenant, TokenRequest request) {
    String clientId = required(request, "client_id");
    JWTClaimsSet claims = verifiedRefreshToken(tenant, required(request, "refresh_token"));
    if (!clientId.equals(claims.getClaim("azp"))) {
      throw invalidGrant(70000, "The refresh token was issued to another client.");
    }
    DirectoryPrincipal user = activeUser(tenant, claims.getSubject());
    String family = spend(user, claims);
    // MSAL names the scope again on refresh; without one, the token's own scope is renewed.
    String scope =
        request
            .scope()
            .filter(s -> resourceScope(s).isPresent())
            .orElse(String.valueOf(claims.getClaim("scp")));
    return issue(user, clientId, resourceOf(scope), Optional.empty(), family);
  }

  /**
   * Spends a verified refresh token: refused if the password changed since its family began, if its
   * family was revoked, or if it was spent before (which revokes the family).
   *
   * @return the family the next refresh token belongs to
   */
  private String spend(DirectoryPrincipal user, JWTClaimsSet claims) {
    long now = clock.instant().getEpochSecond();
    Object family = claims.getClaim(FAMILY);
    Object jti = claims.getJWTID();
    if (!(family instanceof String f) || f.isEmpty() || jti == null) {
      throw invalidGrant(9002313, "The refresh token is malformed or invalid.");
    }
    if (!passwordVersion(user).equals(claims.getClaim(PASSWORD_VERSION))) {
      throw invalidGrant(
          50173,
          "The provided grant has expired due to it being revoked: the user's password was"
              + " changed or reset. Sign in again.");
    }
    long familyEnd = now + REFRESH_LIFETIME.toSeconds();
    if (oneTime.used(REVOKED_FAMILY + f, now)) {
      throw invalidGrant(50173, "The provided grant has been revoked. Sign in again.");
    }
    long expires = claims.getExpirationTime().toInstant().getEpochSecond();
    if (!oneTime.firstUseOfAssertion(
        SPENT_REFRESH + Digests.sha256Hex(jti.toString()), expires, now)) {
      // Every token of the family was issued before now and lives at most REFRESH_LIFETIME.
      oneTime.firstUseOfAssertion(REVOKED_FAMILY + f, familyEnd, now);
      throw invalidGrant(
          50173,
          "The refresh token was already used; every refresh token of this sign-in is revoked."
              + " Sign in again.");
    }
    return f;
  }

  /** A short fingerprint of the user's stored password hash, which every change of it changes. */
  private String passwordVersion(DirectoryPrincipal user) {
    return directory
        .passwordHash(user.objectId())
        .map(hash -> Digests.sha256Hex("coffer-refresh-password/" + hash).substring(0, 16))
        .orElse("");
  }

  private JWTClaimsSet verifiedRefreshToken(Tenant tenant, String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      Optional<RSASSAVerifier> verifier =
          Optional.ofNullable(jwt.getHeader().getKeyID()).flatMap(keys::verifier);
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      boolean valid =
          verifier.isPresent()
              && jwt.verify(verifier.get())
              && new JOSEObjectType(REFRESH_TYPE).equals(jwt.getHeader().getType())
              && claims.getAudience().contains(tokenEndpoint(tenant.id()))
              && endpoints.issuer(tenant.id()).equals(claims.getIssuer())
              && tenant.id().equals(claims.getClaim("tid"))
              && claims.getSubject() != null;
      if (!valid) {
        throw invalidGrant(9002313, "The refresh token is malformed or invalid.");
      }
      if (claims.getExpirationTime() == null
          || clock.instant().isAfter(claims.getExpirationTime().toInstant())) {
        throw invalidGrant(700082, "The refresh token has expired due to inactivity.");
      }
      return claims;
    } catch (ParseException | JOSEException e) {
      throw invalidGrant(9002313, "The refresh token is malformed or invalid.");
    }
  }

  private DirectoryPrincipal activeUser(Tenant tenant, String objectId) {
    DirectoryPrincipal user =
        directory
            .principal(objectId)
            .map(DirectoryPrincipal::of)
            .filter(p -> p.tenantId().equals(tenant.id()))
            .filter(DirectoryPrincipal::isUser)
            .orElseThrow(
                () -> invalidGrant(50034, "The user account does not exist in the directory."));
    if (!user.enabled()) {
      throw invalidGrant(50057, "The user account is disabled.");
    }
    return user;
  }

  /** The tokens of a new sign-in: its refresh token starts a family. */
  private IssuedToken issue(
      DirectoryPrincipal user, String clientId, String resource, Optional<String> nonce) {
    return issue(user, clientId, resource, nonce, UUID.randomUUID().toString());
  }

  private IssuedToken issue(
      DirectoryPrincipal user,
      String clientId,
      String resource,
      Optional<String> nonce,
      String family) {
    Instant now = clock.instant();
    Instant expires = now.plus(lifetime);
    String issuer = endpoints.issuer(user.tenantId());
    String userName = user.userName().orElse("");
    String scope = resource + "/user_impersonation";
    JWTClaimsSet access =
        times(new JWTClaimsSet.Builder(), now, expires)
            .issuer(issuer)
            .audience(resource)
            .subject(user.objectId())
            .jwtID(UUID.randomUUID().toString())
            .claim("oid", user.objectId())
            .claim("tid", user.tenantId())
            .claim("upn", userName)
            .claim("unique_name", userName)
            .claim("name", user.displayName())
            .claim("idtyp", "user")
            .claim("scp", "user_impersonation")
            .claim("appid", clientId)
            .claim("azp", clientId)
            .claim("appidacr", "0")
            .claim("ver", "2.0")
            .build();
    JWTClaimsSet.Builder id =
        times(new JWTClaimsSet.Builder(), now, expires)
            .issuer(issuer)
            .audience(clientId)
            .subject(user.objectId())
            .claim("oid", user.objectId())
            .claim("tid", user.tenantId())
            .claim("preferred_username", userName)
            .claim("name", user.displayName())
            .claim("ver", "2.0");
    nonce.filter(n -> !n.isEmpty()).ifPresent(n -> id.claim("nonce", n));
    JWTClaimsSet refresh =
        times(new JWTClaimsSet.Builder(), now, now.plus(REFRESH_LIFETIME))
            .issuer(issuer)
            .audience(tokenEndpoint(user.tenantId()))
            .subject(user.objectId())
            .jwtID(UUID.randomUUID().toString())
            .claim("tid", user.tenantId())
            .claim("azp", clientId)
            .claim("scp", scope)
            .claim(FAMILY, family)
            .claim(PASSWORD_VERSION, passwordVersion(user))
            .build();
    String clientInfo =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                JSONObjectUtils.toJSONString(
                        Map.of("uid", user.objectId(), "utid", user.tenantId()))
                    .getBytes(StandardCharsets.UTF_8));
    return new IssuedToken(
        TokenService.signed(keys, JOSEObjectType.JWT, access),
        lifetime.toSeconds(),
        expires,
        Optional.of(
            new UserTokens(
                scope,
                TokenService.signed(keys, JOSEObjectType.JWT, id.build()),
                clientInfo,
                TokenService.signed(keys, new JOSEObjectType(REFRESH_TYPE), refresh))),
        new Principal(user.objectId(), user.tenantId(), clientId));
  }

  /**
   * The resource a user's scope names (a vault's, or the management API's): {@code
   * <resource>/.default} or {@code <resource>/user_impersonation}, beside the OpenID Connect
   * scopes.
   */
  private String resourceOf(String scope) {
    Optional<String> named = resourceScope(scope);
    if (named.isEmpty()) {
      throw new TokenRefused(
          Reason.INVALID_SCOPE,
          70011,
          "The provided value for the input parameter 'scope' is not valid: it names no resource.");
    }
    String resource = named.get();
    // The vaults, or Coffer's management API (which still serves administrators only): the
    // console acts for a signed-in person on both.
    for (String served : List.of(endpoints.resource(), endpoints.managementResource())) {
      if (resource.equalsIgnoreCase(served)) {
        return served;
      }
    }
    throw new TokenRefused(
        Reason.INVALID_SCOPE,
        500011,
        "The resource principal named "
            + CofferException.echo(resource)
            + " was not found in the tenant.");
  }

  private static Optional<String> resourceScope(String scope) {
    for (String item : scope.trim().split("\\s+")) {
      if (item.isEmpty() || OIDC_SCOPES.contains(item.toLowerCase(Locale.ROOT))) {
        continue;
      }
      for (String suffix : new String[] {"/.default", "/user_impersonation"}) {
        if (item.endsWith(suffix)) {
          String resource = item.substring(0, item.length() - suffix.length());
          return Optional.of(
              resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource);
        }
      }
    }
    return Optional.empty();
  }

  private String tokenEndpoint(String tenantId) {
    return endpoints.authority() + "/" + tenantId + "/oauth2/v2.0/token";
  }

  /** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
  private static boolean s256Matches(String verifier, String challenge) {
    if (verifier.length() < 43 || verifier.length() > 128) {
      return false;
    }
    String computed =
        Base64.getUrlEncoder().withoutPadding().encodeToString(Digests.sha256(verifier));
    return MessageDigest.isEqual(
        computed.getBytes(StandardCharsets.US_ASCII),
        challenge.getBytes(StandardCharsets.US_ASCII));
  }

  private static JWTClaimsSet.Builder times(
      JWTClaimsSet.Builder builder, Instant now, Instant expires) {
    return builder
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(expires));
  }

  private static String required(TokenRequest request, String name) {
    return request
        .parameter(name)
        .orElseThrow(() ->
            new TokenRefused(
                Reason.INVALID_REQUEST,
                900144,
                "The request body must contain the following parameter: '" + name + "'."));
  }

  private static TokenRefused invalidGrant(int aadsts, String message) {
    return new TokenRefused(Reason.INVALID_GRANT, aadsts, message);
  }
}
