package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Secret attributes in Key Vault's order; times are Unix seconds as JSON integers, and {@code
 * recoverableDays} is left out below api-version 7.1.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretAttributes(
    Boolean enabled,
    Long nbf,
    Long exp,
    Long created,
    Long updated,
    String recoveryLevel,
    Integer recoverableDays) {}
