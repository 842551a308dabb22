package io.coffer.client.files;

import java.util.List;

/**
 * One entry of a line-based file: the physical lines it spans as written, and for a key-value entry
 * its key, the text kept in front of a new value ({@code head}), its value, and its line end.
 */
record LineEntry(String text, String key, String head, String value, String end) {

  static LineEntry verbatim(List<String> lines) {
    return new LineEntry(String.join("", lines), null, null, null, null);
  }

  boolean hasKey() {
    return key != null;
  }

  LineEntry withValue(String newValue, String written) {
    return new LineEntry(head + written + end, key, head, newValue, end);
  }

  /** Physical lines with their terminators ({@code \n}, {@code \r\n} or {@code \r}). */
  static List<String> physicalLines(String text) {
    List<String> lines = new java.util.ArrayList<>();
    int from = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        lines.add(text.substring(from, i + 1));
        from = i + 1;
      }
    }
    if (from < text.length()) {
      lines.add(text.substring(from));
    }
    return lines;
  }

  /** A physical line without its terminator. */
  static String content(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
      end--;
    }
    return line.substring(0, end);
  }

  /** The terminator of the last of these physical lines, empty at the end of the file. */
  static String end(List<String> lines) {
    String last = lines.get(lines.size() - 1);
    return last.substring(content(last).length());
  }

  @Override
  public String toString() {
    return "LineEntry[" + key + ", value=(redacted)]";
  }
}
