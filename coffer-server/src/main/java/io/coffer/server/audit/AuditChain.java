package io.coffer.server.audit;

import io.coffer.server.crypto.Digests;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hash chain over audit lines. A line is {@code {…,"prev":"<hash of the line before>",
 * "hash":"<SHA-256 of everything before ,"hash">"}}; the first line's {@code prev} is {@link
 * #GENESIS}. A trail is the live {@code audit.jsonl} and the files rotated out of it ({@code
 * audit-<number>-<UTC time>.jsonl}, numbered so that a clock set back cannot reorder them); the
 * chain runs through them in that order.
 */
public final class AuditChain {
  public static final String GENESIS =
      "0000000000000000000000000000000000000000000000000000000000000000";
  static final String LIVE = "audit.jsonl";

  /**
   * Where retention notes the last hash of the files it deleted: the first file kept starts from
   * it.
   */
  public static final String PRUNED = "pruned.json";

  private static final DateTimeFormatter ROTATED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern ROTATED = Pattern.compile("audit-(\\d{1,18})-([0-9TZ]+)\\.jsonl");
  private static final Pattern PRUNED_LAST = Pattern.compile("\"last\":\"([0-9a-f]{64})\"");
  private static final Pattern PRUNED_NOTE =
      Pattern.compile(
          "\\{\"deletedThrough\":\"([^\"]{1,200})\",\"last\":\"([0-9a-f]{64})\","
              + "\"signer\":\"([0-9a-f]{1,64})\",\"signature\":\"([A-Za-z0-9+/=]{1,200})\"}");
  private static final String HASH_FIELD = ",\"hash\":\"";
  private static final String PREV_FIELD = ",\"prev\":\"";
  private static final String KEY_FIELD = ",\"key\":\"";

  private AuditChain() {}

  /**
   * The outcome of a verification: lines checked, lines torn by a crash (incomplete; allowed only
   * as the last line of a file, where the crash left it), lines whose MAC was checked with the key
   * and keyed lines whose MAC could not be checked (no key given: only their links were), lines
   * chained by a plain hash (written before the chain was keyed, anyone could rewrite them), the
   * first broken line if any (its file and line number), and the last good line's hash, which the
   * next file must start from. Of the lines, {@code checkpoints} are signed checkpoints ({@code
   * checkpointsChecked} of them checked with a public key); {@code uncovered} keyed records follow
   * the last one, and {@code closed} says whether the trail ends with the one a stopping server
   * signs.
   */
  public record Verification(
      long lines,
      long torn,
      long macChecked,
      long macUnchecked,
      long plainHashed,
      String brokenFile,
      long brokenAt,
      String problem,
      String last,
      long checkpoints,
      long checkpointsChecked,
      long uncovered,
      Optional<AuditCheckpoints.Checkpoint> lastCheckpoint,
      boolean closed) {
    public boolean intact() {
      return brokenAt == 0;
    }

    /** Audit records: the lines neither torn nor checkpoints. */
    public long records() {
      return lines - torn - checkpoints;
    }
  }

