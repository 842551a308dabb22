package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * Plaintext never lands in a pooled buffer: only socket reads and the transport's copies of written
 * records (ciphertext) come from the pool. An event loop reuses the arrays of record-sized heap
 * buffers, zeroed.
 */
class RecordBuffersTest {
  private final RecordBuffers buffers = new RecordBuffers(1);

  @Test
  void socket_reads_and_direct_buffers_come_from_the_pool() {
    ByteBuf read = buffers.reads().newHandle().allocate(UnpooledByteBufAllocator.DEFAULT);
    ByteBuf copy = buffers.directBuffer(600);
    try {
      assertThat(read.alloc()).isInstanceOf(PooledByteBufAllocator.class);
      assertThat(copy.alloc()).isInstanceOf(PooledByteBufAllocator.class);
      assertThat(buffers.isDirectBufferPooled()).isTrue();
    } finally {
      read.release();
      copy.release();
    }
  }

  @Test
  void heap_and_io_buffers_which_hold_plaintext_are_fresh() {
    // Netty's TLS handler gathers an answer over 16 KiB into an ioBuffer before encrypting it.
    ByteBuf gathered = buffers.ioBuffer(20_000);
    ByteBuf decrypted = buffers.buffer(1_000);
    ByteBuf composed = buffers.heapBuffer(16_709);
    try {
      for (ByteBuf plain : new ByteBuf[] {gathered, decrypted, composed}) {
        assertThat(plain.isDirect()).isFalse();
        assertThat(plain.alloc()).isSameAs(buffers);
      }
    } finally {
      gathered.release();
      decrypted.release();
      composed.release();
    }
  }

  @Test
  void a_record_is_the_size_the_jdk_engine_writes_records_into() throws Exception {
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(null, null, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    // Else no array would be reused, and every record sent would allocate one again.
    assertThat(engine.getSession().getPacketBufferSize()).isEqualTo(RecordBuffers.RECORD);
  }

  @Test
  void an_event_loop_reuses_a_record_sized_array_zeroed_and_other_threads_do_not()
      throws Exception {
    byte[][] seen = new byte[4][];
    FastThreadLocalThread loop =
        new FastThreadLocalThread(() -> {
          ByteBuf first = buffers.heapBuffer(16_709);
          first.writeBytes("a value to forget".getBytes(StandardCharsets.UTF_8));
          first.setByte(RecordBuffers.RECORD - 1, 7); // written past the index, too
          seen[0] = first.array();
          first.release();
          ByteBuf second = buffers.heapBuffer(16_709);
          seen[1] = second.array();
          seen[3] = second.array().clone(); // as the second user finds it
          second.release();
          ByteBuf small = buffers.heapBuffer(16_000);
          seen[2] = small.array();
          small.release();
        });
    loop.start();
    loop.join();
    assertThat(seen[1]).isSameAs(seen[0]);
    assertThat(seen[3]).hasSize(RecordBuffers.RECORD).containsOnly(0);
    assertThat(seen[2]).hasSize(16_000);

    ByteBuf elsewhere = buffers.heapBuffer(16_709);
    ByteBuf again = buffers.heapBuffer(16_709);
    try {
      assertThat(elsewhere.array()).isNotSameAs(again.array());
      assertThat(elsewhere.capacity()).isEqualTo(16_709);
    } finally {
      elsewhere.release();
      again.release();
    }
  }
}
