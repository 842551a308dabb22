package io.coffer.server.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;

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
    ctx.attribute(REQUEST_ID, stamp(ctx::header, ctx::header));
  }

  /**
   * Sets the common headers through plain accessors, for routes served outside the framework too.
   *
   * @return the request id it assigned
   */
  static String stamp(Function<String, String> requestHeader, BiConsumer<String, String> header) {
    // Request ids need uniqueness, not secrecy: skip the SecureRandom lock of randomUUID().
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
    header.accept("x-ms-request-id", requestId);
    for (String echoed : ECHOED) {
      String value = requestHeader.apply(echoed);
      if (value != null && value.length() <= 256) {
        header.accept(echoed, value);
      }
    }
    header.accept("Cache-Control", "no-cache");
    header.accept("x-ms-keyvault-service-version", "coffer");
    header.accept("x-ms-keyvault-region", "local");
    header.accept("X-Content-Type-Options", "nosniff");
    header.accept("Strict-Transport-Security", "max-age=31536000;includeSubDomains");
    return requestId;
  }
}
