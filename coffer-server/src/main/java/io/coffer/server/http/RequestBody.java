package io.coffer.server.http;

import io.coffer.server.CofferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A request's body as it arrives: the connection's event loop hands it the pieces, the request's
 * own thread reads them, only when its handler asks. Each piece is copied into a fresh array and
 * its buffer released at once, so no plaintext outlives the read that brought it. Past {@link
 * #HIGH} bytes waiting, the connection stops reading until the reader catches up: a client cannot
 * make the server hold more of a body than the handler has asked for.
 */
final class RequestBody implements Exchange.BodySource {
  private static final int HIGH = 64 * 1024;

  private final Channel channel;
  private final long declared;
  private final boolean expectsContinue;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<byte[]> pieces = new ArrayDeque<>();
  private long waiting;
  private boolean ended;
  private boolean broken;
  private boolean paused;
  private boolean read;
  private boolean continued;

  /**
   * @param declared the Content-Length, or -1 for a chunked body
   * @param expectsContinue the client waits for a 100 (Continue) before it sends the body
   */
  RequestBody(Channel channel, long declared, boolean expectsContinue) {
    this.channel = channel;
    this.declared = declared;
    this.expectsContinue = expectsContinue;
  }

  long declared() {
    return declared;
  }

  /** Whether the client still waits to be told to go on with its body; it may never send it. */
  boolean awaitingContinue() {
    return holding(() -> expectsContinue && !continued);
  }

  /** Whether every byte of the body arrived. */
  boolean complete() {
    return holding(() -> ended && !broken);
  }

  /** Whether the handler read the body (or tried to). */
  boolean read() {
    return holding(() -> read);
  }

  private boolean holding(BooleanSupplier state) {
    lock.lock();
    try {
      return state.getAsBoolean();
    } finally {
      lock.unlock();
    }
  }

  // The event loop's side.

  /** A piece of the body; the last one ends it. Releases the piece. */
  void offer(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    boolean failed = content.decoderResult().isFailure();
    ByteBuf data = content.content();
    byte[] copy = failed ? null : new byte[data.readableBytes()];
    if (copy != null) {
      data.readBytes(copy);
    }
    content.release();
    lock.lock();
    try {
      if (failed) {
        broken = true;
        ended = true;
      } else {
        if (copy.length > 0) {
          pieces.add(copy);
          waiting += copy.length;
        }
        ended |= last;
      }
      if (!ended && waiting > HIGH && channel.config().isAutoRead()) {
        paused = true;
        channel.config().setAutoRead(false);
      }
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The connection ended before the body did. */
  void cutShort() {
    lock.lock();
    try {
      if (!ended) {
        broken = true;
        ended = true;
        arrived.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The answer went without the body: drop what came of it. */
  void abandon() {
    lock.lock();
    try {
      pieces.clear();
      waiting = 0;
    } finally {
      lock.unlock();
    }
  }

  // The reader's side.

  /**
   * Reads at most {@code limit} bytes; a body that goes on past it is refused (413), one that ends
   * before its Content-Length or breaks its chunking is the client's mistake (400).
   */
  @Override
  public byte[] read(long limit) {
    if (channel.eventLoop().inEventLoop()) {
      // The body could never arrive: the thread that would bring it is the one waiting.
      throw new IllegalStateException("a request body is read on its connection's event loop");
    }
    long expected = declared > 0 ? Math.min(declared, limit + 1) : 0;
    ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(expected, 1 << 20));
    lock.lock();
    try {
      read = true;
      if (expectsContinue && !continued) {
        continued = true;
        channel.writeAndFlush(
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
      }
      while (true) {
        while (!pieces.isEmpty()) {
          byte[] piece = pieces.poll();
          waiting -= piece.length;
          body.write(piece, 0, piece.length);
          if (body.size() > limit) {
            throw new CofferException.TooLarge("The request body is too large.");
          }
        }
        if (paused) {
          paused = false;
          channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
        }
        if (ended) {
          break;
        }
        arrived.awaitUninterruptibly();
      }
      if (broken) {
        throw new CofferException.BadRequest(
            "The request body could not be read: it ended before its Content-Length or is"
                + " malformed.");
      }
      return body.toByteArray();
    } finally {
      lock.unlock();
    }
  }
}
