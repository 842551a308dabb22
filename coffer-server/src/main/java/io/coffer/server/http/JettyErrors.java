package io.coffer.server.http;

import io.coffer.wire.Json;
import io.coffer.wire.KeyVaultError;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (malformed request line, headers too large, a body that ends before
 * its Content-Length, draining on shutdown) in the same Azure shape as every other error, without a
 * stack trace.
 */
final class JettyErrors extends ErrorHandler {

  /** Jetty writes error bodies for GET, POST and HEAD only; SDKs read them on every verb. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int status,
      String message,
      Throwable cause,
      Callback callback) {
    if (endedEarly(cause)) {
      // The client's mistake, though Jetty fails the request as a 500.
      status = 400;
      response.setStatus(status);
    }
    String text =
        status == 503
            ? "The server is shutting down or overloaded; retry shortly."
            : status == 400 && endedEarly(cause)
                ? "The request body ended before its Content-Length."
                : "The request could not be served (HTTP " + status + ").";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Headers.JSON);
    if (status == 503) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
    }
    response.write(
        true,
        ByteBuffer.wrap(Json.write(KeyVaultError.of(Failures.codeFor(status), text))),
        callback);
  }

  private static boolean endedEarly(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof java.io.EOFException
          || String.valueOf(t.getMessage()).contains("Early EOF")) {
        return true;
      }
    }
    return false;
  }
}
