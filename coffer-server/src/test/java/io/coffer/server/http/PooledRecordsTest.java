package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.Test;

/** Only ciphertext is pooled: the buffers TLS asks for as direct come back; heap ones never do. */
class PooledRecordsTest {
  private static final int RECORD = 16_709;

  @Test
  void a_released_record_buffer_is_handed_out_again() {
    PooledRecords.RecordPool pool = new PooledRecords.RecordPool();
    RetainableByteBuffer first = pool.acquire(RECORD, true);
    ByteBuffer held = first.getByteBuffer();
    assertThat(held.isDirect()).isTrue();
    first.release();

    RetainableByteBuffer second = pool.acquire(RECORD, true);
    assertThat(second.getByteBuffer()).isSameAs(held);
    second.release();
  }

  @Test
  void a_plaintext_buffer_is_never_handed_out_again() {
    PooledRecords.RecordPool pool = new PooledRecords.RecordPool();
    RetainableByteBuffer first = pool.acquire(RECORD, false);
    ByteBuffer held = first.getByteBuffer();
    assertThat(held.isDirect()).isFalse();
    first.release();

    for (int i = 0; i < 10; i++) {
      RetainableByteBuffer next = pool.acquire(RECORD, false);
      assertThat(next.getByteBuffer()).isNotSameAs(held);
      assertThat(next.getByteBuffer().isDirect()).isFalse();
      next.release();
    }
  }
}
