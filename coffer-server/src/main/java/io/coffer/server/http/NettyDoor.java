package io.coffer.server.http;

import io.coffer.wire.Json;
import io.coffer.wire.KeyVaultError;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The only door: turns one connection's HTTP requests into {@link Exchange}s, has the {@link
 * Pipeline} serve each, and writes the answers in order. A route marked inline (a secret read) runs
 * where storage says: on this connection's event loop when storage is this process's alone, or on
 * the read barrier's thread once the node's caches have caught up; it never waits for a body, and
 * one it did not read closes the connection after the answer. Every other request goes to a virtual
 * thread of its own at once, where reading a body or waiting on storage may block.
 *
 * <p>One request is served at a time per connection: a client that sends the next before the answer
 * (pipelining) has it held, and the connection unread, until the answer is written.
 */
final class NettyDoor extends ChannelInboundHandlerAdapter {
  /** A body left unread up to this size is read and dropped, so the connection can be reused. */
  private static final long DRAINED = 64 * 1024;

  /** How long a closing connection waits for its client to close first. */
  private static final Duration LINGER = Duration.ofSeconds(2);

  private static final Exchange.BodySource NO_BODY = limit -> new byte[0];

  private final Pipeline pipeline;
  private final Executor blocking;
  private final Executor reads;
  private final InFlight inFlight;
  private final SlowRequestGuard slow;
  private final AuditBatch audit;

  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext context;
  private boolean answering;
  private RequestBody receiving;
  private boolean closing;
  private final AtomicBoolean abandoned = new AtomicBoolean();

  /**
   * @param reads where inline routes run ({@link Services#reads})
   * @param inFlight the server's count of requests being served, which a stop waits on
   */
  NettyDoor(
      Pipeline pipeline,
      Executor blocking,
      Executor reads,
      InFlight inFlight,
      SlowRequestGuard slow,
      AuditBatch audit) {
    this.pipeline = pipeline;
    this.blocking = blocking;
    this.reads = reads;
    this.inFlight = inFlight;
    this.slow = slow;
    this.audit = audit;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.context = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (closing) {
      ReferenceCountUtil.release(message);
      return;
    }
    if (!held.isEmpty() || (message instanceof HttpRequest && answering)) {
      hold(message);
      return;
    }
    take(message);
  }

  private void hold(Object message) {
    held.add(message);
    context.channel().config().setAutoRead(false);
  }

  private void take(Object message) {
    if (message instanceof HttpRequest request) {
      begin(request);
      if (message instanceof LastHttpContent last) {
        // A request the decoder could not read comes whole, with its failure; nothing follows.
        ReferenceCountUtil.release(last);
      }
      return;
    }
    if (message instanceof HttpContent content) {
      boolean last = content instanceof LastHttpContent;
      if (receiving != null) {
        receiving.offer(content);
        if (last) {
          receiving = null;
          slow.requestReceived();
        }
      } else {
        // No one reads it: the rest of a body the answer went without.
        content.release();
      }
      return;
    }
    ReferenceCountUtil.release(message);
  }

  /** After an answer: the requests held meanwhile, in order, until one waits for its answer. */
  private void resume() {
    while (!held.isEmpty() && !(answering && held.peek() instanceof HttpRequest)) {
      take(held.poll());
    }
    if (held.isEmpty() && context.channel().isActive()) {
      context.channel().config().setAutoRead(true);
    }
  }

