package io.coffer.server;

import io.coffer.server.authz.Role;
import io.coffer.server.authz.Scope;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.OwnerOnlyFile;
import io.coffer.server.identity.ClientCredential;
import io.coffer.server.identity.DirectoryPrincipal;
import io.coffer.server.identity.Tenant;
import io.coffer.server.storage.FlatJson;
import io.coffer.server.vault.Vault;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Development mode: a dev tenant, vault {@code main}, a principal allowed everything on it and a
 * user who signs in to the web console, created at first start and reused after; the settings a
 * client needs, and the console's address, user and password, go to {@code dev.env}.
 */
public final class DevMode {
  public static final String TENANT = "coffer-dev";
  public static final String VAULT = "main";
  private static final String APP = "coffer-dev-app";

  /** The dev user who signs in to the web console. */
  public static final String CONSOLE_USER = "dev@coffer.localhost";

  private static final String ENV_FILE = "dev.env";
  private static final String ADMIN_PROFILE = "admin.json";

  private DevMode() {}

  public static DevCredentials bootstrap(CofferServer server) {
    return bootstrap(server, TENANT);
  }

  /**
   * Bootstraps with a chosen tenant name. {@code adfs} is the one name MSAL (Python) accepts on a
   * non-Microsoft authority without instance discovery, for tools that cannot turn it off.
   */
  public static DevCredentials bootstrap(CofferServer server, String tenantName) {
    Path dataDir = server.settings().dataDir().toAbsolutePath();
    Tenant tenant =
        server
            .directory()
            .tenant(tenantName)
            .orElseGet(() -> server.directory().createTenant(tenantName));
    Vault vault =
        server
            .vaults()
            .find(VAULT)
            .orElseGet(() -> server.vaults().create(VAULT, tenant.id(), 90, false));
    if (!vault.tenantId().equals(tenant.id())) {
      // Its tokens would never verify against this vault: say so instead of answering 401s later.
      throw new ConfigException(
          "tenant",
          "the dev vault in " + dataDir + " belongs to another tenant than '" + tenantName + "'",
          "use the tenant it was created with, or a new --data-dir");
    }
    Map<String, String> previous = readEnv(dataDir.resolve(ENV_FILE));
    ClientCredential credential =
        Optional.ofNullable(previous.get("AZURE_CLIENT_ID"))
            .flatMap(id -> server.directory().principalByClientId(id))
            .filter(p -> p.tenantId().equals(tenant.id()))
            .filter(p -> previous.containsKey("AZURE_CLIENT_SECRET"))
            .map(p ->
                new ClientCredential(
                    tenant.id(),
                    p.clientId(),
                    previous.get("AZURE_CLIENT_SECRET"),
                    "",
                    Long.MAX_VALUE))
            .orElseGet(() -> newPrincipal(server, tenant, vault));
    String consolePassword = consoleUser(server, tenant, vault, previous);
    DevCredentials credentials =
        new DevCredentials(
            server.settings().endpoints().vaultUrl(VAULT),
            tenant.id(),
            credential.clientId(),
            credential.clientSecret(),
            server.settings().endpoints().authority(),
            server.tls().caFile().toAbsolutePath(),
            server.tls().javaTrustStore(dataDir.resolve("tls").resolve("java-truststore.p12")),
            server.settings().endpoints().authority() + "/console/",
            CONSOLE_USER,
            consolePassword);
    writeEnv(dataDir.resolve(ENV_FILE), credentials);
    writeAdminProfile(server, dataDir.resolve(ADMIN_PROFILE));
    return credentials;
  }

