package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** A secret version with its value, as GET, PUT and recover answer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretBundle(
    String value,
    String id,
    String contentType,
    SecretAttributes attributes,
    Map<String, String> tags,
    String kid,
    Boolean managed,
    String previousVersion) {

  @Override
  public String toString() {
    return "SecretBundle[id=" + id + ", value=(redacted)]";
  }
}
