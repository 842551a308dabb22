package io.coffer.server.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The response headers the real service sends on every answer. */
final class Headers {
  /** Key Vault's spelling, space included; clients that compare it as text see the same. */
  static final String JSON = "application/json; charset=utf-8";

  /**
   * Client correlation ids sent back as the real services do: Key Vault's, and MSAL's, which checks
   * that token answers carry it.
   */
  private static final List<String> ECHOED = List.of("x-ms-client-request-id", "client-request-id");

  private Headers() {}

  /**
   * Sets the headers every answer carries.
   *
   * @return the request id it assigned
   */
  static String stamp(Exchange exchange) {
    // Request ids need uniqueness, not secrecy: skip the SecureRandom lock of randomUUID().
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
    exchange
        .header("Cache-Control", "no-cache")
        .header("Pragma", "no-cache")
        .header("Expires", "-1")
        .header("x-ms-request-id", requestId);
    for (String echoed : ECHOED) {
      exchange.requestHeader(echoed).ifPresent(value -> exchange.header(echoed, value));
    }
    // Azure's build number and region say which deployment answered; here it is always Coffer,
    // on this machine.
    exchange
        .header("x-ms-keyvault-service-version", "coffer")
        .header("x-ms-keyvault-region", "local")
        .header("x-ms-keyvault-network-info", networkInfo(exchange.clientAddress()))
        .header("X-Content-Type-Options", "nosniff")
        .header("Strict-Transport-Security", "max-age=31536000;includeSubDomains");
    return requestId;
  }

  /** The Date header of this second, formatted once a second rather than once an answer. */
  static String date() {
    long second = System.currentTimeMillis() / 1000;
    DateOfSecond cached = date;
    if (cached.second() != second) {
      cached =
          new DateOfSecond(
              second, HTTP_DATE.format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC)));
      date = cached;
    }
    return cached.text();
  }

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

  private record DateOfSecond(long second, String text) {}

  private static volatile DateOfSecond date = new DateOfSecond(-1, "");

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
