package io.coffer.server.secrets;

import io.coffer.server.CofferException.BadRequest;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The real service's limits on names, values, content types and tags. */
final class Limits {
  static final int MAX_VALUE_CHARS = 25_600;
  static final int MAX_CONTENT_TYPE = 255;
  static final int MAX_TAGS = 15;
  static final int MAX_TAG_NAME = 256;
  static final int MAX_TAG_VALUE = 256;
  static final int MAX_BACKUP_VERSIONS = 500;
  private static final Pattern NAME = Pattern.compile("[0-9a-zA-Z-]{1,127}");

  private Limits() {}

  static String name(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new BadRequest(
          "The request URI contains an invalid name: "
              + printable(name)
              + ". Secret names are 1-127 characters of letters, digits and dashes.");
    }
    return name;
  }

  static void value(SecretValue value) {
    if (value.text().length() > MAX_VALUE_CHARS) {
      throw new BadRequest(
          "The secret value is "
              + value.text().length()
              + " characters; the maximum is "
              + MAX_VALUE_CHARS
              + ".");
    }
  }

  static void contentType(Optional<String> contentType) {
    if (contentType.isPresent() && contentType.get().length() > MAX_CONTENT_TYPE) {
      throw new BadRequest("The content type is longer than " + MAX_CONTENT_TYPE + " characters.");
    }
  }

  static void tags(Map<String, String> tags) {
    if (tags.size() > MAX_TAGS) {
      throw new BadRequest(
          "The number of tags is " + tags.size() + "; the maximum is " + MAX_TAGS + ".");
    }
    for (var tag : tags.entrySet()) {
      if (tag.getKey().isEmpty() || tag.getKey().length() > MAX_TAG_NAME) {
        throw new BadRequest(
            "Tag names must be 1-" + MAX_TAG_NAME + " characters: " + printable(tag.getKey()));
      }
      if (tag.getValue().length() > MAX_TAG_VALUE) {
        throw new BadRequest(
            "The value of tag '"
                + printable(tag.getKey())
                + "' is longer than "
                + MAX_TAG_VALUE
                + " characters.");
      }
    }
  }

  /** Names are echoed in errors; keep them short and printable. */
  private static String printable(String text) {
    if (text == null) {
      return "(none)";
    }
    String cut = text.length() > 130 ? text.substring(0, 130) + "…" : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
