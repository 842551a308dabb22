import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty alone, set up as Coffer sets it up (TLS 1.3, one selector per processor), answering every
 * request with the same bytes: what the HTTP server costs before Coffer does anything.
 *
 * <p>java JettyAlone PORT KEYSTORE.p12 PASSWORD BODY-FILE
 */
public final class JettyAlone {
  public static void main(String[] args) throws Exception {
    byte[] body = Files.readAllBytes(Path.of(args[3]));
    Server server = new Server();
    HttpConfiguration https = new HttpConfiguration();
    https.setSendServerVersion(false);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(args[1]);
    ssl.setKeyStorePassword(args[2]);
    ssl.setIncludeProtocols("TLSv1.3");
    int processors = Runtime.getRuntime().availableProcessors();
    ServerConnector connector =
        new ServerConnector(
            server,
            1,
            processors,
            new SslConnectionFactory(ssl, "http/1.1"),
            new HttpConnectionFactory(https));
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[0]));
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract.NonBlocking() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            response.setStatus(request.getHeaders().get("Authorization") == null ? 401 : 200);
            response.getHeaders().put("Content-Type", "application/json; charset=utf-8");
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
          }
        });
    server.start();
    server.join();
  }
}
