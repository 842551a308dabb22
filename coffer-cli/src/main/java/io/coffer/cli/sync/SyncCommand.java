package io.coffer.cli.sync;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import io.coffer.client.VaultAccess;
import io.coffer.client.VaultSettings;
import io.coffer.client.files.ConfigDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coffer sync}: copies every secret, with all its versions, from one Key-Vault-compatible
 * vault to another (Coffer or Azure on either side), through the official SDK. Idempotent: a rerun
 * writes only what the target lacks.
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description =
        "Copy every secret with all its versions, tags, content type, dates and enabled flag from"
            + " one vault to another (Coffer or Azure on either side).")
public final class SyncCommand implements Callable<Integer> {
  private static final List<String> LOGIN =
      List.of("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST");

  @Option(names = "--from", required = true, description = "source vault URL")
  String from;

  @Option(names = "--to", required = true, description = "target vault URL")
  String to;

  @Option(
      names = "--from-env",
      description =
          "env file (e.g. a dev.env) with the source's AZURE_TENANT_ID, AZURE_CLIENT_ID,"
              + " AZURE_CLIENT_SECRET and AZURE_AUTHORITY_HOST (default: this environment)")
  Path fromEnv;

  @Option(names = "--to-env", description = "the same for the target (default: this environment)")
  Path toEnv;

  @Option(names = "--prefix", defaultValue = "", description = "only secrets whose name starts so")
  String prefix;

  @Option(names = "--dry-run", description = "say what would be written, write nothing")
  boolean dryRun;

  @Option(
      names = "--overwrite",
      description =
          "where the target has versions the source does not, write the source's after them"
              + " (default: leave such secrets alone and say so)")
  boolean overwrite;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    VaultSync sync = new VaultSync(client(from, fromEnv), client(to, toEnv), overwrite);
    List<String> names = sync.names(prefix);
    PrintWriter out = spec.commandLine().getOut();
    int written = 0;
    int updated = 0;
    int current = 0;
    int disabled = 0;
    int refused = 0;
    try (ProgressBar progress = progress(names.size())) {
      for (String name : names) {
        VaultSync.Outcome outcome = sync.sync(name, dryRun);
        progress.step();
        written += outcome.versionsWritten();
        updated += outcome.attributesUpdated();
        disabled += outcome.disabledSkipped();
        if (outcome.upToDate()) {
          current++;
        }
        if (outcome.refusal().isPresent()) {
          refused++;
          out.println("left alone: " + name + ": " + outcome.refusal().get());
        } else if (!outcome.upToDate() || outcome.disabledSkipped() > 0) {
          out.println(describe(outcome));
        }
      }
    }
    out.printf(
        "%s%d secrets: %d up to date, %d version(s) %s, %d version(s)' attributes %s, %d disabled"
            + " version(s) not copied, %d left alone%n",
        dryRun ? "dry run, nothing written. " : "",
        names.size(),
        current,
        written,
        dryRun ? "to write" : "written",
        updated,
        dryRun ? "to update" : "updated",
        disabled,
        refused);
    out.flush();
    return refused == 0 ? 0 : 2;
  }

  private String describe(VaultSync.Outcome outcome) {
    StringBuilder line = new StringBuilder(outcome.name()).append(':');
    if (outcome.versionsWritten() > 0) {
      line.append(' ')
          .append(dryRun ? "would write " : "wrote ")
          .append(outcome.versionsWritten())
          .append(" version(s)");
    }
    if (outcome.attributesUpdated() > 0) {
      line.append(' ')
          .append(dryRun ? "would update " : "updated ")
          .append(outcome.attributesUpdated())
          .append(" version(s)' attributes");
    }
    if (outcome.disabledSkipped() > 0) {
      line.append(' ')
          .append(outcome.disabledSkipped())
          .append(
              " disabled version(s) not copied (Key Vault serves no value of a disabled version)");
    }
    return line.toString();
  }

  /** A client for one side, with that side's login from its env file or this environment. */
  private static SecretClient client(String vaultUrl, Path envFile) {
    Map<String, String> env = envFile == null ? System.getenv() : readEnv(envFile);
    Map<String, String> settings = new HashMap<>();
    put(settings, "tenant.id", env.get("AZURE_TENANT_ID"));
    put(settings, "client.id", env.get("AZURE_CLIENT_ID"));
    put(settings, "client.secret", env.get("AZURE_CLIENT_SECRET"));
    put(settings, "authority.host", env.get("AZURE_AUTHORITY_HOST"));
    return new SecretClientBuilder()
        .vaultUrl(vaultUrl)
        .credential(VaultAccess.credential(VaultSettings.from(settings, "")))
        .buildClient();
  }

  private static void put(Map<String, String> settings, String key, String value) {
    if (value != null && !value.isBlank()) {
      settings.put(key, value);
    }
  }

  private static Map<String, String> readEnv(Path file) {
    try {
      Map<String, String> values = new HashMap<>(ConfigDocument.read(file).values());
      values.keySet().retainAll(LOGIN);
      return values;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static ProgressBar progress(int total) {
    return new ProgressBarBuilder()
        .setTaskName("sync")
        .setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII)
        .continuousUpdate()
        .build();
  }
}
