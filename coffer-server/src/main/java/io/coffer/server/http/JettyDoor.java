package io.coffer.server.http;

import io.coffer.server.CofferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.UrlEncoded;

/**
 * The only door: turns a Jetty request into an {@link Exchange}, has the {@link Pipeline} serve it,
 * and writes the answer. A route marked inline (a secret read) runs where storage says: on the I/O
 * thread that read the request when storage is this process's alone, saving a hand-over, or on a
 * virtual thread once the node's caches have caught up; it never waits for a body it did not read,
 * but closes the connection after the answer. Every other request goes to a virtual thread of its
 * own at once, where reading a body or waiting on storage may block.
 */
final class JettyDoor extends Handler.Abstract.NonBlocking {
  private final Map<String, Pipeline> pipelines;
  private final ExecutorService blocking;
  private final Executor reads;

  /**
   * @param pipelines the pipeline of each connector, by the connector's name: each listener serves
   *     its own route table
   * @param reads where inline routes run ({@link Services#reads})
   */
  JettyDoor(Map<String, Pipeline> pipelines, ExecutorService blocking, Executor reads) {
    this.pipelines = Map.copyOf(pipelines);
    this.blocking = blocking;
    this.reads = reads;
  }

  /** A body left unread up to this size is read and dropped, so the connection can be reused. */
  private static final long DRAINED = 64 * 1024;

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Pipeline pipeline = pipelines.get(request.getConnectionMetaData().getConnector().getName());
    Exchange exchange = exchange(request);
    if (pipeline.route(exchange)) {
      // Never waits for a body the answer did not need: the thread may be the I/O thread, or
      // the read barrier's, which other reads wait on.
      reads.execute(() ->
          IoThreads.answeringRead(
              () -> answer(pipeline, request, exchange, response, callback, false)));
    } else {
      blocking.execute(() -> answer(pipeline, request, exchange, response, callback, true));
    }
    return true;
  }

  private static void answer(
      Pipeline pipeline,
      Request request,
      Exchange exchange,
      Response response,
      Callback callback,
      boolean mayBlock) {
    try {
      pipeline.serve(exchange);
      settleBody(request, exchange, mayBlock);
      write(exchange, response, callback);
    } catch (Throwable unexpected) {
      callback.failed(unexpected);
    }
  }

  /**
   * A body the answer did not need (a refusal before it was read) must still leave the connection:
   * a small one is read and dropped where blocking is allowed; otherwise the connection closes
   * after the answer, which then says so, rather than leaving the client's next request to a
   * connection the server is about to drop.
   */
  private static void settleBody(Request request, Exchange exchange, boolean mayBlock)
      throws IOException {
    long length = request.getLength();
    boolean hasBody =
        length > 0 || (length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
    if (!hasBody || exchange.bodyRead()) {
      return;
    }
    if (mayBlock && length > 0 && length <= DRAINED) {
      Content.Source.consumeAll(request);
      return;
    }
    exchange.header("Connection", "close");
  }

  private static Exchange exchange(Request request) {
    HttpURI uri = request.getHttpURI();
    return new Exchange(
        request.getMethod(),
        request.getHeaders().get(HttpHeader.HOST),
        path(uri),
        uri.getQuery(),
        () -> query(uri.getQuery()),
        request.getHeaders()::get,
        Request.getRemoteAddr(request),
        () -> cookies(request),
        limit -> body(request, limit));
  }

  /**
   * The path decoded but not resolved: a dot segment stays a segment no route takes, never a way
   * from one route's authorization to another's. A path that cannot be decoded stays as sent, and
   * its '%' matches no route or name.
   */
  private static String path(HttpURI uri) {
    try {
      return URIUtil.decodePath(uri.getPath());
    } catch (RuntimeException e) {
      return uri.getPath();
    }
  }

  private static void write(Exchange exchange, Response response, Callback callback) {
    response.setStatus(exchange.status());
    // The answer's header names are unique already: add skips put's search for an earlier one.
    HttpFields.Mutable headers = response.getHeaders();
    exchange.answerHeaders().forEach(headers::add);
    byte[] body = exchange.answerBody();
    if (body.length > 0 || exchange.status() != 204) {
      headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    }
    boolean head = exchange.method().equals("HEAD");
    response.write(true, head ? null : ByteBuffer.wrap(body), callback);
  }

  /** The first value of each query parameter, names and values decoded as UTF-8. */
  private static Map<String, String> query(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Map.of();
    }
    Fields fields = new Fields();
    try {
      UrlEncoded.decodeUtf8To(raw, fields);
    } catch (RuntimeException e) {
      throw new CofferException.BadRequest("The query string is not validly encoded.");
    }
    Map<String, String> first = new HashMap<>();
    for (Fields.Field field : fields) {
      first.putIfAbsent(field.getName(), field.getValue());
    }
    return first;
  }

  private static Map<String, String> cookies(Request request) {
    Map<String, String> cookies = new HashMap<>();
    for (HttpCookie cookie : Request.getCookies(request)) {
      cookies.putIfAbsent(cookie.getName(), cookie.getValue());
    }
    return cookies;
  }

  /**
   * Reads at most {@code limit} bytes; a body that goes on past it is refused (413), one that ends
   * before its Content-Length or breaks its chunking is the client's mistake (400).
   */
  private static byte[] body(Request request, long limit) {
    byte[] bytes;
    try (InputStream in = Content.Source.asInputStream(request)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    } catch (IOException | RuntimeException e) {
      throw new CofferException.BadRequest(
          "The request body could not be read: it ended before its Content-Length or is"
              + " malformed.");
    }
    if (bytes.length > limit) {
      throw new CofferException.TooLarge("The request body is too large.");
    }
    return bytes;
  }
}
