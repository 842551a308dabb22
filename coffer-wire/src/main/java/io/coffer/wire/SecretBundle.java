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
    String previousVersion)
    implements Json.Writable {

  @Override
  public void writeJson(StringBuilder out) {
    out.append('{');
    Json.member(out, "value", value);
    Json.member(out, "contentType", contentType);
    Json.member(out, "id", id);
    Json.member(out, "managed", managed);
    if (attributes != null) {
      Json.name(out, "attributes");
      attributes.writeJson(out);
    }
    if (tags != null) {
      Json.name(out, "tags").append('{');
      tags.forEach((name, tag) -> {
        if (tag == null) {
          Json.name(out, name).append("null");
        } else {
          Json.member(out, name, tag);
        }
      });
      out.append('}');
    }
    Json.member(out, "kid", kid);
    Json.member(out, "previousVersion", previousVersion);
    out.append('}');
  }

  @Override
  public String toString() {
    return "SecretBundle[id=" + id + ", value=(redacted)]";
  }
}
