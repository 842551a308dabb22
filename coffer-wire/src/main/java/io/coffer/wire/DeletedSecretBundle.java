package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A soft-deleted secret, as DELETE and GET of a deleted secret answer: Key Vault never sends the
 * value here, so there is no component for it. Declared in Key Vault's order: the deletion fields
 * first, then the secret's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeletedSecretBundle(
    String recoveryId,
    Long deletedDate,
    Long scheduledPurgeDate,
    String contentType,
    String id,
    Boolean managed,
    SecretAttributes attributes,
    Map<String, String> tags,
    String kid) {}
