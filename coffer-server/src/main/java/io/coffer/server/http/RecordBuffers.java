package io.coffer.server.http;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * Buffers for a TLS listener: what is read from the socket (TLS records: ciphertext under the
 * connection's own keys) comes from a pool, every other buffer (decrypted requests, answers before
 * encryption) is a fresh heap buffer, never shared between connections. Should a pooled record be
 * given back too early, another connection would read bytes it cannot decrypt and fail; it could
 * never see a client's request or answer. A fresh direct buffer for every socket read cost a native
 * allocation and a cleaner each time (about 3 % of a GET's samples).
 */
final class RecordBuffers extends AbstractByteBufAllocator {
  private static final int PAGE = 8192;
  // 8 KiB << 9: 4 MiB chunks, as Netty's default.
  private static final int CHUNK_ORDER = 9;

  private final PooledByteBufAllocator records;

  RecordBuffers(int eventLoops) {
    super(false);
    this.records = new PooledByteBufAllocator(true, 0, eventLoops, PAGE, CHUNK_ORDER, 0, 0, true);
  }

  // Fresh buffers, made directly: Netty's unpooled allocator counts each in a shared counter,
  // which both event loops contended for (2 % of a GET).

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return PlatformDependent.hasUnsafe()
        ? new UnpooledUnsafeDirectByteBuf(this, initialCapacity, maxCapacity)
        : new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  @Override
  public ByteBuf ioBuffer() {
    return records.directBuffer();
  }

  @Override
  public ByteBuf ioBuffer(int initialCapacity) {
    return records.directBuffer(initialCapacity);
  }

  @Override
  public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
    return records.directBuffer(initialCapacity, maxCapacity);
  }
}
