package io.coffer.cli;

import io.coffer.server.audit.AuditChain;
import io.coffer.server.audit.AuditCheckpoints;
import io.coffer.server.audit.AuditKeys;
import io.coffer.server.crypto.Keyring;
import io.coffer.server.crypto.MasterKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coffer audit verify}: check the audit trail's chain and signed checkpoints, line by line;
 * {@code coffer audit public-key}: print the keys checkpoints verify with.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Work with the audit trail.",
    subcommands = {AuditCommand.Verify.class, AuditCommand.PublicKey.class})
final class AuditCommand {

  @Command(
      name = "public-key",
      description =
          "Print the public keys the audit trail's checkpoints are signed with (one per master"
              + " key), for 'audit verify --public-key' where the keyring is not.")
  static final class PublicKey implements Callable<Integer> {
    @Option(
        names = "--data-dir",
        defaultValue = ".coffer",
        description = "the server's data directory (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Keyring keyring =
          Keyring.loadExisting(dataDir, System.getenv())
              .orElseThrow(() ->
                  new CommandFailure(
                      "no keyring in " + dataDir + " or " + Keyring.ENV + " to derive it from"));
      var out = spec.commandLine().getOut();
      out.print(checkpointKeys(keyring).export());
      out.flush();
      return 0;
    }
  }

  /** The checkpoint keys of every master key in the keyring. */
  static AuditCheckpoints.PublicKeys checkpointKeys(Keyring keyring) {
    Map<String, byte[]> auditKeys = new LinkedHashMap<>();
    for (MasterKey key : keyring.all()) {
      auditKeys.put(key.id(), keyring.auditKey(key.id()).orElseThrow());
    }
    return AuditCheckpoints.PublicKeys.of(auditKeys);
  }

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

    @Option(
        names = "--public-key",
        description =
            "check the signed checkpoints with these keys (as 'coffer audit public-key' prints"
                + " them) instead of the keyring's: a rewrite is then found without the MAC key")
    Path publicKey;

    @Option(
        names = "--checkpoint",
        description =
            "files holding checkpoint records shipped off the host (other lines are ignored):"
                + " each must still be in the trail, or the trail was cut off or rewritten")
    List<Path> anchors = List.of();

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
      AuditCheckpoints.PublicKeys publicKeys =
          publicKey != null
              ? publicKeys(publicKey)
              : keyring.map(AuditCommand::checkpointKeys).orElse(AuditCheckpoints.PublicKeys.NONE);
      List<AuditCheckpoints.Checkpoint> shipped = shippedCheckpoints(publicKeys);
      var out = spec.commandLine().getOut();
      if (files.isEmpty() && after == null && !publicKeys.isEmpty()) {
        String pruned = AuditChain.prunedProblem(dataDir.resolve("audit"), publicKeys);
        if (!pruned.isEmpty()) {
          out.printf("BROKEN: %s%n", pruned);
          out.flush();
          return 1;
        }
      }
      AuditChain.Verification result =
          AuditChain.verify(trail, start, keys, allowUnkeyed, publicKeys, shipped);
      if (result.intact()) {
        out.printf(
            "%d records in %d file(s), chain intact%s; last hash %s%n",
            result.records(),
            trail.size(),
            result.torn() > 0 ? " (" + result.torn() + " incomplete line(s) from a crash)" : "",
            result.last());
        printCheckpoints(out, result, publicKeys, shipped.size());
        if (result.macUnchecked() > 0) {
          out.printf(
              "%d line(s) are MAC-chained, but no keyring was found (in %s or %s): only their"
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

    private static AuditCheckpoints.PublicKeys publicKeys(Path file) throws IOException {
      if (!Files.isReadable(file)) {
        throw new CommandFailure("cannot read the public key file " + file);
      }
      try {
        return AuditCheckpoints.PublicKeys.parse(Files.readString(file));
      } catch (IllegalArgumentException e) {
        throw new CommandFailure(file + ": " + e.getMessage());
      }
    }

    private List<AuditCheckpoints.Checkpoint> shippedCheckpoints(
        AuditCheckpoints.PublicKeys publicKeys) throws IOException {
      if (anchors.isEmpty()) {
        return List.of();
      }
      if (publicKeys.isEmpty()) {
        throw new CommandFailure(
            "--checkpoint needs the keys checkpoints are signed with: --public-key, or the"
                + " keyring in --data-dir");
      }
      List<AuditCheckpoints.Checkpoint> found = new ArrayList<>();
      for (Path anchor : anchors) {
        if (!Files.isReadable(anchor)) {
          throw new CommandFailure("cannot read the checkpoint file " + anchor);
        }
        try (Stream<String> lines = Files.lines(anchor)) {
          lines
              .map(AuditCheckpoints.Checkpoint::parse)
              .flatMap(Optional::stream)
              .forEach(found::add);
        }
      }
      if (found.isEmpty()) {
        throw new CommandFailure("no checkpoint record in " + anchors);
      }
      return found;
    }

    private void printCheckpoints(
        PrintWriter out,
        AuditChain.Verification result,
        AuditCheckpoints.PublicKeys publicKeys,
        int shipped) {
      if (publicKeys.isEmpty()) {
        if (result.checkpoints() > 0) {
          out.printf(
              "%d signed checkpoint(s) not checked: no keyring, and no --public-key%n",
              result.checkpoints());
        }
        return;
      }
      out.printf(
          "%d signed checkpoint(s) verified with the public key%s",
          result.checkpointsChecked(),
          result.lastCheckpoint().map(c -> "; the last of " + c.time()).orElse(""));
      out.printf("; %d record(s) after it are covered by no signature yet%n", result.uncovered());
      out.println(
          result.closed()
              ? "the trail ends with the checkpoint the server signed when it stopped"
              : "the trail does not end with a stop's checkpoint: the server is running or"
                  + " crashed, or records after the last checkpoint were cut off (a cut is"
                  + " found only against checkpoints shipped off the host: --checkpoint)");
      if (shipped > 0) {
        out.printf("all %d checkpoint(s) shipped off the host are in the trail%n", shipped);
      }
    }
  }
}
