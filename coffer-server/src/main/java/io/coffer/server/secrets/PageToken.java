package io.coffer.server.secrets;

import io.coffer.server.CofferException.BadRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** The opaque {@code $skiptoken} of listings: where the previous page ended. */
final class PageToken {
  private static final String PREFIX = "cp1:";

  private PageToken() {}

  static String encode(String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((PREFIX + position).getBytes(StandardCharsets.UTF_8));
  }

  /** The name key after which a listing continues; "" for the first page. */
  static String decodeName(Optional<String> token) {
    return token.map(PageToken::decode).orElse("");
  }

  /** The version sequence after which a listing continues; 0 for the first page. */
  static long decodeSequence(Optional<String> token) {
    if (token.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(decode(token.get()));
    } catch (NumberFormatException e) {
      throw invalid();
    }
  }

  private static String decode(String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (!text.startsWith(PREFIX)) {
        throw invalid();
      }
      return text.substring(PREFIX.length());
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
  }

  private static BadRequest invalid() {
    return new BadRequest("The $skiptoken is not one this vault issued.");
  }
}
