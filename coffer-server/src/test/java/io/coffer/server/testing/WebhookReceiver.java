package io.coffer.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A webhook endpoint for tests, on loopback: answers Event Grid's validation event with its code
 * and CloudEvents' OPTIONS with the origin, records every request, and answers events with the
 * status its {@link #answer} says (200 unless told otherwise), after an optional delay.
 */
public final class WebhookReceiver implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received; {@code remotePort} tells which process sent it. */
  public record Received(
      String method, Map<String, String> headers, String body, Instant at, int remotePort) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public String header(String name) {
      return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), "");
    }
  }

  /** How to answer an event delivery. */
  public interface Answer {
    int status(Received request, int deliveriesSoFar);
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Answer answer = (request, n) -> 200;
  private volatile boolean echoValidation = true;
  private volatile Duration delay = Duration.ZERO;

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  public static WebhookReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      WebhookReceiver receiver = new WebhookReceiver(server);
      server.createContext("/", receiver::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/events?code=key-in-query";
  }

  public void answer(Answer answer) {
    this.answer = answer;
  }

  /** Answer the validation event with 200 but without the code (manual validation). */
  public void withoutValidationEcho() {
    this.echoValidation = false;
  }

  public void delay(Duration delay) {
    this.delay = delay;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Deliveries of events (not handshakes). */
  public List<Received> events() {
    return received.stream()
        .filter(r -> r.method().equals("POST") && r.header("aeg-event-type").equals("Notification"))
        .toList();
  }

  /** Waits until a recorded request satisfies {@code test}, for up to {@code within}. */
  public List<Received> await(Predicate<List<Received>> test, Duration within) {
    Instant deadline = Instant.now().plus(within);
    while (!test.test(received()) && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return received();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> headers = new java.util.TreeMap<>();
    exchange
        .getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
    Received request =
        new Received(
            exchange.getRequestMethod(),
            headers,
            body,
            Instant.now(),
            exchange.getRemoteAddress().getPort());
    received.add(request);
    if (request.method().equals("OPTIONS")) {
      exchange
          .getResponseHeaders()
          .add("WebHook-Allowed-Origin", request.header("WebHook-Request-Origin"));
      exchange.getResponseHeaders().add("WebHook-Allowed-Rate", "*");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
      return;
    }
    if (request.header("aeg-event-type").equals("SubscriptionValidation")) {
      byte[] answerBody =
          echoValidation
              ? ("{\"validationResponse\":\""
                      + request.json().get(0).path("data").path("validationCode").asText()
                      + "\"}")
                  .getBytes(StandardCharsets.UTF_8)
              : new byte[0];
      exchange.sendResponseHeaders(200, answerBody.length == 0 ? -1 : answerBody.length);
      if (answerBody.length > 0) {
        exchange.getResponseBody().write(answerBody);
      }
      exchange.close();
      return;
    }
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int status = answer.status(request, events().size() - 1);
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  /** Event ids of every delivered event body, in arrival order (duplicates kept). */
  public List<String> eventIds() {
    List<String> ids = new ArrayList<>();
    for (Received r : events()) {
      JsonNode json = r.json();
      ids.add((json.isArray() ? json.get(0) : json).path("id").asText());
    }
    return ids;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
