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
    Integer recoverableDays)
    implements Json.Writable {

  @Override
  public void writeJson(StringBuilder out) {
    out.append('{');
    Json.member(out, "enabled", enabled);
    Json.member(out, "nbf", nbf);
    Json.member(out, "exp", exp);
    Json.member(out, "created", created);
    Json.member(out, "updated", updated);
    Json.member(out, "recoveryLevel", recoveryLevel);
    Json.member(out, "recoverableDays", recoverableDays);
    out.append('}');
  }
}
