package io.coffer.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The trail writes its records by hand; they must read back as the same record. */
class AuditEventJsonTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  @Test
  void a_hand_written_record_is_what_jackson_writes_for_it() throws Exception {
    AuditEvent event =
        new AuditEvent(
            "2026-12-04T22:00:00.123Z",
            "req-\"1\"",
            "SecretGet",
            "oid\\with\\backslashes",
            "app\u0000\u0007\u001b[31m",
            "ü@exämple.com \u2028 😀",
            "tenant\r\n\t",
            "main",
            "x".repeat(1000),
            "",
            403,
            "Forbidden",
            "127.0.0.1",
            12);

    String json = event.json();

    assertThat(json).isEqualTo(JACKSON.writeValueAsString(event));
    assertThat(JACKSON.readValue(json, AuditEvent.class)).isEqualTo(event);
  }

  @Test
  void every_character_is_written_as_jackson_writes_it() throws Exception {
    for (char c = 0; c < Character.MAX_VALUE; c++) {
      String field = "a" + c + "b";
      AuditEvent event =
          new AuditEvent("t", field, "SecretGet", "", "", "", "", "", "", "", 200, "", field, 1);

      assertThat(event.json()).as("U+%04X", (int) c).isEqualTo(JACKSON.writeValueAsString(event));
    }
  }
}
