package io.coffer.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Signed checkpoints: every so many records, every so often, at rotation and at close the trail
 * appends a record that states where it is (the file's number, the lines before it, the chain's
 * head) and the SHA-256 of the lines since the previous checkpoint, signed with Ed25519. The
 * signing key is derived from the audit key, so it lives in the keyring and is never stored; its
 * public half can be handed to anyone, who can then find a rewritten line (even with every MAC
 * after it recomputed) without the keyring. A checkpoint shipped off the host also proves that the
 * trail once reached it: one the files no longer hold means they were cut.
 */
public final class AuditCheckpoints {
  /** Without a count set, a checkpoint follows at most this many records. */
  public static final int DEFAULT_EVERY = 1000;

  /** Without an interval set, records wait at most this long for a checkpoint. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  static final String OPERATION = "AuditCheckpoint";
  private static final String MARK = "\"operation\":\"" + OPERATION + "\",\"checkpoint\":{";
  private static final String KEY_LINE = "coffer-audit-checkpoint-key";
  private static final String SEED_LABEL = "coffer-audit-checkpoint-key-v1";
  private static final Pattern CHECKPOINT =
      Pattern.compile(
          "\\{\"time\":\"([0-9TZ:.\\-]{1,40})\","
              + Pattern.quote(MARK)
              + "\"file\":(\\d{1,18}),\"lines\":(\\d{1,18}),\"head\":\"([0-9a-f]{64})\","
              + "\"digest\":\"([0-9a-f]{64})\",\"every\":(\\d{1,9}),\"reason\":\"([a-z]{1,16})\","
              + "\"signer\":\"([0-9a-f]{1,64})\",\"signature\":\"([A-Za-z0-9+/=]{1,200})\"}");

  private AuditCheckpoints() {}

  /**
   * One checkpoint: written at {@code time} in the file numbered {@code file} (the number it has,
   * or will have once rotated) after {@code lines} lines, the last of which has the MAC {@code
   * head}; {@code digest} is the SHA-256 of the lines since the checkpoint before (or the file's
   * start), {@code every} the most records the writer lets pass without one, {@code reason} why it
   * was written ({@code records}, {@code interval}, {@code open}, {@code rotation}, {@code close}).
   */
  public record Checkpoint(
      String time,
      long file,
      long lines,
      String head,
      String digest,
      int every,
      String reason,
      String signer,
      String signature) {

    /** What the signature covers: every field but itself, in a fixed form. */
    byte[] signed() {
      return String.join(
              "\n",
              "coffer-audit-checkpoint-v1",
              time,
              Long.toString(file),
              Long.toString(lines),
              head,
              digest,
              Integer.toString(every),
              reason,
              signer)
          .getBytes(UTF_8);
    }

    /** The record's JSON, to be chained like any other. */
    String json() {
      return "{\"time\":\""
          + time
          + "\","
          + MARK
          + "\"file\":"
          + file
          + ",\"lines\":"
          + lines
          + ",\"head\":\""
          + head
          + "\",\"digest\":\""
          + digest
          + "\",\"every\":"
          + every
          + ",\"reason\":\""
          + reason
          + "\",\"signer\":\""
          + signer
          + "\",\"signature\":\""
          + signature
          + "\"}}";
    }

    /** The checkpoint a line holds, if it is one (shipped lines and trail lines alike). */
    public static Optional<Checkpoint> parse(String line) {
      Matcher m = CHECKPOINT.matcher(line);
      if (!line.contains(MARK) || !m.lookingAt()) {
        return Optional.empty();
      }
      return Optional.of(
          new Checkpoint(
              m.group(1),
              Long.parseLong(m.group(2)),
              Long.parseLong(m.group(3)),
              m.group(4),
              m.group(5),
              Integer.parseInt(m.group(6)),
              m.group(7),
              m.group(8),
              m.group(9)));
    }
  }

  /** A checkpoint with these fields, signed. */
  static Checkpoint sign(
      Signer signer,
      String time,
      long file,
      long lines,
      String head,
      String digest,
      int every,
      String reason) {
    Checkpoint unsigned =
        new Checkpoint(time, file, lines, head, digest, every, reason, signer.keyId(), "");
    return new Checkpoint(
        time,
        file,
        lines,
        head,
        digest,
        every,
        reason,
        signer.keyId(),
        signer.sign(unsigned.signed()));
  }

  /** Where a live file stands: its lines, the end of its last checkpoint, the lines after it. */
  record Standing(long lines, long segmentStart, long pending) {}

