package io.coffer.cli;

import io.coffer.server.CofferServer;
import io.coffer.server.DevCredentials;
import io.coffer.server.DevMode;
import io.coffer.server.config.ConfigException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coffer dev}: a ready-to-use server with a dev tenant, vault and principal, printing what
 * to paste into a client.
 */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = "Run Coffer in development mode (SQLite, self-signed TLS, a dev principal).")
final class DevCommand implements Callable<Integer> {
  @Option(names = "--data-dir", description = "default ${DEFAULT-VALUE}")
  Path dataDir = Path.of(".coffer");

  @Option(
      names = "--tenant",
      description =
          "name of the dev tenant (default ${DEFAULT-VALUE}); 'adfs' lets tools that cannot"
              + " disable MSAL instance discovery (Airflow) reach Coffer")
  String tenant = DevMode.TENANT;

  @Mixin ServerOptions options = new ServerOptions();

  @Mixin StorageOptions storage = new StorageOptions();

  @Mixin ConfigOptions config = new ConfigOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ConfigSources sources = ConfigSources.of(spec, System.getenv());
    if (config.printConfig) {
      spec.commandLine().getOut().print(sources.report());
      spec.commandLine().getOut().flush();
      return 0;
    }
    if (!tenant.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,63}")) {
      throw new ConfigException(
          "tenant",
          "'" + tenant + "' is not a tenant name",
          "use letters, digits, dots and dashes");
    }
    sources.file();
    CofferServer server =
        CofferServer.start(options.settings(dataDir), storage.postgresql(sources), System.getenv());
    DevCredentials credentials;
    try {
      credentials = DevMode.bootstrap(server, tenant);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    long readyMs = Foreground.uptimeMillis();
    StringBuilder out = new StringBuilder();
    out.append("Coffer dev server ready in ")
        .append(readyMs)
        .append(" ms. Paste into a client:\n\n");
    credentials
        .environment()
        .forEach((k, v) -> out.append("  ").append(k).append('=').append(v).append('\n'));
    out.append("\nOr load them into a shell:  . ")
        .append(dataDir.toAbsolutePath().resolve("dev.env"))
        .append('\n');
    out.append("Web console: ")
        .append(credentials.consoleUrl())
        .append("  (sign in as ")
        .append(credentials.consoleUser())
        .append(", password ")
        .append(credentials.consolePassword())
        .append(")\n");
    out.append("Administer it (profile ")
        .append(dataDir.resolve("admin.json"))
        .append("):  ./coffer admin vault list\n");
    out.append(hostCheck(credentials.vaultUrl(), server.settings().cloud().isPresent()));
    server.settings().cloud().ifPresent(cloud -> out.append(ServerOptions.cloudNotice(server)));
    out.append("Ctrl-C stops the server; data stays in ")
        .append(dataDir.toAbsolutePath())
        .append('\n');
    System.out.print(out);
    System.out.flush();
    return Foreground.runUntilStopped(server);
  }

  /**
   * Names under localhost do not resolve everywhere, and a cloud's resolve to Azure until the
   * operator maps them; say exactly how to fix it if not.
   */
  private static String hostCheck(String vaultUrl, boolean cloud) {
    String host = URI.create(vaultUrl).getHost();
    try {
      InetAddress address = InetAddress.getByName(host);
      if (address.isLoopbackAddress()) {
        return "";
      }
      return "\nWARNING: "
          + host
          + " resolves to "
          + address.getHostAddress()
          + ", not this machine.\n";
    } catch (UnknownHostException e) {
      if (cloud) {
        return "\nWARNING: "
            + host
            + " does not resolve on this machine. Map every name Coffer answers for with:\n"
            + "  ./coffer hosts | sudo tee -a /etc/hosts\n";
      }
      return "\nWARNING: "
          + host
          + " does not resolve on this machine. Fix it with:\n"
          + "  echo '127.0.0.1 "
          + host
          + "' | sudo tee -a /etc/hosts\n";
    }
  }
}
