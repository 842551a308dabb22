package io.coffer.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiVersionTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01"})
  void every_stable_version_is_known(String version) {
    assertThat(ApiVersion.parse(version)).map(ApiVersion::value).hasValue(version);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-12-01", "2030-01-31-preview", "7.7", "7.10-preview.1"})
  void plausible_newer_versions_get_the_newest_behaviour(String version) {
    assertThat(ApiVersion.parse(version)).map(ApiVersion::rank).hasValue(ApiVersion.NEWEST.rank());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "7", "6.9", "2024-01-01", "2026-13-01", "2026-04-01x", "7.4 "})
  void unknown_or_malformed_versions_are_refused(String version) {
    assertThat(ApiVersion.parse(version)).isEmpty();
  }

  @Test
  void features_follow_the_version() {
    assertThat(ApiVersion.parse("7.0").orElseThrow().hasRecoverableDays()).isFalse();
    assertThat(ApiVersion.parse("7.1").orElseThrow().hasRecoverableDays()).isTrue();
    assertThat(ApiVersion.parse("7.6").orElseThrow().hasPreviousVersion()).isFalse();
    assertThat(ApiVersion.parse("2025-07-01").orElseThrow().hasPreviousVersion()).isTrue();
  }

  @Test
  void the_challenge_is_parseable_by_the_java_sdk_rules() {
    String header =
        new Challenge("https://localhost:8443", "t1", "https://vault.localhost:8443").header();
    assertThat(header)
        .isEqualTo(
            "Bearer authorization=\"https://localhost:8443/t1\", resource=\"https://vault.localhost:8443\"");
    assertThat(header.replace("\"", "").substring("Bearer ".length()).split(",")).hasSize(2);
  }
}