  /**
   * The files of the trail in a directory, oldest first: rotated files by their time, then live.
   */
  public static List<Path> files(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> listing = Files.list(directory)) {
      listing
          .filter(f -> rotation(f) > 0)
          .sorted(Comparator.comparingLong(AuditChain::rotation))
          .forEach(files::add);
    }
    Path live = directory.resolve(LIVE);
    if (Files.exists(live)) {
      files.add(live);
    }
    return files;
  }

  /** Walks one file from genesis and checks every link. */
  public static Verification verify(Path file) throws IOException {
    return verify(List.of(file), GENESIS, AuditKeys.NONE);
  }

  /** Walks the files in order, without a key: links and unkeyed hashes only. */
  public static Verification verify(List<Path> files, String start) throws IOException {
    return verify(files, start, AuditKeys.NONE);
  }

  /**
   * Walks the files in order and checks every link; the first line must follow {@code start}:
   * genesis, or the last hash of earlier files that are kept elsewhere. A keyed line's MAC is
   * checked with {@code keys}; a line with only a plain hash is accepted before the first keyed one
   * when no key is given, and refused after it, where it can only be a forgery.
   */
  public static Verification verify(List<Path> files, String start, AuditKeys keys)
      throws IOException {
    return verify(files, start, keys, false);
  }

  /**
   * As {@link #verify(List, String, AuditKeys)}; with a key, lines chained by a plain hash are
   * refused (anyone can recompute one) unless {@code plainPrefix} accepts them before the first
   * keyed line, for a trail an older version began.
   */
  public static Verification verify(
      List<Path> files, String start, AuditKeys keys, boolean plainPrefix) throws IOException {
    return verify(files, start, keys, plainPrefix, AuditCheckpoints.PublicKeys.NONE, List.of());
  }

  /**
   * As {@link #verify(List, String, AuditKeys, boolean)}, and with {@code checkpointKeys} checks
   * every signed checkpoint against the lines before it, that none were removed, and that the trail
   * still holds each of {@code anchors} (checkpoints shipped elsewhere): so a rewrite or a cut is
   * found without the MAC key.
   */
  public static Verification verify(
      List<Path> files,
      String start,
      AuditKeys keys,
      boolean plainPrefix,
      AuditCheckpoints.PublicKeys checkpointKeys,
      List<AuditCheckpoints.Checkpoint> anchors)
      throws IOException {
    Walk walk =
        new Walk(
            start,
            keys,
            plainPrefix || keys == AuditKeys.NONE,
            new CheckpointCheck(checkpointKeys, anchors));
    long previousNumber = 0;
    long number = 0;
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      long fileNumber = rotation(file);
      if (fileNumber == 0 && previousNumber > 0 && file.getFileName().toString().equals(LIVE)) {
        fileNumber = previousNumber + 1; // the number the live file takes when rotated
      }
      previousNumber = fileNumber;
      walk.checkpoints.file(fileNumber);
      number = 0;
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line = reader.readLine();
        while (line != null) {
          String next = reader.readLine();
          number++;
          String problem = walk.step(line, next == null);
          if (!problem.isEmpty()) {
            return walk.broken(file.toString(), number, problem);
          }
          line = next;
        }
      }
      String problem = walk.checkpoints.endOfFile(i == files.size() - 1);
      if (!problem.isEmpty()) {
        return walk.broken(file.toString(), number, problem);
      }
    }
    String problem = walk.checkpoints.end();
    if (!problem.isEmpty()) {
      String lastFile = files.isEmpty() ? "" : files.get(files.size() - 1).toString();
      return walk.broken(lastFile, Math.max(1, number), problem);
    }
    return walk.result();
  }

  /** The state of one verification as it walks the lines. */
  private static final class Walk {
    private final AuditKeys keys;
    private final CheckpointCheck checkpoints;
    private String previous;
    private long lines;
    private long torn;
    private long checked;
    private long unchecked;
    private long plain;
    private boolean keyedSeen;

    private final boolean plainAllowed;

    Walk(String start, AuditKeys keys, boolean plainAllowed, CheckpointCheck checkpoints) {
      this.previous = start;
      this.keys = keys;
      this.plainAllowed = plainAllowed;
      this.checkpoints = checkpoints;
    }

    /** Checks one line; empty if it is good. */
    String step(String line, boolean lastOfFile) {
      lines++;
      if (!line.endsWith("\"}")) {
        if (!lastOfFile) {
          return "an incomplete line before the end of the file (a crash leaves one only at the"
              + " end: inserted or edited)";
        }
        torn++;
        return "";
      }
      int hashAt = line.lastIndexOf(HASH_FIELD);
      int prevAt = line.lastIndexOf(PREV_FIELD);
      if (hashAt < 0 || prevAt < 0 || prevAt > hashAt) {
        return "not a chained audit line (edited)";
      }
      String claimedPrev = line.substring(prevAt + PREV_FIELD.length(), hashAt - 1);
      if (!claimedPrev.equals(previous)) {
        return lines - torn == 1
            ? "the chain does not start here: records before it were removed, or the files before"
                + " it are kept elsewhere (name the last hash of those with --after)"
            : "its prev does not match the line before (removed or reordered)";
      }
      String claimedHash = line.substring(hashAt + HASH_FIELD.length(), line.length() - 2);
      String chained = line.substring(0, hashAt);
      int keyAt = line.lastIndexOf(KEY_FIELD, prevAt);
      boolean keyed = keyAt >= 0 && line.indexOf('"', keyAt + KEY_FIELD.length()) == prevAt - 1;
      if (!keyed) {
        if (keyedSeen) {
          return "a line with a plain hash after MAC-chained lines (forged)";
        }
        if (!plainAllowed) {
          return "chained by a plain hash, which anyone can recompute, not by the keyring's MAC"
              + " (forged, or written by a version before keyed chaining: --allow-unkeyed)";
        }
        if (!hash(chained).equals(claimedHash)) {
          return "its content does not match its hash (edited)";
        }
        plain++;
      } else {
        keyedSeen = true;
        String keyId = line.substring(keyAt + KEY_FIELD.length(), prevAt - 1);
        Optional<byte[]> key = keys.byId(keyId);
        if (key.isPresent()) {
          if (!AuditKeys.mac(key.get(), chained).equals(claimedHash)) {
            return "its content does not match its MAC (edited)";
          }
          checked++;
        } else if (keys != AuditKeys.NONE) {
          return "its MAC was made with key " + keyId + ", which the keyring does not hold";
        } else {
          unchecked++;
        }
      }
      String problem = checkpoints.line(line, previous, keyed);
      if (!problem.isEmpty()) {
        return problem;
      }
      previous = claimedHash;
      return "";
    }

    Verification broken(String file, long at, String problem) {
      return verification(file, at, problem);
    }

    Verification result() {
      return verification("", 0, "");
    }

    private Verification verification(String file, long at, String problem) {
      return new Verification(
          lines,
          torn,
          checked,
          unchecked,
          plain,
          file,
          at,
          problem,
          previous,
          checkpoints.seen(),
          checkpoints.checked(),
          checkpoints.uncovered(),
          checkpoints.last(),
          checkpoints.closed());
    }
  }

  static String hash(String chained) {
    return Digests.sha256Hex(chained);
  }

  /**
   * Where verification of a directory's files starts: after the files retention deleted, or at
   * genesis when it deleted none.
   */
  public static String start(Path directory) throws IOException {
    Path pruned = directory.resolve(PRUNED);
    if (!Files.exists(pruned)) {
      return GENESIS;
    }
    Matcher last = PRUNED_LAST.matcher(Files.readString(pruned, StandardCharsets.UTF_8));
    if (!last.find()) {
      throw new IOException(pruned + " does not name the last hash of the deleted files");
    }
    return last.group(1);
  }

  /**
   * Notes, before they are deleted, the newest rotated file retention deletes and its last hash;
   * signed with the checkpoint key when the trail has one, so that a note pointing verification
   * somewhere else is found.
   */
  static void recordPruned(
      Path directory, Path newestDeleted, String lastHash, Optional<AuditCheckpoints.Signer> signer)
      throws IOException {
    Path note = directory.resolve(PRUNED);
    Path next = directory.resolve(PRUNED + ".next");
    String through = newestDeleted.getFileName().toString();
    String signature =
        signer
            .map(s ->
                ",\"signer\":\""
                    + s.keyId()
                    + "\",\"signature\":\""
                    + s.sign(prunedSigned(through, lastHash, s.keyId()))
                    + "\"")
            .orElse("");
    Files.writeString(
        next,
        "{\"deletedThrough\":\"" + through + "\",\"last\":\"" + lastHash + "\"" + signature + "}\n",
        StandardCharsets.UTF_8);
    Files.move(next, note, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * What is wrong with the directory's note of pruned files, checked with the checkpoint keys;
   * empty when it is signed by one of them, or when there is no note.
   */
  public static String prunedProblem(Path directory, AuditCheckpoints.PublicKeys keys)
      throws IOException {
    Path pruned = directory.resolve(PRUNED);
    if (!Files.exists(pruned)) {
      return "";
    }
    // The whole note, one line: start() reads the first "last" in it.
    Matcher note = PRUNED_NOTE.matcher(Files.readString(pruned, StandardCharsets.UTF_8).strip());
    if (!note.matches()) {
      return pruned + " is not signed (edited, or written before checkpoint keys)";
    }
    byte[] signed = prunedSigned(note.group(1), note.group(2), note.group(3));
    if (!keys.verify(note.group(3), signed, note.group(4))) {
      return pruned + " does not carry a valid signature of the trail's checkpoint key (edited)";
    }
    return "";
  }

  private static byte[] prunedSigned(String through, String last, String signer) {
    return String.join("\n", "coffer-audit-pruned-v1", through, last, signer)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** When a rotated file was moved aside, by its name; its modification time if the name fails. */
  static Instant rotatedAt(Path file) throws IOException {
    Matcher name = ROTATED.matcher(file.getFileName().toString());
    if (name.matches()) {
      try {
        return ROTATED_TIME.parse(name.group(2), Instant::from);
      } catch (DateTimeParseException e) {
        // an edited name: fall through to the file's own time
      }
    }
    return Files.getLastModifiedTime(file).toInstant();
  }

  /** The number of a rotated file; 0 for any other file. */
  static long rotation(Path file) {
    Matcher name = ROTATED.matcher(file.getFileName().toString());
    return name.matches() ? Long.parseLong(name.group(1)) : 0;
  }

  /**
   * The hash the next line must name as its prev: that of the trail's last complete line, which is
   * in the newest rotated file when the live one is new; genesis for a new trail.
   */
  static String lastHash(List<Path> files) throws IOException {
    for (int i = files.size() - 1; i >= 0; i--) {
      String last = lastHashOf(files.get(i));
      if (!last.isEmpty()) {
        return last;
      }
    }
    return GENESIS;
  }

  /** The last complete line's hash in a file; empty if it has none. */
  private static String lastHashOf(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long end = raf.length();
      long start = Math.max(0, end - 64 * 1024);
      byte[] tail = new byte[(int) (end - start)];
      raf.seek(start);
      raf.readFully(tail);
      String last = "";
      for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
        // The last complete line counts; a line torn by a crash is skipped.
        int at = line.lastIndexOf(HASH_FIELD);
        if (at >= 0 && line.endsWith("\"}")) {
          last = line.substring(at + HASH_FIELD.length(), line.length() - 2);
        }
      }
      return last;
    }
  }
}
