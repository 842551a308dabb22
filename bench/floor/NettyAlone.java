import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;

/**
 * Netty alone (the version Coffer serves on), TLS 1.3 by the JDK or by BoringSSL, one event loop
 * per processor, answering every request with the same bytes: the floor under Coffer's own work.
 *
 * <p>java NettyAlone PORT KEYSTORE.p12 PASSWORD BODY-FILE JDK|OPENSSL
 */
public final class NettyAlone {
  public static void main(String[] args) throws Exception {
    byte[] body = Files.readAllBytes(Path.of(args[3]));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
      keys.load(in, args[2].toCharArray());
    }
    KeyManagerFactory managers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    managers.init(keys, args[2].toCharArray());
    SslContext ssl =
        SslContextBuilder.forServer(managers)
            .sslProvider(SslProvider.valueOf(args[4]))
            .protocols("TLSv1.3")
            .build();
    int processors = Runtime.getRuntime().availableProcessors();
    new ServerBootstrap()
        .group(new EpollEventLoopGroup(1), new EpollEventLoopGroup(processors))
        .channel(EpollServerSocketChannel.class)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel channel) {
                channel
                    .pipeline()
                    .addLast(ssl.newHandler(channel.alloc()), new HttpServerCodec(), new Answer(body));
              }
            })
        .bind("127.0.0.1", Integer.parseInt(args[0]))
        .sync()
        .channel()
        .closeFuture()
        .sync();
  }

  private static final class Answer extends SimpleChannelInboundHandler<HttpRequest> {
    private final byte[] body;

    Answer(byte[] body) {
      this.body = body;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, HttpRequest request) {
      HttpResponseStatus status =
          request.headers().get("Authorization") == null
              ? HttpResponseStatus.UNAUTHORIZED
              : HttpResponseStatus.OK;
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
      response.headers().set("Content-Type", "application/json; charset=utf-8");
      response.headers().setInt("Content-Length", body.length);
      HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
      context.writeAndFlush(response);
    }
  }
}
