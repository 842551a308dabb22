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
  private static final String HASH_FIELD = ",\"hash\":\"";
  private static final String PREV_FIELD = ",\"prev\":\"";

  private AuditChain() {}

  /**
   * The outcome of a verification: lines checked, lines torn by a crash (incomplete, skipped: the
   * next line still links to the last complete one), the first broken line if any (its file and
   * line number), and the hash of the last good line, which the next file must start from.
   */
  public record Verification(
      long lines, long torn, String brokenFile, long brokenAt, String problem, String last) {
    public boolean intact() {
      return brokenAt == 0;
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
    return verify(List.of(file), GENESIS);
  }

  /**
   * Walks the files in order and checks every link; the first line must follow {@code start}:
   * genesis, or the last hash of earlier files that are kept elsewhere.
   */
  public static Verification verify(List<Path> files, String start) throws IOException {
    String previous = start;
    long lines = 0;
    long torn = 0;
    for (Path file : files) {
      long number = 0;
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          number++;
          lines++;
          if (!line.endsWith("\"}")) {
            torn++;
            continue;
          }
          String problem = problem(line, previous, lines - torn == 1);
          if (!problem.isEmpty()) {
            return new Verification(lines, torn, file.toString(), number, problem, previous);
          }
          previous =
              line.substring(line.lastIndexOf(HASH_FIELD) + HASH_FIELD.length(), line.length() - 2);
        }
      }
    }
    return new Verification(lines, torn, "", 0, "", previous);
  }

  /** What is wrong with a complete line that should follow {@code previous}; empty if nothing. */
  private static String problem(String line, String previous, boolean first) {
    int hashAt = line.lastIndexOf(HASH_FIELD);
    int prevAt = line.lastIndexOf(PREV_FIELD);
    if (hashAt < 0 || prevAt < 0 || prevAt > hashAt) {
      return "not a chained audit line (edited)";
    }
    String claimedPrev = line.substring(prevAt + PREV_FIELD.length(), hashAt - 1);
    if (!claimedPrev.equals(previous)) {
      return first
          ? "the chain does not start here: records before it were removed, or the files before it"
              + " are kept elsewhere (name the last hash of those with --after)"
          : "its prev does not match the line before (removed or reordered)";
    }
    String claimedHash = line.substring(hashAt + HASH_FIELD.length(), line.length() - 2);
    return hash(line.substring(0, hashAt)).equals(claimedHash)
        ? ""
        : "its content does not match its hash (edited)";
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
   * Notes, before they are deleted, the newest rotated file retention deletes and its last hash.
   */
  static void recordPruned(Path directory, Path newestDeleted, String lastHash) throws IOException {
    Path note = directory.resolve(PRUNED);
    Path next = directory.resolve(PRUNED + ".next");
    Files.writeString(
        next,
        "{\"deletedThrough\":\""
            + newestDeleted.getFileName()
            + "\",\"last\":\""
            + lastHash
            + "\"}\n",
        StandardCharsets.UTF_8);
    Files.move(next, note, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
