package io.coffer.cli;

import io.coffer.server.audit.AuditChain;
import io.coffer.server.audit.AuditKeys;
import io.coffer.server.crypto.Keyring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coffer audit verify}: check the audit trail's hash chain, line by line. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Work with the audit trail.",
    subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

  @Command(
      name = "verify",
      description =
          "Check that no audit record was edited, removed or reordered, across the live file and"
              + " the files rotated out of it; exit 1 if one was.")
  static final class Verify implements Callable<Integer> {
    @Option(
        names = "--data-dir",
        defaultValue = ".coffer",
        description = "the server's data directory (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(
        names = "--file",
        description = "audit files to check instead, oldest first (e.g. shipped copies)")
    List<Path> files = List.of();

    @Option(
        names = "--after",
        description =
            "the last hash of the records before the first file, when those are kept elsewhere"
                + " (default: the first file starts the chain, or follows the files retention"
                + " deleted)")
    String after;

    @Option(
        names = "--allow-unkeyed",
        description =
            "accept records chained by a plain hash before the first MAC-chained one (a trail"
                + " begun before keyed chaining); anyone who can edit the files can rewrite those")
    boolean allowUnkeyed;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      List<Path> trail = files;
      String start = after == null ? AuditChain.GENESIS : after;
      if (trail.isEmpty()) {
        Path directory = dataDir.resolve("audit");
        if (!Files.isDirectory(directory)) {
          throw new CommandFailure("no audit trail in " + directory);
        }
        trail = AuditChain.files(directory);
        start = after == null ? AuditChain.start(directory) : after;
      }
      for (Path file : trail) {
        if (!Files.isReadable(file)) {
          throw new CommandFailure("cannot read the audit file " + file);
        }
      }
      Optional<Keyring> keyring = Keyring.loadExisting(dataDir, System.getenv());
      AuditKeys keys = keyring.<AuditKeys>map(k -> k::auditKey).orElse(AuditKeys.NONE);
      AuditChain.Verification result = AuditChain.verify(trail, start, keys, allowUnkeyed);
      var out = spec.commandLine().getOut();
      if (result.intact()) {
        out.printf(
            "%d records in %d file(s), chain intact%s; last hash %s%n",
            result.lines() - result.torn(),
            trail.size(),
            result.torn() > 0 ? " (" + result.torn() + " incomplete line(s) from a crash)" : "",
            result.last());
        if (result.macUnchecked() > 0) {
          out.printf(
              "%d record(s) are MAC-chained, but no keyring was found (in %s or %s): only their"
                  + " links were checked, which anyone who can edit the files can recompute%n",
              result.macUnchecked(), dataDir, Keyring.ENV);
        }
        if (result.plainHashed() > 0) {
          out.printf(
              "%d record(s) are chained by a plain hash (written before the chain was keyed);"
                  + " anyone who can edit the files can rewrite those%n",
              result.plainHashed());
        }
        out.flush();
        return 0;
      }
      out.printf(
          "%s: BROKEN at line %d: %s%n", result.brokenFile(), result.brokenAt(), result.problem());
      out.flush();
      return 1;
    }
  }
}