  /**
   * Reads where a live file stands from its end: the last checkpoint says how many lines came
   * before it (one is written at least every thousand records), so only the lines after it are
   * read. A file holds up to the rotation size of records, and reading every line made a start take
   * a second per 150 MB. The file's torn tail has been repaired, so it ends in a newline.
   */
  static Standing standing(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      for (long window = 1 << 20; ; window *= 2) {
        long start = Math.max(0, size - window);
        byte[] bytes = new byte[(int) (size - start)];
        channel.read(ByteBuffer.wrap(bytes), start);
        long pending = 0;
        int lineEnd = bytes.length; // just past the newline of the line being looked at
        for (int i = bytes.length - 2; i >= -1; i--) {
          if (i >= 0 && bytes[i] != '\n') {
            continue;
          }
          if (i < 0 && start > 0) {
            break; // the window's first line may be cut: look again in a wider one
          }
          String line = new String(bytes, i + 1, lineEnd - i - 2, UTF_8);
          if (claimsCheckpoint(line)) {
            Optional<Checkpoint> checkpoint = Checkpoint.parse(line);
            long before =
                checkpoint.isPresent()
                    ? checkpoint.get().lines()
                    : newlines(channel, start + i + 1);
            return new Standing(before + 1 + pending, start + lineEnd, pending);
          }
          pending++;
          lineEnd = i + 1;
        }
        if (start == 0) {
          return new Standing(pending, 0, pending); // no checkpoint yet
        }
      }
    }
  }

  /** The newlines before {@code end}: the line count a malformed checkpoint does not give. */
  private static long newlines(FileChannel channel, long end) throws IOException {
    long count = 0;
    ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    for (long position = 0; position < end; ) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
      int read = channel.read(buffer, position);
      if (read < 0) {
        break;
      }
      for (int i = 0; i < read; i++) {
        if (buffer.get(i) == '\n') {
          count++;
        }
      }
      position += read;
    }
    return count;
  }

  /** Whether a line claims to be a checkpoint (well formed or not). */
  static boolean claimsCheckpoint(String line) {
    return line.contains(MARK);
  }

  /**
   * The key a trail signs its checkpoints with, derived from its audit key. Signing is Bouncy
   * Castle's: a checkpoint is signed under the audit lock every 1,000 records, and the JDK's
   * Ed25519 takes 1-1.5 ms per signature against Bouncy Castle's 0.1 ms. Ed25519 signatures are
   * deterministic, so both give the same bytes and the JDK verifies them.
   */
  static final class Signer {
    private final String keyId;
    private final byte[] seed;
    private final PublicKey publicKey;

    // Made at the first signature, not at the start: loading Bouncy Castle reads its signed jar's
    // manifest (some 5,900 entries, kept while the jar is open), about 7 MiB more heap for a
    // server that has not served yet, and 60 ms once.
    private BouncyEd25519 privateKey;

    private Signer(String keyId, byte[] seed, PublicKey publicKey) {
      this.keyId = keyId;
      this.seed = seed;
      this.publicKey = publicKey;
    }

    static Signer of(AuditKeys.Signing signing) {
      KeyPair pair = keyPair(signing.key());
      byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
      return new Signer(signing.id(), seed, pair.getPublic());
    }

    String keyId() {
      return keyId;
    }

    PublicKey publicKey() {
      return publicKey;
    }

    synchronized String sign(byte[] data) {
      if (privateKey == null) {
        privateKey = new BouncyEd25519(seed);
      }
      return Base64.getEncoder().encodeToString(privateKey.sign(data));
    }

    @Override
    public String toString() {
      return "AuditCheckpoints.Signer[" + keyId + "]";
    }
  }

  /**
   * Bouncy Castle's Ed25519 through its static byte-array functions only. Loading any Bouncy Castle
   * class reads its signed jar's manifest (some 7 MiB of heap kept while the jar is open), so no
   * class may pull it in at start: not {@link Signer} when the JVM verifies it, and not this one
   * when the start-up cache links it. Passing a Bouncy Castle key object to a Bouncy Castle method
   * made the linker load the parameter's type to check it, at every start.
   */
  private static final class BouncyEd25519 {
    private final byte[] seed;
    private final byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];

    BouncyEd25519(byte[] seed) {
      this.seed = seed.clone();
      Ed25519.generatePublicKey(this.seed, 0, publicKey, 0);
    }

    byte[] sign(byte[] data) {
      byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
      Ed25519.sign(seed, 0, publicKey, 0, data, 0, data.length, signature, 0);
      return signature;
    }
  }

  /**
   * The Ed25519 key pair of an audit key: its seed is an HMAC of a fixed label under the audit key,
   * so the same keyring always gives the same pair and the public half says nothing of the MAC key.
   */
  static KeyPair keyPair(byte[] auditKey) {
    byte[] seed = AuditKeys.hmac(auditKey).doFinal(SEED_LABEL.getBytes(UTF_8));
    try {
      // The JDK makes an Ed25519 private key from the first 32 random bytes it draws; this
      // source gives exactly the seed, and the check below refuses any other behaviour.
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] made = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElse(new byte[0]);
      if (!Arrays.equals(made, seed)) {
        throw new IllegalStateException("the JDK did not derive the Ed25519 key from its seed");
      }
      return pair;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is unavailable", e);
    }
  }

  /** A random source that yields one fixed 32-byte seed, for a deterministic key pair only. */
  private static final class SeedSource extends SecureRandom {
    private final byte[] seed;

    SeedSource(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("an Ed25519 seed is " + seed.length + " bytes");
      }
      System.arraycopy(seed, 0, bytes, 0, bytes.length);
    }
  }

  /**
   * Public checkpoint keys by the id of the audit key they belong to; one per line as {@code
   * coffer-audit-checkpoint-key <id> <base64 SubjectPublicKeyInfo>}, {@code #} for comments.
   */
  public record PublicKeys(Map<String, PublicKey> byId) {
    public static final PublicKeys NONE = new PublicKeys(Map.of());

    public PublicKeys {
      byId = Map.copyOf(byId);
    }

    /** The public keys of audit keys, by their id. */
    public static PublicKeys of(Map<String, byte[]> auditKeys) {
      Map<String, PublicKey> keys = new LinkedHashMap<>();
      auditKeys.forEach((id, key) -> keys.put(id, keyPair(key).getPublic()));
      return new PublicKeys(keys);
    }

    /** Reads keys in the exported form; a malformed line fails naming its number. */
    public static PublicKeys parse(String text) {
      Map<String, PublicKey> keys = new LinkedHashMap<>();
      String[] lines = text.split("\n");
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\\s+");
        try {
          if (parts.length != 3 || !parts[0].equals(KEY_LINE)) {
            throw new IllegalArgumentException("not a checkpoint key line");
          }
          keys.put(
              parts[1],
              KeyFactory.getInstance("Ed25519")
                  .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(parts[2]))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "line "
                  + (i + 1)
                  + " is not '"
                  + KEY_LINE
                  + " <id> <base64 key>' as 'coffer audit public-key' prints it");
        }
      }
      return new PublicKeys(keys);
    }

    /** The keys in the form {@link #parse} reads. */
    public String export() {
      StringBuilder text = new StringBuilder();
      byId.forEach((id, key) ->
          text.append(KEY_LINE)
              .append(' ')
              .append(id)
              .append(' ')
              .append(Base64.getEncoder().encodeToString(key.getEncoded()))
              .append('\n'));
      return text.toString();
    }

    public boolean isEmpty() {
      return byId.isEmpty();
    }

    /** Whether the signature over {@code data} was made by the key {@code signer}'s pair. */
    boolean verify(String signer, byte[] data, String signature) {
      PublicKey key = byId.get(signer);
      if (key == null) {
        return false;
      }
      try {
        Signature ed = Signature.getInstance("Ed25519");
        ed.initVerify(key);
        ed.update(data);
        return ed.verify(Base64.getDecoder().decode(signature));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        return false;
      }
    }

    boolean verify(Checkpoint checkpoint) {
      return verify(checkpoint.signer(), checkpoint.signed(), checkpoint.signature());
    }
  }

  /**
   * The lines of one file since its last checkpoint, as the writer writes them and verification
   * reads them: their SHA-256, and how many lines the file holds.
   */
  static final class Segment {
    private MessageDigest digest = sha256();
    private long lines;

    /** A complete line (with its newline) was written or read. */
    void add(byte[] line, boolean checkpoint) {
      add(line, 0, line.length, checkpoint);
    }

    /** A complete line, {@code bytes} from {@code from} to {@code to}, was written. */
    void add(byte[] bytes, int from, int to, boolean checkpoint) {
      lines++;
      if (checkpoint) {
        digest = sha256();
      } else {
        digest.update(bytes, from, to - from);
      }
    }

    /**
     * A segment whose digest already holds a file's bytes from {@code from} to {@code to}, in a
     * file of {@code lines} lines: where a writer resumes a live file.
     */
    static Segment resumed(Path file, long from, long to, long lines) throws IOException {
      Segment segment = new Segment();
      segment.lines = lines;
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        long position = from;
        while (position < to) {
          buffer.clear().limit((int) Math.min(buffer.capacity(), to - position));
          int read = channel.read(buffer, position);
          if (read < 0) {
            throw new IOException(file + " ends before the lines a checkpoint covers");
          }
          buffer.flip();
          segment.digest.update(buffer);
          position += read;
        }
      }
      return segment;
    }

    /** A new file starts: its first segment starts with it. */
    void newFile() {
      digest = sha256();
      lines = 0;
    }

    String digest() {
      try {
        return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException("SHA-256 cannot be cloned", e);
      }
    }

    long lines() {
      return lines;
    }

    static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("SHA-256 is unavailable", e);
      }
    }
  }
}
