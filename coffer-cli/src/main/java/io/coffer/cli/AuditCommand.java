package io.coffer.cli;

import io.coffer.server.audit.AuditChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
          "Check that no audit record was edited, removed or reordered; exit 1 if one was.")
  static final class Verify implements Callable<Integer> {
    @Option(
        names = "--data-dir",
        defaultValue = ".coffer",
        description = "the server's data directory (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--file", description = "an audit file to check instead (e.g. a shipped copy)")
    Path file;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Path trail = file != null ? file : dataDir.resolve("audit").resolve("audit.jsonl");
      if (!Files.isReadable(trail)) {
        throw new CommandFailure("no audit trail at " + trail);
      }
      AuditChain.Verification result = AuditChain.verify(trail);
      var out = spec.commandLine().getOut();
      if (result.intact()) {
        out.printf(
            "%s: %d records, chain intact%s%n",
            trail,
            result.lines() - result.torn(),
            result.torn() > 0 ? " (" + result.torn() + " incomplete line(s) from a crash)" : "");
        out.flush();
        return 0;
      }
      out.printf("%s: BROKEN at line %d: %s%n", trail, result.brokenAt(), result.problem());
      out.flush();
      return 1;
    }
  }
}
