package io.coffer.server.audit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;

/**
 * The lines of one write, chained and laid out in an array the trail reuses (under its lock): each
 * line's chained part is hashed where it lies and the write goes out from there. Made as strings, a
 * line was a cut copy of its record, the chained text, its bytes for the hash, the line and its
 * bytes again: an eighth of what an event loop allocated per GET. The bytes are the same.
 */
final class ChainedLines {
  private static final byte[] PREV = ",\"prev\":\"".getBytes(ISO_8859_1);
  private static final byte[] HASH = ",\"hash\":\"".getBytes(ISO_8859_1);
  private static final byte[] END = "\"}\n".getBytes(ISO_8859_1);
  // Lower case, as every hash of the chain has been written.
  private static final byte[] HEX = "0123456789abcdef".getBytes(ISO_8859_1);
  private static final int INITIAL = 16 * 1024;
  // A batch that grew the array past this (a burst, a checkpoint) does not keep it.
  private static final int KEPT = 256 * 1024;

  private final byte[] keyMember;
  private final Optional<Mac> signer;
  private final MessageDigest plain;
  private byte[] bytes = new byte[INITIAL];
  private int length;
  private int[] ends = new int[16];
  private int count;
  private String previous;
  private int hashAt = -1; // where the last line's hash lies; -1 before the first line
  private int hashLength;

  /**
   * @param keyMember the key's id as the member every line carries before its prev, or empty
   * @param signer keyed with the trail's key, or empty for a plain SHA-256 chain
   */
  ChainedLines(String keyMember, Optional<Mac> signer) {
    this.keyMember = keyMember.getBytes(UTF_8);
    this.signer = signer;
    try {
      this.plain = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** Starts a write whose first line chains to {@code previous}. */
  void start(String previous) {
    if (bytes.length > KEPT) {
      bytes = new byte[INITIAL];
    }
    this.previous = previous;
    length = 0;
    count = 0;
    hashAt = -1;
  }

  /**
   * Adds a record's line: its JSON object with the key's id, the hash it chains to and its own hash
   * (the MAC or SHA-256 of everything before {@code ,"hash"}, closed) as the last members.
   */
  void add(String record) {
    int start = length;
    byte[] json = record.getBytes(UTF_8);
    put(json, 0, json.length - 1); // without its closing brace
    put(keyMember, 0, keyMember.length);
    put(PREV, 0, PREV.length);
    if (hashAt < 0) {
      byte[] first = previous.getBytes(UTF_8);
      put(first, 0, first.length);
    } else {
      ensure(hashLength);
      System.arraycopy(bytes, hashAt, bytes, length, hashLength);
      length += hashLength;
    }
    ensure(1);
    bytes[length++] = '"';
    byte[] hash = hashOf(start, length - start);
    put(HASH, 0, HASH.length);
    ensure(hash.length * 2);
    hashAt = length;
    hashLength = hash.length * 2;
    for (byte b : hash) {
      bytes[length++] = HEX[(b >> 4) & 0xf];
      bytes[length++] = HEX[b & 0xf];
    }
    put(END, 0, END.length);
    if (count == ends.length) {
      ends = Arrays.copyOf(ends, count * 2);
    }
    ends[count++] = length;
  }

  /** Every line added since the start, for the file. */
  ByteBuffer buffer() {
    return ByteBuffer.wrap(bytes, 0, length);
  }

  int count() {
    return count;
  }

  /** The array the lines lie in; line {@code i} from {@link #from(int)} to {@link #to(int)}. */
  byte[] bytes() {
    return bytes;
  }

  int from(int line) {
    return line == 0 ? 0 : ends[line - 1];
  }

  int to(int line) {
    return ends[line];
  }

  /** The last line's hash, what the next write chains to. */
  String lastHash() {
    return hashAt < 0 ? previous : new String(bytes, hashAt, hashLength, ISO_8859_1);
  }

  private byte[] hashOf(int from, int size) {
    if (signer.isPresent()) {
      Mac mac = signer.get();
      mac.update(bytes, from, size);
      return mac.doFinal();
    }
    plain.update(bytes, from, size);
    return plain.digest();
  }

  private void put(byte[] source, int from, int size) {
    ensure(size);
    System.arraycopy(source, from, bytes, length, size);
    length += size;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