  private void begin(HttpRequest request) {
    slow.requestReceived();
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      refuse(request, unreadable(decoded.cause()), "The request could not be read.");
      return;
    }
    if (inFlight.stopping()) {
      refuse(request, 503, "The server is shutting down or overloaded; retry shortly.");
      return;
    }
    String uri = request.uri();
    RequestTarget target = RequestTarget.parse(uri);
    if (target == null) {
      refuse(request, 400, "The request target is not a validly encoded path.");
      return;
    }
    HttpHeaders headers = request.headers();
    long declared =
        HttpUtil.isTransferEncodingChunked(request) ? -1 : HttpUtil.getContentLength(request, 0L);
    RequestBody body =
        declared == 0
            ? null
            : new RequestBody(context.channel(), declared, HttpUtil.is100ContinueExpected(request));
    receiving = body;
    answering = true;
    inFlight.begin();
    Exchange exchange =
        new Exchange(
            request.method().name(),
            headers.get(HttpHeaderNames.HOST),
            target.path(),
            target.rawQuery(),
            () -> RequestTarget.query(target.rawQuery()),
            headers::get,
            address(context.channel().remoteAddress()),
            () -> RequestTarget.cookies(headers),
            body == null ? NO_BODY : body);
    boolean inline = pipeline.route(exchange);
    Runnable answer = () -> answer(request, exchange, body, inline);
    if (inline) {
      reads.execute(answer);
    } else {
      blocking.execute(answer);
    }
  }

  private void answer(HttpRequest request, Exchange exchange, RequestBody body, boolean inline) {
    try {
      pipeline.serve(exchange, audit, () -> respond(request, exchange, body, inline));
    } catch (RuntimeException | Error unexpected) {
      abandon();
      throw unexpected;
    }
  }

  /** Once the answer is final (its audit record written): writes it. */
  private void respond(HttpRequest request, Exchange exchange, RequestBody body, boolean inline) {
    try {
      boolean keep = HttpUtil.isKeepAlive(request) && !inFlight.stopping() && settled(body, inline);
      if (!keep) {
        exchange.header("Connection", "close");
      } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        exchange.header("Connection", "keep-alive");
      }
      FullHttpResponse response = response(request, exchange);
      context
          .writeAndFlush(response)
          .addListener((ChannelFutureListener) written -> answered(written, keep, body));
    } catch (RuntimeException | Error unexpected) {
      abandon();
      throw unexpected;
    }
  }

  /**
   * After a bug (serve and respond map every failure themselves): the connection cannot be trusted,
   * and its request no longer counts as in flight. Once, though both may see the same failure.
   */
  private void abandon() {
    if (abandoned.compareAndSet(false, true)) {
      context.channel().close();
      inFlight.end();
    }
  }

  /**
   * Whether the connection can carry the next request after this answer: the body arrived whole,
   * or, where waiting for it blocks no other request, what is left of a small one will be dropped
   * as it comes. A body the client holds back for a 100 (Continue) may never come.
   */
  private static boolean settled(RequestBody body, boolean inline) {
    if (body == null || body.complete()) {
      return true;
    }
    return !inline
        && !body.read()
        && !body.awaitingContinue()
        && body.declared() > 0
        && body.declared() <= DRAINED;
  }

  /** On the event loop, once the answer is written or failed to be. */
  private void answered(io.netty.channel.ChannelFuture written, boolean keep, RequestBody body) {
    inFlight.end();
    answering = false;
    if (!written.isSuccess()) {
      written.channel().close();
      return;
    }
    if (!keep) {
      closeAfterAnswer();
      return;
    }
    if (body != null && receiving == body) {
      body.abandon();
      receiving = null;
    }
    resume();
  }

  private static FullHttpResponse response(HttpRequest request, Exchange exchange) {
    byte[] body = exchange.answerBody();
    boolean head = exchange.method().equals("HEAD");
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            request.protocolVersion().equals(HttpVersion.HTTP_1_0)
                ? HttpVersion.HTTP_1_0
                : HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(exchange.status()),
            head || body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    HttpHeaders headers = response.headers();
    headers.add("Date", Headers.date());
    for (Map.Entry<String, String> header : exchange.answerHeaders().entrySet()) {
      headers.add(header.getKey(), header.getValue());
    }
    if (body.length > 0 || exchange.status() != 204) {
      headers.set("Content-Length", body.length);
    }
    return response;
  }

  /**
   * A request refused before it reaches the pipeline (unreadable, or the server stopping): in the
   * Azure shape, and the connection closed after it, since what follows on it cannot be trusted.
   */
  private void refuse(HttpRequest request, int status, String message) {
    answering = true;
    inFlight.begin();
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            Unpooled.wrappedBuffer(
                Json.write(KeyVaultError.of(Failures.codeFor(status), message))));
    HttpHeaders headers = response.headers();
    headers.add("Date", Headers.date());
    headers.add("Content-Type", Headers.JSON);
    headers.add("Connection", "close");
    if (status == 503) {
      headers.add("Retry-After", "1");
    }
    headers.setInt("Content-Length", response.content().readableBytes());
    context
        .writeAndFlush(response)
        .addListener((ChannelFutureListener) written -> answered(written, false, null));
  }

  /**
   * Ends the connection once its last answer is written. Closing a socket with request bytes still
   * unread makes the kernel reset it, and the reset can overtake the answer before the client reads
   * it: so the server says it is done, reads and drops whatever still comes, and closes when the
   * client does, or after {@link #LINGER}.
   */
  private void closeAfterAnswer() {
    closing = true;
    if (receiving != null) {
      receiving.abandon();
      receiving = null;
    }
    held.forEach(ReferenceCountUtil::release);
    held.clear();
    Channel channel = context.channel();
    SslHandler tls = context.pipeline().get(SslHandler.class);
    Future<?> done = tls != null ? tls.closeOutbound() : channel.newSucceededFuture();
    done.addListener(sent -> {
      if (channel instanceof DuplexChannel duplex && duplex.isActive()) {
        duplex.shutdownOutput();
      }
    });
    channel.config().setAutoRead(true);
    channel.eventLoop().schedule(() -> channel.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static int unreadable(Throwable cause) {
    return switch (cause) {
      case TooLongHttpLineException line -> 414;
      case TooLongHttpHeaderException headers -> 431;
      default -> 400;
    };
  }

  private static String address(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(remote);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ChannelInputShutdownEvent || event instanceof SslCloseCompletionEvent) {
      // The client sent all it will: a body still expected never comes; with nothing to answer,
      // the connection is done.
      if (receiving != null) {
        receiving.cutShort();
      }
      if (!answering || closing) {
        ctx.close();
      }
    } else if (event instanceof IdleStateEvent && !answering) {
      ctx.close();
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (receiving != null) {
      receiving.cutShort();
    }
    held.forEach(ReferenceCountUtil::release);
    held.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset by the client, a TLS failure: nothing can be answered on this connection.
    if (receiving != null) {
      receiving.cutShort();
    }
    ctx.close();
  }
}
