package io.coffer.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.coffer.server.audit.AuditCheckpoints.Checkpoint;
import io.coffer.server.audit.AuditCheckpoints.PublicKeys;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verification's view of the checkpoints: with public keys, each checkpoint must be signed and must
 * state the head, line count and digest of the lines before it as the files hold them; keyed
 * records never go longer without one than the writer allows; a rotated file ends with one; and
 * each checkpoint shipped off the host must still be in the trail. Without keys, checkpoints are
 * only counted.
 */
final class CheckpointCheck {
  private final PublicKeys keys;
  private final List<Checkpoint> anchors;
  private final AuditCheckpoints.Segment segment = new AuditCheckpoints.Segment();
  private final Set<String> signatures = new HashSet<>();
  private long fileNumber;
  private long firstFileNumber = -1; // -1 until the first file; 0 when its name does not say
  private boolean fileKeyed;
  private boolean lastWasCheckpoint;
  private long pending; // keyed records since the last checkpoint
  private Optional<Checkpoint> last = Optional.empty();
  private long seen;
  private long checked;

  CheckpointCheck(PublicKeys keys, List<Checkpoint> anchors) {
    this.keys = keys;
    this.anchors = List.copyOf(anchors);
  }

  /** A new file starts; its number is 0 when its name does not say it. */
  void file(long number) {
    segment.newFile();
    fileNumber = number;
    if (firstFileNumber < 0) {
      firstFileNumber = number;
    }
    fileKeyed = false;
    lastWasCheckpoint = false;
  }

  /** One complete line whose link already verified; {@code head} is the MAC before it. */
  String line(String line, String head, boolean keyed) {
    byte[] bytes = (line + "\n").getBytes(UTF_8);
    if (!AuditCheckpoints.claimsCheckpoint(line)) {
      segment.add(bytes, false);
      lastWasCheckpoint = false;
      if (keyed) {
        fileKeyed = true;
        pending++;
        if (checking() && last.isPresent() && pending > last.get().every()) {
          return tooMany(last.get().every());
        }
      }
      return "";
    }
    Optional<Checkpoint> parsed = Checkpoint.parse(line);
    if (parsed.isEmpty()) {
      return "a malformed checkpoint (edited)";
    }
    Checkpoint checkpoint = parsed.get();
    seen++;
    if (checking()) {
      String problem = check(checkpoint, head);
      if (!problem.isEmpty()) {
        return problem;
      }
      checked++;
    }
    segment.add(bytes, true);
    signatures.add(checkpoint.signature());
    last = parsed;
    lastWasCheckpoint = true;
    pending = 0;
    return "";
  }

  private String check(Checkpoint checkpoint, String head) {
    if (!keys.byId().containsKey(checkpoint.signer())) {
      return "a checkpoint signed with key "
          + checkpoint.signer()
          + ", which the public keys given do not include";
    }
    if (!keys.verify(checkpoint)) {
      return "a checkpoint whose signature does not verify (forged or edited)";
    }
    if (pending > checkpoint.every()) {
      return tooMany(checkpoint.every());
    }
    if (!checkpoint.head().equals(head)) {
      return "a checkpoint that does not name the line before it (moved)";
    }
    if (checkpoint.lines() != segment.lines()) {
      return "a checkpoint signed after "
          + checkpoint.lines()
          + " lines where the file holds "
          + segment.lines()
          + " (lines removed or inserted)";
    }
    if (!checkpoint.digest().equals(segment.digest())) {
      return "the lines since the checkpoint before are not those this checkpoint signed"
          + " (rewritten, even if every MAC after was recomputed)";
    }
    if (fileNumber != 0 && checkpoint.file() != fileNumber) {
      return "a checkpoint signed in file " + checkpoint.file() + ", not this one (spliced)";
    }
    return "";
  }

  private String tooMany(int every) {
    return pending
        + " records without a signed checkpoint, where the writer signs at least every "
        + every
        + " (checkpoints removed)";
  }

  /** The end of a file; a rotated one was closed by a checkpoint. */
  String endOfFile(boolean lastFile) {
    if (!lastFile && checking() && fileKeyed && !lastWasCheckpoint) {
      return "the file does not end with the checkpoint signed when it was rotated (records cut"
          + " off its end, or the checkpoint removed)";
    }
    return "";
  }

  /** After the last file: the records left without a checkpoint and the anchors given. */
  String end() {
    if (checking() && last.isEmpty() && pending > AuditCheckpoints.DEFAULT_EVERY) {
      return tooMany(AuditCheckpoints.DEFAULT_EVERY);
    }
    for (Checkpoint anchor : anchors) {
      if (!keys.verify(anchor)) {
        return "the checkpoint of "
            + anchor.time()
            + " given with --checkpoint is not signed by the public keys given";
      }
      // A checkpoint of a file retention deleted, or shipped away before the first file given.
      boolean pruned = firstFileNumber > 0 && anchor.file() < firstFileNumber;
      if (!pruned && !signatures.contains(anchor.signature())) {
        return "the trail does not hold the checkpoint of "
            + anchor.time()
            + " (file "
            + anchor.file()
            + ", after line "
            + anchor.lines()
            + ") shipped before: the records up to it were cut off (truncated) or rewritten";
      }
    }
    return "";
  }

  private boolean checking() {
    return !keys.isEmpty();
  }

  long seen() {
    return seen;
  }

  long checked() {
    return checked;
  }

  /** Keyed records after the last checkpoint: no signature covers them yet. */
  long uncovered() {
    return pending;
  }

  /** The last checkpoint, if the trail holds one. */
  Optional<Checkpoint> last() {
    return last;
  }

  /** Whether the trail ends with the checkpoint a server signs when it stops. */
  boolean closed() {
    return lastWasCheckpoint && last.map(c -> c.reason().equals("close")).orElse(false);
  }
}
