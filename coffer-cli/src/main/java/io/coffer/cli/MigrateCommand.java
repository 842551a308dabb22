package io.coffer.cli;

import com.azure.core.exception.ResourceNotFoundException;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.coffer.client.VaultAccess;
import io.coffer.client.files.ConfigDocument;
import io.coffer.client.migrate.LineDiff;
import io.coffer.client.migrate.Migration;
import io.coffer.client.migrate.Migration.Move;
import io.coffer.client.migrate.Migration.Plan;
import io.coffer.server.config.OwnerOnlyFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coffer migrate}: moves plaintext credentials from configuration files into a vault and
 * rewrites the files to references. A dry run (the default) shows the secrets it would write and a
 * diff of each file's changed lines, credentials masked; {@code --apply} writes them — a value
 * already stored is not written again — keeps an owner-only backup of each file and rewrites it.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description =
        "Move plaintext credentials from Kafka connector JSON, .properties, .env (incl. Airflow"
            + " AIRFLOW_CONN_*/AIRFLOW_VAR_*) and YAML files into a vault; dry run unless --apply.")
final class MigrateCommand implements Callable<Integer> {
  private static final int PROGRESS_FROM = 10;

  @Parameters(paramLabel = "FILE", arity = "1..*")
  List<Path> files;

  @Option(names = "--vault-url", required = true, defaultValue = "${env:VAULT_URL}")
  String vaultUrl;

  @Option(
      names = "--prefix",
      required = true,
      description = "naming scheme: secrets are named <prefix>-<config key>")
  String prefix;

  @Option(names = "--tag", description = "tag every secret written: --tag owner=data")
  Map<String, String> tags = new LinkedHashMap<>();

  @Option(
      names = "--target",
      defaultValue = "reference",
      converter = TargetConverter.class,
      description =
          "who reads the rewritten files: reference (default) writes <vault-uri>::<secret>;"
              + " kafka-connect writes ${coffer:<vault-uri>::<secret>} for a Connect worker"
              + " with CofferConfigProvider")
  Migration.Target target;

  @Option(names = "--apply", description = "write the secrets and rewrite the files")
  boolean apply;

  @Mixin VaultLoginOptions login = new VaultLoginOptions();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Migration migration = new Migration(vaultUrl, prefix, tags, target);
    SecretClient client = apply ? client() : null;
    int written = 0;
    int unchanged = 0;
    for (Path file : files) {
      ConfigDocument document = ConfigDocument.read(file);
      Plan plan = migration.plan(file.getFileName().toString(), document);
      if (plan.moves().isEmpty()) {
        out.printf("%s: no plaintext credentials%n", file);
        continue;
      }
      if (!apply) {
        out.printf("%s: would write %d secret(s) to %s%n", file, plan.moves().size(), vaultUrl);
        plan.moves().forEach(m -> out.printf("  %s → %s%n", m.key(), m.secretName()));
        out.print(LineDiff.of(file.toString(), masked(document, plan), plan.rewritten().render()));
        continue;
      }
      try (ProgressBar progress = progress(file, plan.moves().size())) {
        for (Move move : plan.moves()) {
          if (storeIfChanged(client, move)) {
            written++;
          } else {
            unchanged++;
          }
          progress.step();
        }
      }
      Path backup = file.resolveSibling(file.getFileName() + ".bak-" + System.currentTimeMillis());
      // the backup is the plaintext the migration removes: only its owner may read it
      OwnerOnlyFile.write(backup, Files.readString(file, StandardCharsets.UTF_8));
      rewrite(file, plan.rewritten().render());
      out.printf(
          "%s: rewritten to references (backup %s holds the plaintext: delete it once the"
              + " references work)%n",
          file, backup.getFileName());
    }
    if (apply) {
      out.printf("%d secret(s) written, %d already up to date%n", written, unchanged);
    } else {
      out.println("Dry run: nothing written. Run again with --apply.");
    }
    out.flush();
    return 0;
  }

  /** Writes a secret unless the vault already holds this value: reruns create no versions. */
  private static boolean storeIfChanged(SecretClient client, Move move) {
    try {
      if (move.value().equals(client.getSecret(move.secretName()).getValue())) {
        return false;
      }
    } catch (ResourceNotFoundException e) {
      // new secret
    }
    client.setSecret(
        new KeyVaultSecret(move.secretName(), move.value())
            .setProperties(new SecretProperties().setTags(move.tags())));
    return true;
  }

  /**
   * Replaces the file whole; it keeps its permissions, since the tool that reads it may run as
   * another user (a temporary file is created owner-only).
   */
  private static void rewrite(Path file, String text) throws IOException {
    Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".migrate", ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The file as it is, with the values to move masked, for the diff's "before" side. */
  private static String masked(ConfigDocument document, Plan plan) {
    Map<String, String> masks = new LinkedHashMap<>();
    plan.moves().forEach(m -> masks.put(m.key(), "********"));
    return document.with(masks).render();
  }

  private ProgressBar progress(Path file, int total) {
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(file.getFileName().toString())
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .continuousUpdate();
    if (total < PROGRESS_FROM) {
      builder.setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(s -> {}));
    }
    return builder.build();
  }

  /** {@code reference} or {@code kafka-connect}, as the option is written. */
  static final class TargetConverter implements CommandLine.ITypeConverter<Migration.Target> {
    @Override
    public Migration.Target convert(String value) {
      return Migration.Target.named(value);
    }
  }

  private SecretClient client() {
    return new SecretClientBuilder()
        .vaultUrl(vaultUrl)
        .credential(VaultAccess.credential(login.settings()))
        .buildClient();
  }
}
