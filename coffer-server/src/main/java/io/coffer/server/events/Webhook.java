package io.coffer.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP side of delivery: posting an event, and the two validation handshakes by which an
 * endpoint agrees to receive events (Event Grid's validation event, CloudEvents' OPTIONS request).
 * Event Grid waits 30 seconds for an answer; so does this.
 */
final class Webhook {
  /** The sender CloudEvents receivers written for Event Grid expect to be asked by. */
  static final String ORIGIN = "eventgrid.azure.net";

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** How an attempt went: a 2xx status is delivered; {@code outcome} names anything else. */
  record Outcome(int status, String outcome) {
    boolean delivered() {
      return status >= 200 && status <= 204;
    }

    /** Event Grid dead-letters these at once: the event will never be taken. */
    boolean permanent() {
      return status == 400 || status == 413;
    }
  }

  /** What the Event Grid handshake learned: agreed, or only answered (manual validation). */
  enum Handshake {
    AGREED,
    AWAITING_MANUAL_VALIDATION
  }

  /**
   * Made at the first delivery: building one (an SSL context, a selector thread) took a tenth of a
   * second of every start, and a server without subscriptions never needs one.
   */
  private HttpClient http;

  private synchronized HttpClient http() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
    }
    return http;
  }

  Outcome post(String endpoint, byte[] body, String contentType, Map<String, String> headers) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(endpoint))
              .timeout(TIMEOUT)
              .header("Content-Type", contentType)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(request::header);
      HttpResponse<Void> response =
          http().send(request.build(), HttpResponse.BodyHandlers.discarding());
      return new Outcome(response.statusCode(), outcome(response.statusCode()));
    } catch (HttpTimeoutException e) {
      return new Outcome(0, "TimedOut");
    } catch (IOException | IllegalArgumentException e) {
      return new Outcome(0, "Unreachable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(0, "Interrupted");
    }
  }

  /**
   * Event Grid's handshake: the validation event, answered 200 with {@code validationResponse}
   * equal to the code (or 200 alone, then the endpoint's owner opens the validation URL).
   */
  Handshake validateEventGrid(String endpoint, byte[] event, String code, String subscription) {
    try {
      HttpResponse<byte[]> response =
          http()
              .send(
                  HttpRequest.newBuilder(URI.create(endpoint))
                      .timeout(TIMEOUT)
                      .header("Content-Type", "application/json; charset=utf-8")
                      .header("aeg-event-type", "SubscriptionValidation")
                      .header("aeg-subscription-name", subscription)
                      .header("aeg-delivery-count", "0")
                      .header("aeg-data-version", "1")
                      .header("aeg-metadata-version", "1")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(event))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw refused(endpoint, "POST", Integer.toString(response.statusCode()));
      }
      return code.equals(validationResponse(response.body()).orElse(null))
          ? Handshake.AGREED
          : Handshake.AWAITING_MANUAL_VALIDATION;
    } catch (IOException | IllegalArgumentException e) {
      throw refused(endpoint, "POST", "Unknown");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw refused(endpoint, "POST", "Unknown");
    }
  }

  /**
   * CloudEvents' abuse protection: OPTIONS with {@code WebHook-Request-Origin}, answered 200 with
   * {@code WebHook-Allowed-Origin} naming that origin or {@code *}.
   */
  void validateCloudEvents(String endpoint) {
    try {
      HttpResponse<Void> response =
          http()
              .send(
                  HttpRequest.newBuilder(URI.create(endpoint))
                      .timeout(TIMEOUT)
                      .header("WebHook-Request-Origin", ORIGIN)
                      .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      String allowed = response.headers().firstValue("WebHook-Allowed-Origin").orElse("");
      if (response.statusCode() != 200) {
        throw refused(endpoint, "OPTIONS", Integer.toString(response.statusCode()));
      }
      if (!allowed.equals("*") && !allowed.equalsIgnoreCase(ORIGIN)) {
        throw refused(endpoint, "OPTIONS", "200 without WebHook-Allowed-Origin: " + ORIGIN);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw refused(endpoint, "OPTIONS", "Unknown");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw refused(endpoint, "OPTIONS", "Unknown");
    }
  }

  private static Optional<String> validationResponse(byte[] body) {
    try {
      JsonNode answer = EventBodies.Mapper.JSON.readTree(body);
      JsonNode code = answer == null ? null : answer.get("validationResponse");
      return code != null && code.isTextual() ? Optional.of(code.asText()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Event Grid's words for a failed handshake; the endpoint is named without its query. */
  private static io.coffer.server.CofferException.BadRequest refused(
      String endpoint, String method, String code) {
    return new io.coffer.server.CofferException.BadRequest(
        "Webhook validation handshake failed for "
            + baseUrl(endpoint)
            + ". Http "
            + method
            + " request failed with response code "
            + code
            + ".");
  }

  /** The endpoint without its query, which may hold a key: what is shown and logged. */
  static String baseUrl(String endpoint) {
    int query = endpoint.indexOf('?');
    return query < 0 ? endpoint : endpoint.substring(0, query);
  }

  private static String outcome(int status) {
    return switch (status) {
      case 200, 201, 202, 203, 204 -> "Delivered";
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 408 -> "TimedOut";
      case 413 -> "RequestEntityTooLarge";
      case 429 -> "Busy";
      case 503 -> "ServiceUnavailable";
      default -> "Http" + status;
    };
  }
}
