package io.coffer.cli.agent;

import com.sun.net.httpserver.HttpServer;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.OwnerOnlyFile;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local managed-identity agent: the App Service ({@code /msi/token}) and IMDS ({@code
 * /metadata/identity/oauth2/token}) token endpoints on loopback, answered with tokens from Coffer.
 * A workload then authenticates with {@code ManagedIdentityCredential} and holds no secret.
 */
public final class IdentityAgent implements AutoCloseable {
  static final String APP_SERVICE_PATH = "/msi/token";
  static final String IMDS_PATH = "/metadata/identity/oauth2/token";

  private final HttpServer server;
  private final ExecutorService executor;
  private final String identityHeader;

  private IdentityAgent(HttpServer server, ExecutorService executor, String identityHeader) {
    this.server = server;
    this.executor = executor;
    this.identityHeader = identityHeader;
  }

  /** Azure's instance metadata address, link-local: where SDKs look for IMDS when told nothing. */
  public static final String IMDS_ADDRESS = "169.254.169.254";

  /**
   * Starts on {@code bind:port} (0 = a free port). Plain HTTP, as on Azure hosts, so only a
   * loopback address or Azure's link-local IMDS address is accepted: the tokens must not leave the
   * machine.
   */
  public static IdentityAgent start(AgentConfig config, InetAddress bind, int port, Clock clock) {
    if (!bind.isLoopbackAddress() && !bind.getHostAddress().equals(IMDS_ADDRESS)) {
      throw new ConfigException(
          "--bind",
          bind.getHostAddress() + " is not a loopback address; tokens would cross the network",
          "use 127.0.0.1, or " + IMDS_ADDRESS + " on a host that routes it locally");
    }
    String identityHeader = randomHeader();
    CofferTokens tokens = new CofferTokens(config, clock);
    IdentitySelector identities = new IdentitySelector(config.identities(), tokens);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    } catch (BindException e) {
      throw new ConfigException("--port", "port " + port + " is already in use", "pick another");
    } catch (IOException e) {
      // Most often 169.254.169.254 is not on any interface yet.
      throw new ConfigException(
          "--bind",
          "cannot listen on " + bind.getHostAddress() + ":" + port + " (" + e.getMessage() + ")",
          bind.getHostAddress().equals(IMDS_ADDRESS)
              ? "add the address first: ip addr add " + IMDS_ADDRESS + "/32 dev lo"
              : "pick another address or port");
    }
    for (EndpointStyle style : EndpointStyle.values()) {
      server.createContext(
          style == EndpointStyle.APP_SERVICE ? APP_SERVICE_PATH : IMDS_PATH,
          new TokenEndpoint(style, identityHeader, identities, tokens, clock));
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.start();
    return new IdentityAgent(server, executor, identityHeader);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** What a workload needs, in the order printed: App Service style first, then IMDS style. */
  public Map<String, String> environment() {
    String base = "http://" + server.getAddress().getAddress().getHostAddress() + ":" + port();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("IDENTITY_ENDPOINT", base + APP_SERVICE_PATH);
    env.put("IDENTITY_HEADER", identityHeader);
    // MSAL4J 1.26 appends /metadata/identity/oauth2/token to this as is: no trailing slash.
    env.put("AZURE_POD_IDENTITY_AUTHORITY_HOST", base);
    return env;
  }

  /** Writes {@link #environment()} as a shell file only its owner can read. */
  public void writeEnvironment(Path file) {
    try {
      OwnerOnlyFile.writeShellEnvironment(file, "Coffer identity agent", environment());
    } catch (IOException e) {
      throw new ConfigException("cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "IdentityAgent[port=" + port() + ", header=(redacted)]";
  }

  private static String randomHeader() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
