package io.coffer.cli;

import io.coffer.server.CofferServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coffer serve}: run a vault server on a data directory. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the vault server.")
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      required = true,
      description = "database, keys and TLS material (e.g. /var/lib/coffer)")
  Path dataDir;

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
    sources.file();
    CofferServer server =
        CofferServer.start(options.settings(dataDir), storage.postgresql(sources), System.getenv());
    System.out.println(
        "Coffer is serving on https://"
            + options.bind
            + ":"
            + options.port()
            + " (ready in "
            + Foreground.uptimeMillis()
            + " ms)");
    server
        .settings()
        .cloud()
        .ifPresent(cloud -> System.out.print(ServerOptions.cloudNotice(server)));
    server
        .bootstrapToken()
        .ifPresent(token ->
            System.out.println(
                "No administrator exists yet. Within 24 hours, create one with:\n  coffer admin"
                    + " bootstrap --authority "
                    + server.settings().endpoints().authority()
                    + " --ca-file "
                    + server.tls().caFile().toAbsolutePath()
                    + " --token "
                    + token
                    + "\nThe token works once; restarting before then prints a new one."));
    return Foreground.runUntilStopped(server);
  }
}
