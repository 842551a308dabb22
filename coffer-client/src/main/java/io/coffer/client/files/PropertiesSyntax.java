package io.coffer.client.files;

import java.util.List;

/**
 * {@code .properties} exactly as {@link java.util.Properties#load(java.io.Reader)} reads them: a
 * line ending in an odd number of backslashes continues on the next (whose leading blanks are
 * dropped), the key ends at the first unescaped {@code =}, {@code :} or blank, and escapes ({@code
 * \t}, {@code \n}, {@code \r}, {@code \f}, {@code \}{@code uXXXX}, else the character itself) are
 * decoded in keys and values alike.
 */
final class PropertiesSyntax implements LineSyntax {
  private static final String BLANKS = " \t\f";

  @Override
  public int span(List<String> lines, int at) {
    if (isBlankOrComment(LineEntry.content(lines.get(at)))) {
      return 1;
    }
    int end = at;
    while (end + 1 < lines.size() && continues(LineEntry.content(lines.get(end)))) {
      end++;
    }
    return end - at + 1;
  }

  @Override
  public LineEntry entry(List<String> lines, int number) {
    String first = LineEntry.content(lines.get(0));
    if (isBlankOrComment(first)) {
      return LineEntry.verbatim(lines);
    }
    StringBuilder logical = new StringBuilder();
    int firstLength = -1;
    for (String line : lines) {
      String piece = LineEntry.content(line);
      piece = piece.substring(indent(piece));
      logical.append(continues(piece) ? piece.substring(0, piece.length() - 1) : piece);
      firstLength = firstLength < 0 ? logical.length() : firstLength;
    }
    int keyEnd = 0;
    for (boolean escaped = false; keyEnd < logical.length(); keyEnd++) {
      char c = logical.charAt(keyEnd);
      if (!escaped && (c == '=' || c == ':' || BLANKS.indexOf(c) >= 0)) {
        break;
      }
      escaped = c == '\\' && !escaped;
    }
    int valueStart = keyEnd;
    for (boolean separator = false; valueStart < logical.length(); valueStart++) {
      char c = logical.charAt(valueStart);
      if ((c == '=' || c == ':') && !separator) {
        separator = true;
      } else if (BLANKS.indexOf(c) < 0) {
        break;
      }
    }
    String key = unescape(logical.substring(0, keyEnd), number);
    int indent = indent(first);
    // the key and separator as written, unless they run over a continuation
    String head =
        valueStart <= firstLength
            ? first.substring(0, indent + valueStart)
            : first.substring(0, indent) + escape(key, true);
    if (valueStart == keyEnd || valueStart > firstLength) {
      head += "=";
    }
    String value = unescape(logical.substring(valueStart), number);
    return new LineEntry(String.join("", lines), key, head, value, LineEntry.end(lines));
  }

  @Override
  public String quote(String value) {
    return escape(value, false);
  }

  /**
   * As {@link java.util.Properties#store} escapes, but only where reading needs it: a value's inner
   * blanks, {@code =} and {@code :} stay as they are; anything outside printable ASCII is written
   * as {@code \}{@code uXXXX}, since tools load properties as ISO-8859-1 as often as UTF-8.
   */
  private static String escape(String text, boolean key) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean first = i == 0;
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\f' -> out.append("\\f");
        case ' ', '=', ':' -> out.append(key || first ? "\\" : "").append(c);
        case '#', '!' -> out.append(key && first ? "\\" : "").append(c);
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static String unescape(String text, int number) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 == text.length()) {
        out.append(c);
        continue;
      }
      c = text.charAt(++i);
      switch (c) {
        case 't' -> out.append('\t');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (i + 5 > text.length() || !text.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
            throw new IllegalArgumentException(
                "line " + number + ": a malformed \\uxxxx escape (it needs four hex digits)");
          }
          out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isBlankOrComment(String line) {
    int indent = indent(line);
    return indent == line.length() || line.charAt(indent) == '#' || line.charAt(indent) == '!';
  }

  /** Whether a line ends in an odd number of backslashes. */
  private static boolean continues(String line) {
    int backslashes = 0;
    while (backslashes < line.length() && line.charAt(line.length() - 1 - backslashes) == '\\') {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  private static int indent(String line) {
    int at = 0;
    while (at < line.length() && BLANKS.indexOf(line.charAt(at)) >= 0) {
      at++;
    }
    return at;
  }
}
