package io.coffer.client.jdbc;

import io.coffer.client.ConfigResolver;
import io.coffer.client.SecretCache;
import io.coffer.client.SecretReference;
import io.coffer.client.VaultAccess;
import io.coffer.client.VaultSettings;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * A JDBC driver in front of the real one whose {@code user} and {@code password} are vault
 * references: {@code jdbc:coffer:postgresql://db:5432/app} with {@code
 * password=https://etl.vault.azure.net::warehouse::password}. The credentials are read through a
 * cache shared by every connection with the same vault settings ({@code coffer.*} properties, see
 * {@link VaultSettings}); when the database refuses them as wrong — PostgreSQL 28P01/28000, MySQL
 * 1045, SQL Server 18456, Oracle 1017 — they are read again from the vault and the connection is
 * tried once more, so a pool survives a password rotation without a restart. The cache follows the
 * vault's change channel where there is one (Coffer), so after a rotation the next connection
 * already uses the new credential; {@code coffer.changes.follow=false} leaves only the TTL.
 */
public final class CofferDriver implements Driver {
  public static final String PREFIX = "jdbc:coffer:";
  private static final String SETTINGS_PREFIX = "coffer.";
  private static final Set<String> CREDENTIALS = Set.of("user", "password");
  private static final Map<Map<String, String>, SecretCache> CACHES = new ConcurrentHashMap<>();
  private static final java.util.concurrent.atomic.LongAdder RETRIES =
      new java.util.concurrent.atomic.LongAdder();

  static {
    try {
      DriverManager.registerDriver(new CofferDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    String target = "jdbc:" + url.substring(PREFIX.length());
    Driver real = DriverManager.getDriver(target);
    Map<String, String> settings = new HashMap<>();
    Properties passed = new Properties();
    Map<String, String> references = new LinkedHashMap<>();
    for (String name : info.stringPropertyNames()) {
      String value = info.getProperty(name);
      if (name.startsWith(SETTINGS_PREFIX)) {
        settings.put(name.substring(SETTINGS_PREFIX.length()), value);
      } else if (CREDENTIALS.contains(name) && SecretReference.looksLikeReference(value)) {
        references.put(name, value);
      } else {
        passed.setProperty(name, value);
      }
    }
    if (references.isEmpty()) {
      return real.connect(target, passed);
    }
    SecretCache cache = CACHES.computeIfAbsent(Map.copyOf(settings), CofferDriver::cache);
    ConfigResolver resolver = new ConfigResolver(cache);
    Properties first = withCredentials(passed, resolver.resolve(references));
    try {
      return real.connect(target, first);
    } catch (SQLException e) {
      if (!AuthenticationFailure.is(e)) {
        throw e;
      }
      // The password may have been rotated: forget it, read it again, try once more.
      RETRIES.increment();
      references.forEach(
          (name, reference) -> cache.invalidate(SecretReference.parse(name, reference)));
      return real.connect(target, withCredentials(passed, resolver.resolve(references)));
    }
  }

  /**
   * The cache of one set of vault settings; it follows the vault's change channel unless {@code
   * coffer.changes.follow=false}, so a rotated password is used by the next connection.
   */
  private static SecretCache cache(Map<String, String> settings) {
    VaultAccess access = VaultAccess.from(VaultSettings.from(settings, ""));
    SecretCache cache = SecretCache.withDefaults(access::fetch);
    return "false".equalsIgnoreCase(settings.get("changes.follow"))
        ? cache
        : cache.followChanges(access.changes());
  }

  /** Logins refused with a credential read before a rotation, then retried with a fresh one. */
  public static long staleCredentialRetries() {
    return RETRIES.sum();
  }

  private static Properties withCredentials(Properties base, Map<String, String> resolved) {
    Properties properties = new Properties();
    properties.putAll(base);
    resolved.forEach(properties::setProperty);
    return properties;
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[0];
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging parent logger");
  }
}
