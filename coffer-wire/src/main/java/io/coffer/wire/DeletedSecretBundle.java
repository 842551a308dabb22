package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** A soft-deleted secret; DELETE answers it without the value. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeletedSecretBundle(
    String value,
    String id,
    String contentType,
    SecretAttributes attributes,
    Map<String, String> tags,
    String kid,
    Boolean managed,
    String recoveryId,
    Long scheduledPurgeDate,
    Long deletedDate) {

  @Override
  public String toString() {
    return "DeletedSecretBundle[id=" + id + ", value=(redacted)]";
  }
}
