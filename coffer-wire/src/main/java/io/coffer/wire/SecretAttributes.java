package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Secret attributes; times are Unix seconds as JSON integers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretAttributes(
    Boolean enabled,
    Long nbf,
    Long exp,
    Long created,
    Long updated,
    Integer recoverableDays,
    String recoveryLevel) {}
