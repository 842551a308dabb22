package io.coffer.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The OpenID Connect discovery document of a tenant, with the fields the JS and Python SDKs and
 * token validators read.
 */
public record OpenIdConfiguration(
    String issuer,
    @JsonProperty("authorization_endpoint") String authorizationEndpoint,
    @JsonProperty("token_endpoint") String tokenEndpoint,
    @JsonProperty("jwks_uri") String jwksUri,
    @JsonProperty("token_endpoint_auth_methods_supported") List<String> authMethods,
    @JsonProperty("response_types_supported") List<String> responseTypes,
    @JsonProperty("response_modes_supported") List<String> responseModes,
    @JsonProperty("subject_types_supported") List<String> subjectTypes,
    @JsonProperty("id_token_signing_alg_values_supported") List<String> signingAlgorithms,
    @JsonProperty("scopes_supported") List<String> scopes,
    @JsonProperty("grant_types_supported") List<String> grantTypes,
    @JsonProperty("tenant_region_scope") String tenantRegionScope,
    @JsonProperty("cloud_instance_name") String cloudInstanceName) {

  /**
   * The document for a tenant under an authority such as {@code https://localhost:8443}.
   *
   * @param cloudInstanceName Entra's name for the cloud, e.g. {@code microsoftonline.com}
   */
  public static OpenIdConfiguration of(
      String authority, String tenantId, String issuer, String cloudInstanceName) {
    String base = authority + "/" + tenantId;
    return new OpenIdConfiguration(
        issuer,
        base + "/oauth2/v2.0/authorize",
        base + "/oauth2/v2.0/token",
        base + "/discovery/v2.0/keys",
        List.of("client_secret_post", "client_secret_basic", "private_key_jwt"),
        // Only what is served: the authorize endpoint answers response_type=code, by query or
        // form_post, and a user's sub is the same object id for every client.
        List.of("code"),
        List.of("query", "form_post"),
        List.of("public"),
        List.of("RS256"),
        List.of("openid", "profile", "email", "offline_access"),
        List.of("authorization_code", "refresh_token", "client_credentials", "password"),
        "coffer",
        cloudInstanceName);
  }
}
