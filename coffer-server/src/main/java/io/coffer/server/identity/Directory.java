package io.coffer.server.identity;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.coffer.server.CofferException;
import io.coffer.server.crypto.Digests;
import io.coffer.server.storage.CertificateRecord;
import io.coffer.server.storage.ClientSecretRecord;
import io.coffer.server.storage.DirectoryStore;
import io.coffer.server.storage.FederatedCredentialRecord;
import io.coffer.server.storage.OneTimeStore;
import io.coffer.server.storage.PrincipalRecord;
import io.coffer.server.storage.TenantRecord;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
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
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The tenant that holds administrator applications created by bootstrap. */
  public static final String ADMIN_TENANT = "coffer-admin";

  private final DirectoryStore store;
  private final OneTimeStore oneTime;
  private final PasswordSignIn passwords;
  private final Clock clock;
  private final LoadingCache<String, Optional<DirectoryPrincipal>> principals;

  private final boolean shared;

  public Directory(DirectoryStore store, OneTimeStore oneTime, Clock clock) {
    this(store, oneTime, clock, false);
  }

  /**
   * @param shared whether other nodes share the store: then nothing is cached, so a principal
   *     disabled or removed on any node is refused on the next request everywhere
   */
  public Directory(DirectoryStore store, OneTimeStore oneTime, Clock clock, boolean shared) {
    this.store = store;
    this.oneTime = oneTime;
    this.passwords = new PasswordSignIn(store, oneTime, clock);
    this.clock = clock;
    this.shared = shared;
    this.principals =
        Caffeine.newBuilder()
            .maximumSize(50_000)
            .build(objectId -> store.principal(objectId).map(DirectoryPrincipal::of));
  }

  public Optional<Tenant> tenant(String idOrName) {
    return store.tenant(idOrName).map(Tenant::of);
  }

  public Tenant requireTenant(String idOrName) {
    return tenant(idOrName)
        .orElseThrow(
            () -> new CofferException.NotFound("The tenant '" + idOrName + "' does not exist."));
  }

  public List<Tenant> tenants() {
    return store.tenants().stream().map(Tenant::of).toList();
  }

  public Tenant createTenant(String name) {
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
    return Tenant.of(tenant);
  }

  public Optional<DirectoryPrincipal> principalByClientId(String clientId) {
    return store.principalByClientId(clientId).map(DirectoryPrincipal::of);
  }

  public Optional<DirectoryPrincipal> principalByUserName(String userName) {
    return store.principalByUserName(userName).map(DirectoryPrincipal::of);
  }

  /** The live state of a principal, as token verification needs it on every request. */
  public Optional<DirectoryPrincipal> principal(String objectId) {
    return shared
        ? store.principal(objectId).map(DirectoryPrincipal::of)
        : principals.get(objectId);
  }

  /** A principal by object id, client id or user name. */
  public DirectoryPrincipal requirePrincipal(String reference) {
    return principal(reference)
        .or(() -> principalByClientId(reference))
        .or(() -> store.principalByUserName(reference).map(DirectoryPrincipal::of))
        .orElseThrow(() ->
            new CofferException.NotFound("The principal '" + reference + "' does not exist."));
  }

  public List<DirectoryPrincipal> principals(String tenantId) {
    return store.principals(tenantId).stream().map(DirectoryPrincipal::of).toList();
  }

  /** Registers an application's service principal; its client id and object id are new GUIDs. */
  public DirectoryPrincipal createServicePrincipal(String tenantId, String displayName) {
    return create(tenantId, displayName, PrincipalKind.SERVICE_PRINCIPAL, Optional.empty());
  }

  /**
   * Creates a managed identity: system-assigned (bound to one workload host) or user-assigned
   * (shared, addressed by client id). Its agent authenticates with a client secret kept on the
   * host, never in the workload's configuration.
   */
  public DirectoryPrincipal createManagedIdentity(
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
  public DirectoryPrincipal createUser(
      String tenantId, String userName, String displayName, String password) {
    if (!userName.matches("[^@\\s]{1,64}@[^@\\s]{1,190}")) {
      throw new CofferException.BadRequest("A user name has the form name@domain.");
    }
    if (store.principalByUserName(userName).isPresent()) {
      throw new CofferException.Conflict(
          "A user named '" + userName + "' already exists.", CofferException.Reason.NONE);
    }
    checkPassword(password);
    DirectoryPrincipal user =
        create(tenantId, displayName, PrincipalKind.USER, Optional.of(userName));
    store.setPasswordHash(user.objectId(), SecretHasher.hash(password));
    return user;
  }

  public void setPassword(DirectoryPrincipal user, String password) {
    if (!user.isUser()) {
      throw new CofferException.BadRequest("Only users have passwords.");
    }
    checkPassword(password);
    store.setPasswordHash(user.objectId(), SecretHasher.hash(password));
  }

  /**
   * The user a name and password prove, if they do and the user is enabled; repeated failures lock
   * the name for a while (see {@link PasswordSignIn}).
   */
  public Optional<DirectoryPrincipal> signIn(String tenantId, String userName, String password) {
    return signIn(tenantId, userName, password, "");
  }

  /** As {@link #signIn(String, String, String)}, from a client address (smart lockout). */
  public Optional<DirectoryPrincipal> signIn(
      String tenantId, String userName, String password, String clientAddress) {
    return passwords.signIn(tenantId, userName, password, clientAddress);
  }

  /** Clears a user's sign-in lockout, from every address. */
  public void unlock(DirectoryPrincipal user) {
    if (!user.isUser()) {
      throw new CofferException.BadRequest("Only users sign in with a password.");
    }
    passwords.unlock(user.tenantId(), user.userName().orElse(""));
  }

  public DirectoryPrincipal setEnabled(DirectoryPrincipal principal, boolean enabled) {
    store.setPrincipalEnabled(principal.objectId(), enabled);
    principals.invalidate(principal.objectId());
    return requirePrincipal(principal.objectId());
  }

  public void delete(DirectoryPrincipal principal) {
    store.deletePrincipal(principal.objectId());
    principals.invalidate(principal.objectId());
  }

  /**
   * Adds a client secret; the plaintext is returned once and only its hash is stored.
   *
   * @param lifetime how long it stays valid
   */
  public ClientCredential addClientSecret(DirectoryPrincipal principal, Duration lifetime) {
    return addClientSecret(principal, lifetime, "");
  }

  public ClientCredential addClientSecret(
      DirectoryPrincipal principal, Duration lifetime, String displayName) {
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

  public List<ClientSecretSummary> clientSecrets(DirectoryPrincipal principal) {
    return store.clientSecrets(principal.objectId()).stream().map(ClientSecretSummary::of).toList();
  }

  public void revokeClientSecret(DirectoryPrincipal principal, String secretId) {
    if (!store.deleteClientSecret(principal.objectId(), secretId)) {
      throw new CofferException.NotFound("The client secret '" + secretId + "' does not exist.");
    }
  }

  /** Adds a certificate credential from a PEM or DER X.509 certificate (public part only). */
  public CertificateSummary addCertificate(DirectoryPrincipal principal, byte[] pemOrDer) {
    X509Certificate certificate = X509Certificates.parse(pemOrDer);
    try {
      CertificateRecord record =
          new CertificateRecord(
              UUID.randomUUID().toString(),
              principal.objectId(),
              X509Certificates.thumbprint(certificate.getEncoded()),
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
      return CertificateSummary.of(record);
    } catch (CertificateException e) {
      throw new CofferException.BadRequest("The certificate cannot be encoded.");
    }
  }

  public List<CertificateSummary> certificates(DirectoryPrincipal principal) {
    return store.certificates(principal.objectId()).stream().map(CertificateSummary::of).toList();
  }

  public void revokeCertificate(DirectoryPrincipal principal, String idOrThumbprint) {
    String id =
        certificates(principal).stream()
            .filter(c ->
                c.id().equals(idOrThumbprint) || c.thumbprint().equalsIgnoreCase(idOrThumbprint))
            .map(CertificateSummary::id)
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
  public FederatedCredentialSummary addFederatedCredential(
      DirectoryPrincipal principal,
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
    return FederatedCredentialSummary.of(record);
  }

  public List<FederatedCredentialSummary> federatedCredentials(DirectoryPrincipal principal) {
    return store.federatedCredentials(principal.objectId()).stream()
        .map(FederatedCredentialSummary::of)
        .toList();
  }

  public void removeFederatedCredential(DirectoryPrincipal principal, String idOrName) {
    if (!store.deleteFederatedCredential(principal.objectId(), idOrName)) {
      throw new CofferException.NotFound(
          "The federated credential '" + idOrName + "' does not exist.");
    }
  }

  public boolean isAdministrator(String objectId) {
    return store.isAdministrator(objectId);
  }

  /** Lets a principal use the management API. */
  public void makeAdministrator(DirectoryPrincipal principal) {
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
    oneTime.insertBootstrapToken(
        Digests.sha256Hex(token), now + Duration.ofDays(1).toSeconds(), now);
    return Optional.of(token);
  }

  /**
   * Redeems a bootstrap token: creates the administrator application (in tenant {@value
   * #ADMIN_TENANT}) and returns its credential, once.
   *
   * @throws CofferException.Forbidden for an unknown, used or expired token
   */
  public ClientCredential bootstrap(String token) {
    if (!oneTime.takeBootstrapToken(Digests.sha256Hex(token), clock.instant().getEpochSecond())) {
      throw new CofferException.Forbidden(
          "The bootstrap token is unknown, used or expired. Restart Coffer while it has no"
              + " administrator to print a new one.",
          CofferException.Reason.NONE);
    }
    return createAdministrator();
  }

  /** Creates an administrator application with a one-year secret (dev mode does this directly). */
  public ClientCredential createAdministrator() {
    Tenant tenant = tenant(ADMIN_TENANT).orElseGet(() -> createTenant(ADMIN_TENANT));
    DirectoryPrincipal admin = createServicePrincipal(tenant.id(), "coffer-administrator");
    makeAdministrator(admin);
    return addClientSecret(admin, Duration.ofDays(365), "administrator");
  }

  private DirectoryPrincipal create(
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
    return DirectoryPrincipal.of(principal);
  }

  private static void checkPassword(String password) {
    if (password.length() < MIN_PASSWORD) {
      throw new CofferException.BadRequest(
          "A password has at least " + MIN_PASSWORD + " characters.");
    }
  }
}
