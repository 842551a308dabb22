package io.coffer.server.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The trail lays its lines out in bytes; they must be the lines the chain has always had, which
 * verification (and every trail written before) reads as text: the record without its brace, the
 * key, the hash it chains to, and the MAC or SHA-256 of that, hex in lower case.
 */
class ChainedLinesTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(UTF_8);

  @Test
  void keyed_lines_are_the_lines_the_chain_has_always_had() {
    ChainedLines lines = new ChainedLines(",\"key\":\"k1\"", Optional.of(AuditKeys.hmac(KEY)));

    List<String> records = records(5);
    String last = write(lines, AuditChain.GENESIS, records);

    assertThat(written(lines)).isEqualTo(asText(records, AuditChain.GENESIS, true));
    assertThat(last).isEqualTo(lastHash(asText(records, AuditChain.GENESIS, true)));
  }

  @Test
  void plain_lines_are_the_lines_the_chain_has_always_had_and_a_write_chains_to_the_last() {
    ChainedLines lines = new ChainedLines("", Optional.empty());
    List<String> first = records(3);
    String previous = write(lines, AuditChain.GENESIS, first);

    List<String> second = records(2);
    write(lines, previous, second);

    assertThat(previous).isEqualTo(lastHash(asText(first, AuditChain.GENESIS, false)));
    assertThat(written(lines)).isEqualTo(asText(second, previous, false));
  }

  @Test
  void a_write_larger_than_the_array_grows_it_and_the_next_write_starts_clean() {
    ChainedLines lines = new ChainedLines(",\"key\":\"k1\"", Optional.of(AuditKeys.hmac(KEY)));
    List<String> many = records(2_000); // about 600 KB of lines
    String previous = write(lines, AuditChain.GENESIS, many);

    assertThat(written(lines)).isEqualTo(asText(many, AuditChain.GENESIS, true));

    List<String> one = records(1);
    write(lines, previous, one);

    assertThat(lines.count()).isEqualTo(1);
    assertThat(written(lines)).isEqualTo(asText(one, previous, true));
  }

  @Test
  void each_line_is_found_where_it_lies() {
    ChainedLines lines = new ChainedLines("", Optional.empty());
    List<String> records = records(4);
    write(lines, AuditChain.GENESIS, records);

    List<String> expected =
        Arrays.asList(asText(records, AuditChain.GENESIS, false).split("(?<=\n)"));
    for (int i = 0; i < lines.count(); i++) {
      String line = new String(lines.bytes(), lines.from(i), lines.to(i) - lines.from(i), UTF_8);
      assertThat(line).isEqualTo(expected.get(i));
    }
  }

  /** One write of the records, chained to {@code previous}: the hash the next write chains to. */
  private static String write(ChainedLines lines, String previous, List<String> records) {
    lines.start(previous);
    records.forEach(lines::add);
    return lines.lastHash();
  }

  /** Records with what a record may hold: escapes, letters beyond ASCII, a character beyond BMP. */
  private static List<String> records(int count) {
    List<String> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(
          new AuditEvent(
                  "2026-12-06T16:00:00.000Z",
                  "req-" + i,
                  "SecretGet",
                  "oid-\"" + i + "\"\\",
                  "app",
                  "ü@exämple.com 😀",
                  "tenant",
                  "main",
                  "db-password-" + "x".repeat(i % 300),
                  "",
                  200,
                  "",
                  "127.0.0.1",
                  i)
              .json());
    }
    return records;
  }

  /** The lines as the trail wrote them before, as strings. */
  private static String asText(List<String> records, String previous, boolean keyed) {
    StringBuilder out = new StringBuilder();
    String prev = previous;
    for (String record : records) {
      String chained =
          record.substring(0, record.length() - 1)
              + (keyed ? ",\"key\":\"k1\"" : "")
              + ",\"prev\":\""
              + prev
              + "\"";
      prev = keyed ? AuditKeys.mac(KEY, chained) : AuditChain.hash(chained);
      out.append(chained).append(",\"hash\":\"").append(prev).append("\"}\n");
    }
    return out.toString();
  }

  private static String lastHash(String text) {
    String last = text.substring(text.lastIndexOf(",\"hash\":\"") + 9);
    return last.substring(0, last.length() - 3);
  }

  private static String written(ChainedLines lines) {
    ByteBuffer buffer = lines.buffer();
    return new String(buffer.array(), buffer.position(), buffer.remaining(), UTF_8);
  }
}
