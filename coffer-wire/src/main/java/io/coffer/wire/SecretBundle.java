package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A secret version, as GET, PUT, PATCH, recover and restore answer; only GET and PUT carry the
 * value. Components are declared in the order Key Vault writes them, which is the order Jackson
 * writes a record's; {@code kid} and {@code previousVersion}, which plain secrets never carry, come
 * last.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretBundle(
    String value,
    String contentType,
    String id,
    Boolean managed,
    SecretAttributes attributes,
    Map<String, String> tags,
    String kid,
    String previousVersion) {

  @Override
  public String toString() {
    return "SecretBundle[id=" + id + ", value=(redacted)]";
  }
}
