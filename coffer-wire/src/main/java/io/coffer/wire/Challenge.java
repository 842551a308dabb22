package io.coffer.wire;

/**
 * The {@code WWW-Authenticate} challenge that starts every client's first conversation with a
 * vault.
 *
 * <p>The Java SDK deletes every quote and splits on commas, and the JS SDK takes everything after
 * the authority's first slash as the tenant, so no value may hold a comma or quote and nothing may
 * follow the tenant.
 */
public record Challenge(String authority, String tenant, String resource) {

  public Challenge {
    for (String part : new String[] {authority, tenant, resource}) {
      if (part == null || part.isEmpty() || part.contains(",") || part.contains("\"")) {
        throw new IllegalArgumentException("challenge parts must be non-empty without , or \"");
      }
    }
    if (authority.endsWith("/") || tenant.contains("/")) {
      throw new IllegalArgumentException("authority has no trailing slash, tenant no slash");
    }
  }

  public String header() {
    return "Bearer authorization=\""
        + authority
        + "/"
        + tenant
        + "\", resource=\""
        + resource
        + "\"";
  }
}
