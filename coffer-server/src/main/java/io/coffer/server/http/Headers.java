package io.coffer.server.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The response headers the real service sends on every answer. */
final class Headers {
  static final String JSON = "application/json; charset=utf-8";
  static final String REQUEST_ID = "coffer.request-id";
  private static final String CLIENT_REQUEST_ID = "x-ms-client-request-id";

  /**
   * MSAL sends this on token requests and checks that the answer carries it back, as Entra does.
   */
  private static final String MSAL_CORRELATION_ID = "client-request-id";

  private Headers() {}

  static void stamp(Context ctx) {
    // Request ids need uniqueness, not secrecy: skip the SecureRandom lock of randomUUID().
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
    ctx.attribute(REQUEST_ID, requestId);
    ctx.header("x-ms-request-id", requestId);
    String clientRequestId = ctx.header(CLIENT_REQUEST_ID);
    if (clientRequestId != null && clientRequestId.length() <= 256) {
      ctx.header(CLIENT_REQUEST_ID, clientRequestId);
    }
    String correlationId = ctx.header(MSAL_CORRELATION_ID);
    if (correlationId != null && correlationId.length() <= 256) {
      ctx.header(MSAL_CORRELATION_ID, correlationId);
    }
    ctx.header("Cache-Control", "no-cache");
    ctx.header("x-ms-keyvault-service-version", "coffer");
    ctx.header("x-ms-keyvault-region", "local");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Strict-Transport-Security", "max-age=31536000;includeSubDomains");
  }
}
