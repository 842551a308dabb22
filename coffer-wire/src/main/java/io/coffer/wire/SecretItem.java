package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A list entry: secret metadata, never a value. Deleted listings fill the three deletion fields,
 * which Key Vault writes first; the rest follow in its order.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretItem(
    String recoveryId,
    Long deletedDate,
    Long scheduledPurgeDate,
    String contentType,
    String id,
    Boolean managed,
    SecretAttributes attributes,
    Map<String, String> tags) {}
