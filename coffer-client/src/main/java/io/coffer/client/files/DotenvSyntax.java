package io.coffer.client.files;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code .env} files as python-dotenv and Docker Compose read them: {@code [export ]KEY=value}; a
 * value in single quotes is literal but for {@code \\} and {@code \'}, one in double quotes decodes
 * {@code \\ \' \" \a \b \f \n \r \t \v}, and either may run over several lines; an unquoted value
 * ends at a {@code #} that follows a blank and loses its trailing blanks.
 */
final class DotenvSyntax implements LineSyntax {
  private static final Pattern ENTRY =
      Pattern.compile("([ \t]*(?:export[ \t]+)?([^=#\\s]+)[ \t]*=[ \t]*)(.*)", Pattern.DOTALL);
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+,=-]*");
  private static final Pattern AFTER_QUOTE = Pattern.compile("[ \t]*(#.*)?");
  private static final Pattern INLINE_COMMENT = Pattern.compile("\\s+#.*");
  private static final Pattern UNQUOTED =
      Pattern.compile("(?!['\"\\s])(?:(?!\\s#)[^\\r\\n])*(?<!\\s)");

  @Override
  public int span(List<String> lines, int at) {
    Matcher entry = ENTRY.matcher(LineEntry.content(lines.get(at)));
    if (!entry.matches() || !isQuoted(entry.group(3))) {
      return 1;
    }
    StringBuilder value = new StringBuilder(lines.get(at).substring(entry.start(3)));
    for (int end = at; end < lines.size(); end++) {
      if (end > at) {
        value.append(lines.get(end));
      }
      if (closingQuote(value) > 0) {
        return end - at + 1;
      }
    }
    return 1;
  }

  @Override
  public LineEntry entry(List<String> lines, int number) {
    String text = String.join("", lines);
    String end = LineEntry.end(lines);
    Matcher entry = ENTRY.matcher(text.substring(0, text.length() - end.length()));
    if (!entry.matches()) {
      return LineEntry.verbatim(lines);
    }
    String raw = entry.group(3);
    String value;
    if (isQuoted(raw)) {
      int close = closingQuote(raw);
      if (close < 0 || !AFTER_QUOTE.matcher(raw.substring(close + 1)).matches()) {
        return LineEntry.verbatim(lines); // python-dotenv skips such a line too
      }
      value = unescape(raw.substring(1, close), raw.charAt(0) == '"' ? "\\'\"abfnrtv" : "\\'");
    } else {
      value = INLINE_COMMENT.matcher(raw).replaceFirst("").stripTrailing();
    }
    return new LineEntry(text, entry.group(2), entry.group(1), value, end);
  }

  /**
   * Plain when that reads back the same, else single quotes (literal everywhere), else double
   * quotes with the escapes every dotenv reader knows. Readers take the first quote not right after
   * a backslash as the closing one, so a value ending in a backslash can only be written plain.
   */
  @Override
  public String quote(String value) {
    if (PLAIN.matcher(value).matches()) {
      return value;
    }
    if (value.chars().noneMatch(c -> c == '\'' || c == '\\' || c == '\n' || c == '\r')) {
      return "'" + value + "'";
    }
    if (!value.endsWith("\\")) {
      return '"'
          + value
              .replace("\\", "\\\\")
              .replace("\"", "\\\"")
              .replace("\n", "\\n")
              .replace("\r", "\\r")
          + '"';
    }
    if (UNQUOTED.matcher(value).matches()) {
      return value;
    }
    throw new IllegalArgumentException(
        "a value that ends in a backslash and needs quotes cannot be written to a .env file");
  }

  private static boolean isQuoted(CharSequence value) {
    return !value.isEmpty() && (value.charAt(0) == '"' || value.charAt(0) == '\'');
  }

  /**
   * Where the quote that opens this value closes, or -1: at the first one not after a backslash.
   */
  private static int closingQuote(CharSequence value) {
    for (int i = 1; i < value.length(); i++) {
      if (value.charAt(i) == value.charAt(0) && value.charAt(i - 1) != '\\') {
        return i;
      }
    }
    return -1;
  }

  private static String unescape(String text, String escapable) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && escapable.indexOf(text.charAt(i + 1)) >= 0) {
        c = decoded(text.charAt(++i));
      }
      out.append(c);
    }
    return out.toString();
  }

  private static char decoded(char escaped) {
    return switch (escaped) {
      case 'a' -> '\u0007';
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'v' -> '\u000b';
      default -> escaped;
    };
  }
}
