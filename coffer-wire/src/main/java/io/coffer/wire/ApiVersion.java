package io.coffer.wire;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Key Vault data-plane api-version, read from the {@code api-version} query parameter in one
 * place.
 *
 * <p>Every stable version that carries secrets is served, and so is any well-formed version newer
 * than the newest we know: SDKs move faster than servers, and a newer version is served with the
 * newest behaviour.
 */
public record ApiVersion(String value, int rank) implements Comparable<ApiVersion> {

  /** Stable versions with the secrets API, oldest first. */
  public static final List<String> STABLE =
      List.of(
          "2015-06-01",
          "2016-10-01",
          "7.0",
          "7.1",
          "7.2",
          "7.3",
          "7.4",
          "7.5",
          "7.6",
          "2025-07-01",
          "2026-04-01");

  public static final ApiVersion NEWEST = new ApiVersion("2026-04-01", STABLE.size() - 1);

  private static final List<String> PREVIEWS =
      List.of(
          "7.2-preview",
          "7.3-preview",
          "7.4-preview.1",
          "7.5-preview.1",
          "7.6-preview.1",
          "7.6-preview.2",
          "2025-06-01-preview",
          "2026-01-01-preview",
          "2026-03-01-preview");

  private static final Pattern DATED = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})(-preview)?");
  private static final Pattern NUMBERED =
      Pattern.compile("7\\.(\\d{1,2})(-preview(\\.\\d{1,2})?)?");

  public ApiVersion {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("api-version must not be empty");
    }
  }

  /**
   * Reads an api-version as the service would.
   *
   * @return the version, or empty when it is neither known nor a plausible newer version
   */
  public static Optional<ApiVersion> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    int stable = STABLE.indexOf(raw);
    if (stable >= 0) {
      return Optional.of(new ApiVersion(raw, stable));
    }
    if (PREVIEWS.contains(raw)) {
      return Optional.of(new ApiVersion(raw, rankOfPreview(raw)));
    }
    return newerThanNewest(raw) ? Optional.of(new ApiVersion(raw, NEWEST.rank)) : Optional.empty();
  }

  /** 2025-07-01 added {@code previousVersion} to secret bundles. */
  public boolean hasPreviousVersion() {
    return rank >= STABLE.indexOf("2025-07-01");
  }

  /** 7.1 added {@code recoverableDays} to attributes. */
  public boolean hasRecoverableDays() {
    return rank >= STABLE.indexOf("7.1");
  }

  @Override
  public int compareTo(ApiVersion other) {
    return Integer.compare(rank, other.rank);
  }

  @Override
  public String toString() {
    return value;
  }

  private static int rankOfPreview(String raw) {
    // A preview behaves like the stable version it leads up to.
    String base = raw.replaceFirst("-preview.*$", "");
    int index = STABLE.indexOf(base);
    if (index >= 0) {
      return Math.max(0, index - 1);
    }
    for (int i = STABLE.size() - 1; i >= 0; i--) {
      if (STABLE.get(i).compareTo(base) <= 0 && STABLE.get(i).length() == base.length()) {
        return i;
      }
    }
    return NEWEST.rank;
  }

  private static boolean newerThanNewest(String raw) {
    Matcher dated = DATED.matcher(raw);
    if (dated.matches()) {
      int month = Integer.parseInt(dated.group(2));
      int day = Integer.parseInt(dated.group(3));
      String date = raw.substring(0, 10);
      return month >= 1 && month <= 12 && day >= 1 && day <= 31 && date.compareTo(NEWEST.value) > 0;
    }
    Matcher numbered = NUMBERED.matcher(raw);
    return numbered.matches() && Integer.parseInt(numbered.group(1)) > 6;
  }
}
