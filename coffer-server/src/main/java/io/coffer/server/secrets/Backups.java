package io.coffer.server.secrets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.server.CofferException.BadRequest;
import io.coffer.server.CofferException.Reason;
import io.coffer.server.crypto.SealedBlob;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Backup blobs: every version of one secret, values included, sealed so that only a Coffer with the
 * same master key can read or alter them. Clients see opaque base64url text.
 */
public final class Backups {
  private static final int FORMAT = 1;

  /** Built on first use: a mapper costs a started server some 5 MiB (see {@code Json}). */
  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private final SealedBlob blob;

  public Backups(SealedBlob blob) {
    this.blob = blob;
  }

  /** A backup's contents: the secret's name and its versions, oldest first, with values. */
  record Contents(String name, List<SecretVersion> versions) {}

  private record Stored(int format, String name, List<StoredVersion> versions) {}

  private record StoredVersion(
      String version,
      String value,
      String contentType,
      Map<String, String> tags,
      boolean enabled,
      Long nbf,
      Long exp,
      long created,
      long updated) {

    @Override
    public String toString() {
      return "StoredVersion[" + version + "]";
    }
  }

  String seal(String name, List<SecretVersion> versions) {
    List<StoredVersion> stored =
        versions.stream()
            .map(v ->
                new StoredVersion(
                    v.version(),
                    v.value().orElseThrow().text(),
                    v.contentType().orElse(null),
                    v.tags(),
                    v.enabled(),
                    boxed(v.notBefore()),
                    boxed(v.expires()),
                    v.created(),
                    v.updated()))
            .toList();
    try {
      return blob.seal(Mapper.JSON.writeValueAsBytes(new Stored(FORMAT, name, stored)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a backup", e);
    }
  }

  Contents open(String text) {
    String sealed = text == null ? "" : text;
    byte[] plain =
        blob.open(sealed)
            .orElseThrow(() -> SealedBlob.isOtherFormat(sealed) ? otherVersion() : corrupt());
    try {
      Stored stored = Mapper.JSON.readValue(plain, Stored.class);
      if (stored.format() != FORMAT) {
        throw otherVersion();
      }
      if (stored.versions() == null || stored.versions().isEmpty()) {
        throw corrupt();
      }
      List<SecretVersion> versions =
          stored.versions().stream()
              .map(v ->
                  new SecretVersion(
                      stored.name(),
                      v.version(),
                      Optional.of(new SecretValue(v.value())),
                      Optional.ofNullable(v.contentType()),
                      v.tags() == null ? Map.of() : v.tags(),
                      v.enabled(),
                      unboxed(v.nbf()),
                      unboxed(v.exp()),
                      v.created(),
                      v.updated()))
              .toList();
      return new Contents(stored.name(), versions);
    } catch (IOException e) {
      throw corrupt();
    }
  }

  // Key Vault's two refusals: text that is no blob at all, and a blob of a format it cannot read.
  private static BadRequest corrupt() {
    return new BadRequest("Backup blob is corrupt.", Reason.MALFORMED_BACKUP);
  }

  private static BadRequest otherVersion() {
    return new BadRequest(
        "Backup blob contains invalid or corrupt version.", Reason.MALFORMED_BACKUP);
  }

  private static Long boxed(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }

  private static OptionalLong unboxed(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
