package io.coffer.server.audit;

import io.coffer.server.crypto.Digests;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hash chain over audit lines. A line is {@code {…,"prev":"<hash of the line before>",
 * "hash":"<SHA-256 of everything before ,"hash">"}}; the first line's {@code prev} is {@link
 * #GENESIS}.
 */
public final class AuditChain {
  public static final String GENESIS = "0".repeat(64);
  private static final String HASH_FIELD = ",\"hash\":\"";
  private static final String PREV_FIELD = ",\"prev\":\"";

  private AuditChain() {}

  /**
   * The outcome of a verification: lines checked, lines torn by a crash (incomplete, skipped: the
   * next line still links to the last complete one), and the first broken line if any.
   */
  public record Verification(long lines, long torn, long brokenAt, String problem) {
    public boolean intact() {
      return brokenAt == 0;
    }
  }

  /** Walks the whole file and checks every link. */
  public static Verification verify(Path file) throws IOException {
    String previous = GENESIS;
    long number = 0;
    long torn = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        int hashAt = line.lastIndexOf(HASH_FIELD);
        int prevAt = line.lastIndexOf(PREV_FIELD);
        if (!line.endsWith("\"}")) {
          torn++;
          continue;
        }
        if (hashAt < 0 || prevAt < 0 || prevAt > hashAt) {
          return new Verification(number, torn, number, "not a chained audit line (edited)");
        }
        String chained = line.substring(0, hashAt);
        String claimedPrev = line.substring(prevAt + PREV_FIELD.length(), hashAt - 1);
        String claimedHash = line.substring(hashAt + HASH_FIELD.length(), line.length() - 2);
        if (!claimedPrev.equals(previous)) {
          return new Verification(
              number,
              torn,
              number,
              "its prev does not match the line before (removed or reordered)");
        }
        if (!hash(chained).equals(claimedHash)) {
          return new Verification(
              number, torn, number, "its content does not match its hash (edited)");
        }
        previous = claimedHash;
      }
    }
    return new Verification(number, torn, 0, "");
  }

  static String hash(String chained) {
    return Digests.sha256Hex(chained);
  }

  /** The hash the next line must name as its prev: the last complete line's, or genesis. */
  static String lastHash(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long end = raf.length();
      if (end == 0) {
        return GENESIS;
      }
      long start = Math.max(0, end - 64 * 1024);
      byte[] tail = new byte[(int) (end - start)];
      raf.seek(start);
      raf.readFully(tail);
      String last = GENESIS;
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
