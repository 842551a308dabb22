package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * Plaintext never lands in a pooled buffer: only socket reads and the transport's copies of written
 * records (ciphertext) come from the pool.
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
}
