package io.coffer.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client needs to reach the dev vault, and what a person needs to sign in to the console;
 * the client secret and the password are never printed by toString.
 */
public record DevCredentials(
    String vaultUrl,
    String tenantId,
    String clientId,
    String clientSecret,
    String authorityHost,
    Path caFile,
    Path javaTrustStore,
    String consoleUrl,
    String consoleUser,
    String consolePassword) {

  /** The settings as environment variables, in the order they are printed. */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VAULT_URL", vaultUrl);
    env.put("AZURE_TENANT_ID", tenantId);
    env.put("AZURE_CLIENT_ID", clientId);
    env.put("AZURE_CLIENT_SECRET", clientSecret);
    env.put("AZURE_AUTHORITY_HOST", authorityHost);
    env.put("COFFER_CA_FILE", caFile.toString());
    env.put("REQUESTS_CA_BUNDLE", caFile.toString());
    env.put("SSL_CERT_FILE", caFile.toString());
    env.put("NODE_EXTRA_CA_CERTS", caFile.toString());
    env.put("COFFER_CONSOLE_URL", consoleUrl);
    env.put("COFFER_CONSOLE_USER", consoleUser);
    env.put("COFFER_CONSOLE_PASSWORD", consolePassword);
    env.put(
        "JAVA_TOOL_OPTIONS",
        "-Djavax.net.ssl.trustStore="
            + javaTrustStore
            + " -Djavax.net.ssl.trustStorePassword=changeit"
            + " -Djavax.net.ssl.trustStoreType=PKCS12");
    return env;
  }

  @Override
  public String toString() {
    return "DevCredentials[vault=" + vaultUrl + ", client=" + clientId + ", secret=(redacted)]";
  }
}
