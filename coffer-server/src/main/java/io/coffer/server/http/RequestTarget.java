package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request line's target as the pipeline sees it: the path decoded but not resolved, and the query
 * as sent. A dot segment stays a segment no route takes, never a way from one route's authorization
 * to another's; an encoded slash would make one name two segments, so it is refused.
 */
record RequestTarget(String path, String rawQuery) {
  private static final int MAX_PARAMETERS = 1024;

  /**
   * @return the target, or null when its path is not validly percent-encoded UTF-8 or encodes a
   *     slash
   */
  static RequestTarget parse(String uri) {
    String target = uri;
    int fragment = target.indexOf('#');
    if (fragment >= 0) {
      target = target.substring(0, fragment);
    }
    String lower = target.length() > 8 ? target.substring(0, 8).toLowerCase(Locale.ROOT) : "";
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      // The absolute form a proxy would send: the path starts after the authority.
      int slash = target.indexOf('/', target.indexOf("//") + 2);
      target = slash < 0 ? "/" : target.substring(slash);
    }
    int question = target.indexOf('?');
    String rawPath = question < 0 ? target : target.substring(0, question);
    String rawQuery = question < 0 ? null : target.substring(question + 1);
    String path = decodePath(rawPath);
    return path == null ? null : new RequestTarget(path, rawQuery);
  }

  /** Nothing to decode: no escape and no byte beyond ASCII (most paths). */
  private static boolean plain(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' || c >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * The decoder hands the request line over as ISO-8859-1, one character per byte; the path's
   * bytes, sent raw or percent-encoded, are read as UTF-8.
   */
  private static String decodePath(String raw) {
    if (plain(raw)) {
      return raw;
    }
    byte[] bytes = unescaped(raw, false);
    return bytes == null ? null : utf8(bytes);
  }

  /**
   * The bytes a percent-encoded text stands for: an escape its byte, any other character (one per
   * byte, as ISO-8859-1 reads them) its own.
   *
   * @return null when an escape is broken, or stands for a slash where {@code slash} is false
   */
  private static byte[] unescaped(String raw, boolean slash) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
      int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
      if (low < 0) {
        return null;
      }
      int decoded = high * 16 + low;
      if (decoded == '/' && !slash) {
        return null;
      }
      bytes.write(decoded);
      i += 2;
    }
    return bytes.toByteArray();
  }

  /** The bytes as UTF-8 text, or null when they are not UTF-8. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The first value of each query parameter, names and values decoded as UTF-8. */
  static Map<String, String> query(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Map.of();
    }
    try {
      return fields(raw);
    } catch (IllegalArgumentException e) {
      throw new CofferException.BadRequest("The query string is not validly encoded.");
    }
  }

  /**
   * The first value of each field of an {@code application/x-www-form-urlencoded} text, as queries
   * and posted forms are written ('+' a space, '%' an escaped UTF-8 byte).
   *
   * @throws IllegalArgumentException when it is not validly encoded
   */
  static Map<String, String> fields(String encoded) {
    // Netty's decoder reads escaped bytes that are not UTF-8 as U+FFFD, and raw ones as a character
    // each: either way a console form's secret value would be stored other than sent. The
    // separators are ASCII, so a field's broken sequence is found in the whole as well.
    String escaped = encoded;
    if (!plain(encoded)) {
      byte[] bytes = unescaped(encoded, true);
      if (bytes == null || utf8(bytes) == null) {
        throw new IllegalArgumentException("not percent-encoded UTF-8");
      }
      escaped = rawBytesEscaped(encoded);
    }
    Map<String, List<String>> all =
        new QueryStringDecoder(escaped, StandardCharsets.UTF_8, false, MAX_PARAMETERS, true)
            .parameters();
    Map<String, String> first = new HashMap<>();
    all.forEach((name, values) -> first.put(name, values.get(0)));
    return first;
  }

  /**
   * The text with each byte above ASCII that was sent raw (curl's {@code --data} sends UTF-8 so)
   * written as its escape, since Netty's decoder reads only escapes as UTF-8 and raw bytes as one
   * character each.
   */
  private static String rawBytesEscaped(String encoded) {
    StringBuilder escaped = new StringBuilder(encoded.length() + 16);
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c < 0x80) {
        escaped.append(c);
      } else {
        HexFormat.of().toHexDigits(escaped.append('%'), (byte) c);
      }
    }
    return escaped.toString();
  }

  /** The first value of each cookie the request carries. */
  static Map<String, String> cookies(HttpHeaders headers) {
    Map<String, String> cookies = new HashMap<>();
    for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
      for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) {
        cookies.putIfAbsent(cookie.name(), cookie.value());
      }
    }
    return cookies;
  }
}
