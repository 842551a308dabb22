package io.coffer.wire;

/** Builds object ids from the request's vault URL; storage never keeps absolute URLs. */
public record ObjectId(String vaultUrl) {

  public ObjectId {
    if (vaultUrl.endsWith("/")) {
      throw new IllegalArgumentException("vault URL without trailing slash: " + vaultUrl);
    }
  }

  public String secret(String name) {
    return vaultUrl + "/secrets/" + name;
  }

  public String secretVersion(String name, String version) {
    return vaultUrl + "/secrets/" + name + "/" + version;
  }

  public String deletedSecret(String name) {
    return vaultUrl + "/deletedsecrets/" + name;
  }
}