  /**
   * The person who signs in to the console: a user of the dev tenant, Key Vault Administrator on
   * the dev vault and a Coffer administrator. Its password stays the one dev.env holds; a new one
   * is made when dev.env has none.
   *
   * @return the password
   */
  private static String consoleUser(
      CofferServer server, Tenant tenant, Vault vault, Map<String, String> previous) {
    Optional<DirectoryPrincipal> existing =
        server
            .directory()
            .principalByUserName(CONSOLE_USER)
            .filter(p -> p.tenantId().equals(tenant.id()));
    Optional<String> kept = Optional.ofNullable(previous.get("COFFER_CONSOLE_PASSWORD"));
    if (existing.isPresent() && kept.isPresent()) {
      return kept.get();
    }
    String password = newPassword();
    if (existing.isPresent()) {
      server.directory().setPassword(existing.get(), password);
      return password;
    }
    DirectoryPrincipal user =
        server.directory().createUser(tenant.id(), CONSOLE_USER, "Dev User", password);
    server
        .authorizer()
        .assign(user.objectId(), Role.KEY_VAULT_ADMINISTRATOR, Scope.vault(vault.id()));
    server.directory().makeAdministrator(user);
    return password;
  }

  private static String newPassword() {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  private static ClientCredential newPrincipal(CofferServer server, Tenant tenant, Vault vault) {
    DirectoryPrincipal principal = server.directory().createServicePrincipal(tenant.id(), APP);
    server
        .authorizer()
        .assign(principal.objectId(), Role.KEY_VAULT_ADMINISTRATOR, Scope.vault(vault.id()));
    return server.directory().addClientSecret(principal, Duration.ofDays(3650));
  }

  /**
   * In dev mode whoever holds the data directory is the administrator: the first start creates an
   * administrator application and writes its credential where {@code coffer admin} looks for it.
   * Later starts keep the credential and bring the address and scope up to date, which change when
   * the server moves to or from a cloud's names.
   */
  private static void writeAdminProfile(CofferServer server, Path file) {
    Map<String, String> profile = new LinkedHashMap<>();
    if (Files.exists(file)) {
      try {
        profile.putAll(FlatJson.read(Files.readString(file)));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
      }
    } else {
      ClientCredential admin = server.directory().createAdministrator();
      profile.put("authority", "");
      profile.put("tenantId", admin.tenantId());
      profile.put("clientId", admin.clientId());
      profile.put("clientSecret", admin.clientSecret());
    }
    Map<String, String> before = new LinkedHashMap<>(profile);
    profile.put("authority", adminAddress(server));
    profile.put("scope", server.settings().endpoints().managementResource() + "/.default");
    profile.put("caFile", server.tls().caFile().toAbsolutePath().toString());
    if (profile.equals(before)) {
      return;
    }
    writePrivate(file, FlatJson.write(profile, true));
  }

  /**
   * Where {@code coffer admin} reaches this server: the public authority, except under a cloud's
   * names, which resolve to Coffer only where the operator has mapped them; localhost always does.
   */
  private static String adminAddress(CofferServer server) {
    if (server.settings().cloud().isEmpty()) {
      return server.settings().endpoints().authority();
    }
    int port = server.settings().port();
    return "https://localhost" + (port == 443 ? "" : ":" + port);
  }

  private static Map<String, String> readEnv(Path file) {
    Map<String, String> values = new HashMap<>();
    if (!Files.isReadable(file)) {
      return values;
    }
    try (InputStream in = Files.newInputStream(file)) {
      for (String line :
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        String trimmed = line.strip();
        if (trimmed.startsWith("export ")) {
          trimmed = trimmed.substring(7);
        }
        int eq = trimmed.indexOf('=');
        if (eq > 0 && !trimmed.startsWith("#")) {
          values.put(trimmed.substring(0, eq), unquote(trimmed.substring(eq + 1)));
        }
      }
    } catch (IOException e) {
      return values;
    }
    return values;
  }

  private static void writeEnv(Path file, DevCredentials credentials) {
    try {
      OwnerOnlyFile.writeShellEnvironment(file, "Coffer dev mode", credentials.environment());
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file, e);
    }
  }

  private static void writePrivate(Path file, String text) {
    try {
      OwnerOnlyFile.write(file, text);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file, e);
    }
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
