package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** A list entry: secret metadata, never a value. Deleted listings add the three deletion fields. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretItem(
    String id,
    SecretAttributes attributes,
    Map<String, String> tags,
    String contentType,
    Boolean managed,
    String recoveryId,
    Long scheduledPurgeDate,
    Long deletedDate) {}
