package io.coffer.server.http;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Buffers for a TLS listener: what is read from and written to the socket (TLS records: ciphertext
 * under the connection's own keys) comes from a pool, every other buffer (decrypted requests,
 * answers before encryption) is a heap buffer of its own, never shared with another connection
 * while in use: fresh, or, for a buffer of exactly a TLS record's size (the JDK engine writes every
 * record it encrypts into one), an array an event loop reuses and zeroes whenever it is given back.
 * Should a pooled record be given back too early, another connection would read bytes it cannot
 * decrypt and fail; it could never see a client's request or answer. A fresh direct buffer for
 * every socket read and write cost a native allocation and a cleaner each time (3 % of a GET's
 * samples for the reads, 1.5 % for the writes).
 *
 * <p>Which is which goes by who asks. Socket reads take their buffers through {@link #reads()}. A
 * direct buffer is asked for only by the transport, to copy each record it writes (with the JDK's
 * TLS engine, Netty's TLS handler and HTTP codec ask for heap buffers), and only because this
 * allocator says its direct buffers are pooled. {@code ioBuffer} is not only the transport's: the
 * TLS handler gathers an answer over 16 KiB into one, so it is a heap buffer here.
 */
final class RecordBuffers extends AbstractByteBufAllocator {
  private static final int PAGE = 8192;
  // 8 KiB << 4: 128 KiB chunks, each zeroed in full when made (a direct buffer is), one per event
  // loop: Netty's default 4 MiB would be 8 MiB of resident memory for a few records in flight. A
  // record is at most 16.7 KiB, a read at most 64 KiB.
  private static final int CHUNK_ORDER = 4;

  private final PooledByteBufAllocator records;

  RecordBuffers(int eventLoops) {
    super(false);
    this.records = new PooledByteBufAllocator(true, 0, eventLoops, PAGE, CHUNK_ORDER, 0, 0, true);
  }

  /** How the listener's connections read their sockets: into pooled buffers, sized as Netty's. */
  RecvByteBufAllocator reads() {
    return new AdaptiveRecvByteBufAllocator() {
      @Override
      @SuppressWarnings(
          "deprecation") // Netty 4.1's signature: Handle, which ExtendedHandle extends
      public Handle newHandle() {
        return new PooledReads((ExtendedHandle) super.newHandle());
      }
    };
  }

  // Fresh heap buffers, made directly: Netty's unpooled allocator counts each in a shared counter,
  // which both event loops contended for (2 % of a GET).

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return new RecycledHeap(this, initialCapacity, maxCapacity);
  }

  /**
   * The JDK's engine writes each TLS record into a buffer at least this large (its largest record
   * with header and tag), however little the record holds, and Netty asks for one per record sent:
   * a fresh one each time was a third of what the event loops allocated.
   */
  static final int RECORD = 16_709;

  // A few per event loop: an array is taken and given back on the same loop as a rule.
  private static final int KEPT = 4;

  private static final FastThreadLocal<ArrayDeque<byte[]>> RECORD_ARRAYS =
      new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<byte[]> initialValue() {
          return new ArrayDeque<>(KEPT);
        }
      };

  /**
   * A fresh heap buffer, except that an array of exactly a record's size is reused on an event
   * loop's thread, zeroed when given back: a reused array holds nothing a fresh one would not.
   */
  private static final class RecycledHeap extends UnpooledHeapByteBuf {
    RecycledHeap(ByteBufAllocator alloc, int initialCapacity, int maxCapacity) {
      super(alloc, initialCapacity, maxCapacity);
    }

    @Override
    protected byte[] allocateArray(int capacity) {
      if (capacity == RECORD && Thread.currentThread() instanceof FastThreadLocalThread) {
        byte[] kept = RECORD_ARRAYS.get().pollFirst();
        if (kept != null) {
          return kept;
        }
      }
      return new byte[capacity];
    }

    @Override
    protected void freeArray(byte[] array) {
      if (array.length == RECORD && Thread.currentThread() instanceof FastThreadLocalThread) {
        ArrayDeque<byte[]> kept = RECORD_ARRAYS.get();
        if (kept.size() < KEPT) {
          Arrays.fill(array, (byte) 0);
          kept.addFirst(array);
        }
      }
    }
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return records.directBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return true;
  }

  @Override
  public ByteBuf ioBuffer() {
    return heapBuffer();
  }

  @Override
  public ByteBuf ioBuffer(int initialCapacity) {
    return heapBuffer(initialCapacity);
  }

  @Override
  public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
    return heapBuffer(initialCapacity, maxCapacity);
  }

  /** Netty's read sizing, with each read's buffer from the pool. */
  private final class PooledReads extends RecvByteBufAllocator.DelegatingHandle
      implements RecvByteBufAllocator.ExtendedHandle {
    private final RecvByteBufAllocator.ExtendedHandle sizing;

    PooledReads(RecvByteBufAllocator.ExtendedHandle sizing) {
      super(sizing);
      this.sizing = sizing;
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator ignored) {
      return records.directBuffer(guess());
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier more) {
      return sizing.continueReading(more);
    }
  }
}
