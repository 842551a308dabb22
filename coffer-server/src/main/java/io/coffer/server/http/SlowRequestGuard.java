package io.coffer.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that keeps sending bytes for a whole period without completing a request: a
 * slowloris client trickles header bytes to stay under the idle timeout forever. Silent connections
 * are left to the idle timeout; a connection that completes requests is never cut. It sits between
 * TLS and the HTTP decoder, so it counts request bytes; {@link NettyDoor} tells it of each request
 * head and each body's end.
 */
final class SlowRequestGuard extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(SlowRequestGuard.class);

  private final long periodMillis;
  private long bytes;
  private long requests;

  SlowRequestGuard(Duration period) {
    this.periodMillis = period.toMillis();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(ctx, requests, bytes);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (message instanceof ByteBuf data) {
      bytes += data.readableBytes();
    }
    ctx.fireChannelRead(message);
  }

  /** On the connection's event loop. */
  void requestReceived() {
    requests++;
  }

  private void arm(ChannelHandlerContext ctx, long requestsThen, long bytesThen) {
    ctx.executor()
        .schedule(() -> check(ctx, requestsThen, bytesThen), periodMillis, TimeUnit.MILLISECONDS);
  }

  private void check(ChannelHandlerContext ctx, long requestsThen, long bytesThen) {
    if (!ctx.channel().isOpen()) {
      return;
    }
    if (requests == requestsThen && bytes > bytesThen) {
      LOG.info("event=slow-request-dropped remote={}", ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    arm(ctx, requests, bytes);
  }
}
