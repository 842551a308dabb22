package io.coffer.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.coffer.server.CofferException.Reason;
import io.coffer.server.CofferException.TokenRefused;
import io.coffer.server.config.Endpoints;
import io.coffer.server.crypto.Digests;
import io.coffer.server.storage.CertificateRecord;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.FederatedCredentialRecord;
import io.coffer.server.storage.OneTimeStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Client authentication by signed assertion ({@code private_key_jwt}): either the application signs
 * with a registered certificate's key ({@code iss} = {@code sub} = its client id), or an external
 * issuer that a federated credential trusts vouches for a workload ({@code iss} = that issuer).
 */
final class ClientAssertions {
  static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private final DirectoryStore directory;
  private final OneTimeStore usedAssertions;
  private final FederatedKeys federatedKeys;
  private final Endpoints endpoints;
  private final Clock clock;

  ClientAssertions(
      DirectoryStore directory,
      OneTimeStore usedAssertions,
      FederatedKeys federatedKeys,
      Endpoints endpoints,
      Clock clock) {
    this.directory = directory;
    this.usedAssertions = usedAssertions;
    this.federatedKeys = federatedKeys;
    this.endpoints = endpoints;
    this.clock = clock;
  }

  void authenticate(DirectoryPrincipal principal, Tenant tenant, String assertion) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(assertion);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refused(50027, "JWT token is invalid or malformed.");
    }
    if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
      throw refused(
          5002738, "The client assertion is signed with an unsupported algorithm; use RS256.");
    }
    checkTimes(claims);
    String issuer = Optional.ofNullable(claims.getIssuer()).orElse("");
    if (issuer.equalsIgnoreCase(principal.clientId())) {
      certificate(principal, tenant, jwt, claims);
    } else {
      federated(principal, jwt, claims);
    }
  }

  private void certificate(
      DirectoryPrincipal principal, Tenant tenant, SignedJWT jwt, JWTClaimsSet claims) {
    if (!principal.clientId().equalsIgnoreCase(claims.getSubject())) {
      throw refused(
          700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
    }
    List<String> audience = Optional.ofNullable(claims.getAudience()).orElse(List.of());
    if (audience.stream().noneMatch(a -> tokenEndpointOf(a, tenant))) {
      throw refused(50012, "Client assertion audience claim does not match the token endpoint.");
    }
    long now = clock.instant().getEpochSecond();
    Optional<CertificateRecord> registered =
        directory.certificates(principal.objectId()).stream()
            .filter(c -> matchesHeader(c, jwt))
            .findFirst();
    if (registered.isEmpty()) {
      throw refused(
          700027,
          "The certificate with identifier used to sign the client assertion is not registered on"
              + " application '"
              + principal.clientId()
              + "'.");
    }
    if (registered.get().expires() < now) {
      throw refused(
          700027,
          "The certificate "
              + registered.get().thumbprint()
              + " registered on application '"
              + principal.clientId()
              + "' has expired.");
    }
    X509Certificate certificate = X509Certificates.parse(registered.get().certificate());
    if (!verifies(jwt, certificate.getPublicKey())) {
      throw refused(700027, "Client assertion failed signature validation.");
    }
    String jti = Optional.ofNullable(claims.getJWTID()).orElse("");
    // Assertion ids are remembered in storage within their lifetime, so a captured assertion
    // cannot be replayed on any node sharing it, nor after a restart.
    long expires =
        claims.getExpirationTime().toInstant().getEpochSecond() + TokenVerifier.SKEW.toSeconds();
    if (!jti.isEmpty()
        && !usedAssertions.firstUseOfAssertion(assertionId(principal, jti), expires, now)) {
      throw refused(700027, "Client assertion has already been used.");
    }
  }

  private void federated(DirectoryPrincipal principal, SignedJWT jwt, JWTClaimsSet claims) {
    String issuer = Optional.ofNullable(claims.getIssuer()).orElse("");
    String subject = Optional.ofNullable(claims.getSubject()).orElse("");
    List<String> audience = Optional.ofNullable(claims.getAudience()).orElse(List.of());
    Optional<FederatedCredentialRecord> match =
        directory.federatedCredentials(principal.objectId()).stream()
            .filter(f ->
                f.issuer().equals(issuer)
                    && f.subject().equals(subject)
                    && audience.contains(f.audience()))
            .findFirst();
    if (match.isEmpty()) {
      throw refused(
          70021,
          "No matching federated identity record found for presented assertion. Assertion Issuer:"
              + " '"
              + issuer
              + "'. Assertion Subject: '"
              + subject
              + "'. Assertion Audience: '"
              + String.join(",", audience)
              + "'.");
    }
    FederatedCredentialRecord credential = match.get();
    JWKSet keys =
        credential
            .jwks()
            .map(FederatedKeys::parseJwks)
            .orElseGet(() -> federatedKeys.keys(issuer, false));
    String kid = jwt.getHeader().getKeyID();
    if (kid != null && keys.getKeyByKeyId(kid) == null && credential.jwks().isEmpty()) {
      keys = federatedKeys.keys(issuer, true);
    }
    for (JWK key : keys.getKeys()) {
      if (kid != null && key.getKeyID() != null && !kid.equals(key.getKeyID())) {
        continue;
      }
      Optional<PublicKey> publicKey = publicKeyOf(key);
      if (publicKey.isPresent() && verifies(jwt, publicKey.get())) {
        return;
      }
    }
    throw refused(
        700027, "Client assertion failed signature validation against the issuer's keys.");
  }

  /** A fixed-size key for a client-chosen id. */
  private static String assertionId(DirectoryPrincipal principal, String jti) {
    return Digests.sha256Hex(principal.objectId() + "/" + jti);
  }

  private void checkTimes(JWTClaimsSet claims) {
    long now = clock.instant().getEpochSecond();
    long skew = TokenVerifier.SKEW.toSeconds();
    if (claims.getExpirationTime() == null
        || claims.getExpirationTime().toInstant().getEpochSecond() + skew < now
        || (claims.getNotBeforeTime() != null
            && claims.getNotBeforeTime().toInstant().getEpochSecond() - skew > now)) {
      throw refused(700024, "Client assertion is not within its valid time range.");
    }
  }

  /** MSAL addresses the token endpoint by tenant id or by the name the app was configured with. */
  private boolean tokenEndpointOf(String audience, Tenant tenant) {
    String a = audience.endsWith("/") ? audience.substring(0, audience.length() - 1) : audience;
    for (String t : List.of(tenant.id(), tenant.name())) {
      String base = endpoints.authority() + "/" + t;
      if (a.equalsIgnoreCase(base + "/oauth2/v2.0/token")
          || a.equalsIgnoreCase(base + "/oauth2/token")
          || a.equalsIgnoreCase(base)
          || a.equalsIgnoreCase(endpoints.issuer(tenant.id()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesHeader(CertificateRecord certificate, SignedJWT jwt) {
    // x5t (SHA-1) is what MSAL sends; Nimbus deprecates its getter, so read the raw header.
    Base64URL sha1 =
        jwt.getHeader().toJSONObject().get("x5t") instanceof String t ? new Base64URL(t) : null;
    Base64URL sha256 = jwt.getHeader().getX509CertSHA256Thumbprint();
    byte[] der = certificate.certificate();
    return (sha1 != null && MessageDigest.isEqual(sha1.decode(), digest("SHA-1", der)))
        || (sha256 != null && MessageDigest.isEqual(sha256.decode(), digest("SHA-256", der)));
  }

  private static Optional<PublicKey> publicKeyOf(JWK key) {
    try {
      return switch (key) {
        case RSAKey rsa -> Optional.of(rsa.toPublicKey());
        case ECKey ec -> Optional.of(ec.toPublicKey());
        default -> Optional.empty();
      };
    } catch (JOSEException e) {
      return Optional.empty();
    }
  }

  private static boolean verifies(SignedJWT jwt, PublicKey key) {
    try {
      JWSVerifier verifier =
          switch (key) {
            case RSAPublicKey rsa -> new RSASSAVerifier(rsa);
            case ECPublicKey ec -> new ECDSAVerifier(ec);
            default -> null;
          };
      return verifier != null
          && verifier.supportedJWSAlgorithms().contains(jwt.getHeader().getAlgorithm())
          && jwt.verify(verifier);
    } catch (JOSEException e) {
      return false;
    }
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from the JDK", e);
    }
  }

  private static TokenRefused refused(int aadsts, String message) {
    return new TokenRefused(Reason.INVALID_CLIENT, aadsts, message);
  }
}
