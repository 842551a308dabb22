package io.coffer.server.identity;

/** A client id with a freshly issued secret, shown once to whoever created it. */
public record ClientCredential(String tenantId, String clientId, String clientSecret) {

  @Override
  public String toString() {
    return "ClientCredential[tenant=" + tenantId + ", client=" + clientId + ", secret=(redacted)]";
  }
}
