package io.coffer.server.http;

import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS whose record buffers (the bytes on the wire, in and out) come from a pool, while every buffer
 * that holds plaintext stays fresh and unshared ({@link UnsharedBuffers}). The records are
 * ciphertext under the connection's own keys: should Jetty give one back too early (the race that
 * made plaintext buffers unshared), another connection would read bytes it cannot decrypt and fail,
 * never see a client's request or answer. Allocating both records afresh was 40 % of every GET's
 * allocation (a young collection every 6 ms at 20k GET/s); direct buffers also spare the copy the
 * JDK makes of a heap buffer at each socket read and write.
 *
 * <p>Jetty asks this factory's connections for direct buffers for records and heap buffers for
 * decrypted input; the pool hands out pooled buffers for the first only.
 */
final class PooledRecords extends SslConnectionFactory {
  /** Enough for a few hundred busy connections; a record released into a full pool is dropped. */
  private static final long POOLED_BYTES = 16L << 20;

  private final ByteBufferPool records = new RecordPool();

  PooledRecords(SslContextFactory.Server ssl, String nextProtocol) {
    super(ssl, nextProtocol);
    setDirectBuffersForEncryption(true);
    setDirectBuffersForDecryption(false);
  }

  @Override
  protected SslConnection newSslConnection(
      Connector connector, EndPoint endPoint, SSLEngine engine) {
    return new SslConnection(
        records,
        connector.getExecutor(),
        getSslContextFactory(),
        endPoint,
        engine,
        isDirectBuffersForEncryption(),
        isDirectBuffersForDecryption());
  }

  /** Direct buffers (records) pooled; heap buffers (plaintext) fresh each time. */
  static final class RecordPool extends ByteBufferPool.Wrapper {
    private final ByteBufferPool unshared = new UnsharedBuffers();

    RecordPool() {
      // Jetty's bucket sizes and counts; no heap buffer ever reaches it, direct ones up to the cap.
      super(new ArrayByteBufferPool(0, -1, -1, -1, 0, POOLED_BYTES));
    }

    @Override
    public RetainableByteBuffer.Mutable acquire(int size, boolean direct) {
      return direct ? super.acquire(size, true) : unshared.acquire(size, false);
    }
  }
}
