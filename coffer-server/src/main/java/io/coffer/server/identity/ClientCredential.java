package io.coffer.server.identity;

/**
 * A client id with a freshly issued secret, shown once to whoever created it; {@code secretId}
 * names it for listing and revoking, {@code expires} is Unix seconds.
 */
public record ClientCredential(
    String tenantId, String clientId, String clientSecret, String secretId, long expires) {

  @Override
  public String toString() {
    return "ClientCredential[tenant=" + tenantId + ", client=" + clientId + ", secret=(redacted)]";
  }
}
