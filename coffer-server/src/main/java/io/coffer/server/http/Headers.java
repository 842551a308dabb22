package io.coffer.server.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/** The response headers the real service sends on every answer. */
final class Headers {
  /** Key Vault's spelling, space included; clients that compare it as text see the same. */
  static final String JSON = "application/json; charset=utf-8";

  static final String REQUEST_ID = "coffer.request-id";

  /**
   * Client correlation ids sent back as the real services do: Key Vault's, and MSAL's, which checks
   * that token answers carry it.
   */
  private static final List<String> ECHOED = List.of("x-ms-client-request-id", "client-request-id");

  private Headers() {}

  static void stamp(Context ctx) {
    ctx.attribute(REQUEST_ID, stamp(ctx::header, ctx.ip(), ctx::header));
  }

  /**
   * Sets the common headers through plain accessors, for routes served outside the framework too.
   *
   * @return the request id it assigned
   */
  static String stamp(
      Function<String, String> requestHeader,
      String clientAddress,
      BiConsumer<String, String> header) {
    // Request ids need uniqueness, not secrecy: skip the SecureRandom lock of randomUUID().
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
    header.accept("Cache-Control", "no-cache");
    header.accept("Pragma", "no-cache");
    header.accept("Expires", "-1");
    header.accept("x-ms-request-id", requestId);
    for (String echoed : ECHOED) {
      String value = requestHeader.apply(echoed);
      if (value != null && value.length() <= 256) {
        header.accept(echoed, value);
      }
    }
    // Azure's build number and region say which deployment answered; here it is always Coffer,
    // on this machine.
    header.accept("x-ms-keyvault-service-version", "coffer");
    header.accept("x-ms-keyvault-region", "local");
    header.accept("x-ms-keyvault-network-info", networkInfo(clientAddress));
    header.accept("X-Content-Type-Options", "nosniff");
    header.accept("Strict-Transport-Security", "max-age=31536000;includeSubDomains");
    return requestId;
  }

  /**
   * Types a JSON answer exactly as Key Vault does. The servlet layer re-spells a type it knows
   * ({@code application/json;charset=utf-8}, without the space) even when the header is set
   * directly, through a wrapper around Jetty's own fields; so its view is set first, for the
   * framework's sake, and the header is then written into the fields beneath that wrapper.
   */
  static void json(Context ctx) {
    ctx.contentType(JSON);
    HttpFields.Mutable fields =
        ServletContextResponse.getServletContextResponse(ctx.res()).getHeaders();
    while (fields instanceof HttpFields.Mutable.Wrapper wrapper) {
      fields = wrapper.getWrapped();
    }
    fields.put(HttpHeader.CONTENT_TYPE, JSON);
  }

  /** An answer without a body (204) has no type: Javalin would otherwise say text/plain. */
  static void untyped(Context ctx) {
    ctx.res().setContentType(null);
  }

  /** Which address the service saw the request come from, in Key Vault's own format. */
  private static String networkInfo(String clientAddress) {
    boolean v6 = clientAddress != null && clientAddress.indexOf(':') >= 0;
    return "conn_type="
        + (v6 ? "Ipv6" : "Ipv4")
        + ";addr="
        + clientAddress
        + ";act_addr_fam="
        + (v6 ? "InterNetworkV6" : "InterNetwork")
        + ";";
  }
}
