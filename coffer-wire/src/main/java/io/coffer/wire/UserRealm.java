package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Entra's user-realm answer ({@code /common/userrealm/<user>}), which MSAL reads before a password
 * grant: a {@code Managed} account signs in with its password at the token endpoint.
 */
public record UserRealm(
    String ver,
    @JsonProperty("account_type") String accountType,
    @JsonProperty("domain_name") String domainName,
    @JsonProperty("cloud_instance_name") String cloudInstanceName,
    @JsonProperty("cloud_audience_urn") String cloudAudienceUrn) {

  public static UserRealm managed(String domain, String cloudInstanceName) {
    return new UserRealm(
        "1.0", "Managed", domain, cloudInstanceName, "urn:federation:MicrosoftOnline");
  }
}
