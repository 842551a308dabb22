package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.Test;

/** Only ciphertext is pooled: the buffers TLS asks for as direct come back; heap ones never do. */
class PooledRecordsTest {
  private static final int RECORD = 16_709;

  private final PooledRecords.RecordPool pool = new PooledRecords.RecordPool();

  @Test
  void a_released_record_buffer_is_handed_out_again() {
    ByteBuffer released = usedOnce(true);
    assertThat(released.isDirect()).isTrue();

    RetainableByteBuffer next = pool.acquire(RECORD, true);
    assertThat(next.getByteBuffer()).isSameAs(released);
    next.release();
  }

  @Test
  void a_plaintext_buffer_is_never_handed_out_again() {
    ByteBuffer released = usedOnce(false);
    assertThat(released.isDirect()).isFalse();

    for (int i = 0; i < 10; i++) {
      RetainableByteBuffer next = pool.acquire(RECORD, false);
      assertThat(next.getByteBuffer()).isNotSameAs(released);
      next.release();
    }
  }

  /** A buffer acquired and given back, as a connection does after each record. */
  private ByteBuffer usedOnce(boolean direct) {
    RetainableByteBuffer buffer = pool.acquire(RECORD, direct);
    ByteBuffer held = buffer.getByteBuffer();
    buffer.release();
    return held;
  }
}
