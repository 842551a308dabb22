package io.coffer.client.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LineDiffTest {

  @Test
  void a_diff_shows_only_the_changed_lines_under_their_line_numbers() {
    String before = "url=jdbc:x?password=hidden\nuser=etl\npassword=********\nport=1\n";
    String after = "url=jdbc:x?password=hidden\nuser=etl\npassword=vault::db\nport=1\n";

    assertThat(LineDiff.of("app.properties", before, after))
        .isEqualTo(
            """
            --- app.properties
            +++ app.properties (migrated)
            @@ -3,1 +3,1 @@
            -password=********
            +password=vault::db
            """);
  }

  @Test
  void removed_lines_and_equal_texts() {
    assertThat(LineDiff.of("a.env", "A=1\nB=2\nC=3", "A=1\nC=3"))
        .isEqualTo("--- a.env\n+++ a.env (migrated)\n@@ -2,1 +1,0 @@\n-B=2\n");
    assertThat(LineDiff.of("a.env", "A=1", "A=1")).isEmpty();
  }
}
