package io.coffer.server.http;

import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;

/**
 * Buffers that are never shared between connections: each is a fresh heap buffer, left to the
 * garbage collector when released. Jetty 12.1's pool (seen on 12.1.12 and 12.1.14) can take back a
 * TLS connection's request buffer while a second thread still fills it, when a request line is too
 * long and the 414 completes during the parse: the next connection to get that buffer parsed the
 * other client's bytes as its own request and closed without an answer. Clearing on acquire did not
 * close the race; not pooling does. Heap buffers keep the cost to an allocation per read.
 */
final class UnsharedBuffers extends ByteBufferPool.Wrapper {
  UnsharedBuffers() {
    super(new ByteBufferPool.NonPooling());
  }

  @Override
  public RetainableByteBuffer.Mutable acquire(int size, boolean direct) {
    return super.acquire(size, false);
  }
}
