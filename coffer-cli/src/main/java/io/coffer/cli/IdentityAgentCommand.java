package io.coffer.cli;

import io.coffer.cli.agent.AgentConfig;
import io.coffer.cli.agent.IdentityAgent;
import io.coffer.server.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coffer identity-agent}: serves managed-identity tokens on loopback for workloads on this
 * host, so {@code ManagedIdentityCredential} and {@code DefaultAzureCredential} reach Coffer with
 * no secret in the workload's configuration.
 */
@Command(
    name = "identity-agent",
    mixinStandardHelpOptions = true,
    description =
        "Serve App Service and IMDS style managed-identity tokens from Coffer on loopback.")
final class IdentityAgentCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      description = "JSON: authority, tenant, caFile, identities (mode 600)")
  Path config;

  @Option(names = "--port", description = "default ${DEFAULT-VALUE}: a free port")
  int port = 0;

  @Option(
      names = "--bind",
      description =
          "loopback address, or 169.254.169.254 to be the IMDS that SDKs find unconfigured"
              + " (default ${DEFAULT-VALUE})")
  String bind = "127.0.0.1";

  @Override
  public Integer call() {
    AgentConfig settings = AgentConfig.load(config);
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new ConfigException("--bind", "'" + bind + "' does not resolve", "use 127.0.0.1");
    }
    IdentityAgent agent = IdentityAgent.start(settings, address, port, Clock.systemUTC());
    Path envFile = envFileFor(config);
    try {
      agent.writeEnvironment(envFile);
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
    StringBuilder out =
        new StringBuilder("Coffer identity agent on port ")
            .append(agent.port())
            .append(" for ")
            .append(settings.identities().size())
            .append(" identities. Give a workload on this host:\n\n");
    agent
        .environment()
        .forEach((k, v) -> out.append("  ").append(k).append('=').append(v).append('\n'));
    out.append("\nOr load them into a shell:  . ").append(envFile.toAbsolutePath()).append('\n');
    out.append("Ctrl-C stops the agent\n");
    System.out.print(out);
    System.out.flush();
    return Foreground.runUntilStopped(agent::close);
  }

  /** {@code agent.json} → {@code agent.env} next to it. */
  static Path envFileFor(Path config) {
    Path absolute = config.toAbsolutePath();
    String name = absolute.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return absolute.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".env");
  }
}
