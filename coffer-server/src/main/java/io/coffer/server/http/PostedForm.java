package io.coffer.server.http;

import io.coffer.server.CofferException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fields of a posted form (token endpoint, sign-in form), first value of each, read from an
 * {@code application/x-www-form-urlencoded} body. A body that cannot be read as one — multipart,
 * broken percent-encoding — is the client's mistake, refused in the surface's own shape.
 */
final class PostedForm {
  private PostedForm() {}

  /**
   * @param unreadable the refusal in the surface's own error shape
   */
  static Map<String, String> read(
      Exchange exchange, Supplier<? extends CofferException> unreadable) {
    String type = exchange.requestHeader("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (type.startsWith("multipart/")) {
      throw unreadable.get();
    }
    try {
      return RequestTarget.fields(new String(exchange.body(), StandardCharsets.ISO_8859_1));
    } catch (IllegalArgumentException e) {
      throw unreadable.get();
    }
  }
}
