package io.coffer.server.identity;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.coffer.server.CofferException;
import io.coffer.server.crypto.Digests;
import io.coffer.server.storage.CertificateRecord;
import io.coffer.server.storage.ClientSecretRecord;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.FederatedCredentialRecord;
import io.coffer.server.storage.PrincipalRecord;
import io.coffer.server.storage.TenantRecord;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The directory: tenants, principals (applications, managed identities, users) and their
 * credentials. Every change takes effect on the next request: the principal state that token
 * verification consults is invalidated here.
 */
public final class Directory {
  /** Entra's default audience for workload identity federation. */
  public static final String FEDERATION_AUDIENCE = "api://AzureADTokenExchange";

  private static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,62}");
  private static final Pattern CREDENTIAL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,119}");
  private static final int MIN_PASSWORD = 12;
  static final int LOCKOUT_THRESHOLD = 10;
  static final Duration LOCKOUT = Duration.ofMinutes(15);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The tenant that holds administrator applications created by bootstrap. */
  public static final String ADMIN_TENANT = "coffer-admin";

  private final DirectoryStore store;
  private final Clock clock;
  private final LoadingCache<String, Optional<PrincipalRecord>> principals;

  private final boolean cached;

  public Directory(DirectoryStore store, Clock clock) {
    this(store, clock, true);
  }

  /**
   * @param cached false when other nodes share the store: then a principal disabled or removed on
   *     any node is refused on the next request everywhere
   */
  public Directory(DirectoryStore store, Clock clock, boolean cached) {
    this.store = store;
    this.clock = clock;
    this.cached = cached;
    this.principals = Caffeine.newBuilder().maximumSize(50_000).build(store::principal);
  }

  public Optional<TenantRecord> tenant(String idOrName) {
    return store.tenant(idOrName);
  }

  public TenantRecord requireTenant(String idOrName) {
    return tenant(idOrName)
        .orElseThrow(
            () -> new CofferException.NotFound("The tenant '" + idOrName + "' does not exist."));
  }

  public List<TenantRecord> tenants() {
    return store.tenants();
  }

  public TenantRecord createTenant(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    if (!TENANT_NAME.matcher(key).matches()) {
      throw new CofferException.BadRequest(
          "A tenant name is 2-63 letters, digits, dots and dashes, starting with a letter or"
              + " digit.");
    }
    if (store.tenant(key).isPresent()) {
      throw new CofferException.Conflict(
          "A tenant named '" + key + "' already exists.", CofferException.Reason.NONE);
    }
    TenantRecord tenant =
        new TenantRecord(UUID.randomUUID().toString(), key, clock.instant().getEpochSecond());
    store.insertTenant(tenant);
    return tenant;
  }

  public Optional<PrincipalRecord> principalByClientId(String clientId) {
    return store.principalByClientId(clientId);
  }

  public Optional<PrincipalRecord> principalByUserName(String userName) {
    return store.principalByUserName(userName);
  }

  /** The live state of a principal, as token verification needs it on every request. */
  public Optional<PrincipalRecord> principal(String objectId) {
    return cached ? principals.get(objectId) : store.principal(objectId);
  }

  /** A principal by object id, client id or user name. */
  public PrincipalRecord requirePrincipal(String reference) {
    return principal(reference)
        .or(() -> store.principalByClientId(reference))
        .or(() -> store.principalByUserName(reference))
        .orElseThrow(() ->
            new CofferException.NotFound("The principal '" + reference + "' does not exist."));
  }

  public List<PrincipalRecord> principals(String tenantId) {
    return store.principals(tenantId);
  }

  /** Registers an application's service principal; its client id and object id are new GUIDs. */
  public PrincipalRecord createServicePrincipal(String tenantId, String displayName) {
    return create(tenantId, displayName, PrincipalKind.SERVICE_PRINCIPAL, Optional.empty());
  }

  /**
   * Creates a managed identity: system-assigned (bound to one workload host) or user-assigned
   * (shared, addressed by client id). Its agent authenticates with a client secret kept on the
   * host, never in the workload's configuration.
   */
  public PrincipalRecord createManagedIdentity(
      String tenantId, String displayName, boolean systemAssigned) {
    return create(
        tenantId,
        displayName,
        systemAssigned
            ? PrincipalKind.SYSTEM_ASSIGNED_IDENTITY
            : PrincipalKind.USER_ASSIGNED_IDENTITY,
        Optional.empty());
  }

  /** Creates a user who signs in interactively; the password is stored as a slow salted hash. */
  public PrincipalRecord createUser(
      String tenantId, String userName, String displayName, String password) {
    if (!userName.matches("[^@\\s]{1,64}@[^@\\s]{1,190}")) {
      throw new CofferException.BadRequest("A user name has the form name@domain.");
    }
    if (store.principalByUserName(userName).isPresent()) {
      throw new CofferException.Conflict(
          "A user named '" + userName + "' already exists.", CofferException.Reason.NONE);
    }
    checkPassword(password);
    PrincipalRecord user = create(tenantId, displayName, PrincipalKind.USER, Optional.of(userName));
    store.setPasswordHash(user.objectId(), SecretHasher.hash(password));
    return user;
  }

  public void setPassword(PrincipalRecord user, String password) {
    if (!PrincipalKind.USER.stored().equals(user.kind())) {
      throw new CofferException.BadRequest("Only users have passwords.");
    }
    checkPassword(password);
    store.setPasswordHash(user.objectId(), SecretHasher.hash(password));
  }

  /**
   * The user a name and password prove, if they do and the user is enabled. After {@value
   * #LOCKOUT_THRESHOLD} failures a name is locked for {@link #LOCKOUT}, as Entra's smart lockout
   * does, whether or not the name exists, so guessing costs time and reveals nothing.
   */
  public Optional<PrincipalRecord> signIn(String tenantId, String userName, String password) {
    String attemptKey = tenantId + "/" + userName.toLowerCase(Locale.ROOT);
    // Counted in storage, so every node sharing it sees the same count; the lockout runs from the
    // latest failure.
    long now = clock.instant().getEpochSecond();
    long since = now - LOCKOUT.toSeconds();
    if (store.signInFailures(attemptKey, since) >= LOCKOUT_THRESHOLD) {
      return Optional.empty();
    }
    Optional<PrincipalRecord> proven = check(tenantId, userName, password);
    if (proven.isEmpty()) {
      store.recordSignInFailure(attemptKey, now, since);
    } else {
      store.clearSignInFailures(attemptKey);
    }
    return proven;
  }

  private Optional<PrincipalRecord> check(String tenantId, String userName, String password) {
    Optional<PrincipalRecord> user =
        store
            .principalByUserName(userName)
            .filter(p -> p.tenantId().equals(tenantId) && p.enabled());
    Optional<String> hash = user.flatMap(p -> store.passwordHash(p.objectId()));
    // Hash even for an unknown name, so timing does not tell which names exist.
    boolean matches = SecretHasher.matches(password, hash.orElse(SecretHasher.decoy()));
    return hash.isPresent() && matches ? user : Optional.empty();
  }

  public PrincipalRecord setEnabled(PrincipalRecord principal, boolean enabled) {
    store.setPrincipalEnabled(principal.objectId(), enabled);
    principals.invalidate(principal.objectId());
    return requirePrincipal(principal.objectId());
  }

  public void delete(PrincipalRecord principal) {
    store.deletePrincipal(principal.objectId());
    principals.invalidate(principal.objectId());
  }

  /**
   * Adds a client secret; the plaintext is returned once and only its hash is stored.
   *
   * @param lifetime how long it stays valid
   */
  public ClientCredential addClientSecret(PrincipalRecord principal, Duration lifetime) {
    return addClientSecret(principal, lifetime, "");
  }

  public ClientCredential addClientSecret(
      PrincipalRecord principal, Duration lifetime, String displayName) {
    String secret = SecretHasher.newClientSecret();
    long now = clock.instant().getEpochSecond();
    long expires =
        lifetime.getSeconds() >= Long.MAX_VALUE - now
            ? Long.MAX_VALUE
            : now + lifetime.getSeconds();
    String id = UUID.randomUUID().toString();
    store.insertClientSecret(
        new ClientSecretRecord(
            id,
            principal.objectId(),
            displayName,
            SecretHasher.hash(secret),
            secret.substring(0, 3),
            expires,
            now));
    return new ClientCredential(principal.tenantId(), principal.clientId(), secret, id, expires);
  }

  public List<ClientSecretRecord> clientSecrets(PrincipalRecord principal) {
    return store.clientSecrets(principal.objectId());
  }

  public void revokeClientSecret(PrincipalRecord principal, String secretId) {
    if (!store.deleteClientSecret(principal.objectId(), secretId)) {
      throw new CofferException.NotFound("The client secret '" + secretId + "' does not exist.");
    }
  }

  /** Adds a certificate credential from a PEM or DER X.509 certificate (public part only). */
  public CertificateRecord addCertificate(PrincipalRecord principal, byte[] pemOrDer) {
    X509Certificate certificate = parseCertificate(pemOrDer);
    try {
      CertificateRecord record =
          new CertificateRecord(
              UUID.randomUUID().toString(),
              principal.objectId(),
              thumbprint(certificate.getEncoded()),
              certificate.getEncoded(),
              certificate.getSubjectX500Principal().getName(),
              certificate.getNotAfter().toInstant().getEpochSecond(),
              clock.instant().getEpochSecond());
      if (certificates(principal).stream()
          .anyMatch(c -> c.thumbprint().equals(record.thumbprint()))) {
        throw new CofferException.Conflict(
            "The certificate " + record.thumbprint() + " is already registered.",
            CofferException.Reason.NONE);
      }
      store.insertCertificate(record);
      return record;
    } catch (CertificateException e) {
      throw new CofferException.BadRequest("The certificate cannot be encoded.");
    }
  }

  public List<CertificateRecord> certificates(PrincipalRecord principal) {
    return store.certificates(principal.objectId());
  }

  public void revokeCertificate(PrincipalRecord principal, String idOrThumbprint) {
    String id =
        certificates(principal).stream()
            .filter(c ->
                c.id().equals(idOrThumbprint) || c.thumbprint().equalsIgnoreCase(idOrThumbprint))
            .map(CertificateRecord::id)
            .findFirst()
            .orElse(idOrThumbprint);
    if (!store.deleteCertificate(principal.objectId(), id)) {
      throw new CofferException.NotFound(
          "The certificate credential '" + idOrThumbprint + "' does not exist.");
    }
  }

  /**
   * Trusts an external issuer's tokens for one subject. The issuer's keys are discovered from its
   * OpenID configuration unless {@code jwks} gives them.
   */
  public FederatedCredentialRecord addFederatedCredential(
      PrincipalRecord principal,
      String name,
      String issuer,
      String subject,
      Optional<String> audience,
      Optional<String> jwks) {
    if (!CREDENTIAL_NAME.matcher(name).matches()) {
      throw new CofferException.BadRequest(
          "A federated credential name is 1-120 letters, digits, dashes and underscores.");
    }
    URI issuerUri;
    try {
      issuerUri = URI.create(issuer);
    } catch (IllegalArgumentException e) {
      throw new CofferException.BadRequest("The issuer must be an https URL.");
    }
    if (!"https".equalsIgnoreCase(issuerUri.getScheme()) || issuerUri.getHost() == null) {
      throw new CofferException.BadRequest("The issuer must be an https URL.");
    }
    if (subject.isBlank()) {
      throw new CofferException.BadRequest("The subject must not be empty.");
    }
    jwks.ifPresent(FederatedKeys::parseJwks);
    if (store.federatedCredentials(principal.objectId()).stream()
        .anyMatch(f -> f.name().equals(name))) {
      throw new CofferException.Conflict(
          "A federated credential named '" + name + "' already exists.",
          CofferException.Reason.NONE);
    }
    FederatedCredentialRecord record =
        new FederatedCredentialRecord(
            UUID.randomUUID().toString(),
            principal.objectId(),
            name,
            issuer,
            subject,
            audience.filter(a -> !a.isBlank()).orElse(FEDERATION_AUDIENCE),
            jwks,
            clock.instant().getEpochSecond());
    store.insertFederatedCredential(record);
    return record;
  }

  public List<FederatedCredentialRecord> federatedCredentials(PrincipalRecord principal) {
    return store.federatedCredentials(principal.objectId());
  }

  public void removeFederatedCredential(PrincipalRecord principal, String idOrName) {
    if (!store.deleteFederatedCredential(principal.objectId(), idOrName)) {
      throw new CofferException.NotFound(
          "The federated credential '" + idOrName + "' does not exist.");
    }
  }

  public boolean isAdministrator(String objectId) {
    return store.isAdministrator(objectId);
  }

  /** Lets a principal use the management API. */
  public void makeAdministrator(PrincipalRecord principal) {
    store.insertAdministrator(principal.objectId(), clock.instant().getEpochSecond());
  }

  /**
   * While no administrator exists, a one-time token that creates the first one, valid for a day;
   * only its hash is stored. Empty once there is an administrator.
   */
  public Optional<String> bootstrapToken() {
    if (store.administratorCount() > 0) {
      return Optional.empty();
    }
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String token = "cbt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    long now = clock.instant().getEpochSecond();
    store.insertBootstrapToken(Digests.sha256Hex(token), now + Duration.ofDays(1).toSeconds(), now);
    return Optional.of(token);
  }

  /**
   * Redeems a bootstrap token: creates the administrator application (in tenant {@value
   * #ADMIN_TENANT}) and returns its credential, once.
   *
   * @throws CofferException.Forbidden for an unknown, used or expired token
   */
  public ClientCredential bootstrap(String token) {
    if (!store.takeBootstrapToken(Digests.sha256Hex(token), clock.instant().getEpochSecond())) {
      throw new CofferException.Forbidden(
          "The bootstrap token is unknown, used or expired. Restart Coffer while it has no"
              + " administrator to print a new one.",
          CofferException.Reason.NONE);
    }
    return createAdministrator();
  }

  /** Creates an administrator application with a one-year secret (dev mode does this directly). */
  public ClientCredential createAdministrator() {
    TenantRecord tenant = tenant(ADMIN_TENANT).orElseGet(() -> createTenant(ADMIN_TENANT));
    PrincipalRecord admin = createServicePrincipal(tenant.id(), "coffer-administrator");
    makeAdministrator(admin);
    return addClientSecret(admin, Duration.ofDays(365), "administrator");
  }

  static X509Certificate parseCertificate(byte[] pemOrDer) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pemOrDer));
    } catch (CertificateException | ClassCastException e) {
      throw new CofferException.BadRequest(
          "The certificate is not a PEM or DER X.509 certificate.");
    }
  }

  /** SHA-1 over the DER encoding, upper-case hex: the thumbprint Azure shows. */
  static String thumbprint(byte[] der) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from the JDK", e);
    }
  }

  private PrincipalRecord create(
      String tenantId, String displayName, PrincipalKind kind, Optional<String> userName) {
    if (displayName.isBlank() || displayName.length() > 256) {
      throw new CofferException.BadRequest("A display name is 1-256 characters.");
    }
    PrincipalRecord principal =
        new PrincipalRecord(
            UUID.randomUUID().toString(),
            tenantId,
            UUID.randomUUID().toString(),
            displayName,
            kind.stored(),
            true,
            clock.instant().getEpochSecond(),
            userName);
    store.insertPrincipal(principal);
    return principal;
  }

  private static void checkPassword(String password) {
    if (password.length() < MIN_PASSWORD) {
      throw new CofferException.BadRequest(
          "A password has at least " + MIN_PASSWORD + " characters.");
    }
  }
}
