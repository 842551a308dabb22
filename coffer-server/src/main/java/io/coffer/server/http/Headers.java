package io.coffer.server.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The response headers the real service sends on every answer. */
final class Headers {
  static final String JSON = "application/json; charset=utf-8";
  static final String REQUEST_ID = "coffer.request-id";

  /**
   * Client correlation ids sent back as the real services do: Key Vault's, and MSAL's, which checks
   * that token answers carry it.
   */
  private static final List<String> ECHOED = List.of("x-ms-client-request-id", "client-request-id");

  private Headers() {}

  static void stamp(Context ctx) {
    // Request ids need uniqueness, not secrecy: skip the SecureRandom lock of randomUUID().
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
    ctx.attribute(REQUEST_ID, requestId);
    ctx.header("x-ms-request-id", requestId);
    for (String echoed : ECHOED) {
      String value = ctx.header(echoed);
      if (value != null && value.length() <= 256) {
        ctx.header(echoed, value);
      }
    }
    ctx.header("Cache-Control", "no-cache");
    ctx.header("x-ms-keyvault-service-version", "coffer");
    ctx.header("x-ms-keyvault-region", "local");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Strict-Transport-Security", "max-age=31536000;includeSubDomains");
  }
}
