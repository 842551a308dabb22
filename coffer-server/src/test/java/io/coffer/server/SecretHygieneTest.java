package io.coffer.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.azure.security.keyvault.secrets.SecretClient;
import io.coffer.server.testing.RunningCoffer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Marker values sent through every path never show up in a log line or an error body. */
class SecretHygieneTest {

  @Test
  void marker_values_never_reach_logs_or_error_bodies() {
    RunningCoffer coffer = RunningCoffer.shared();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger coffers = (Logger) LoggerFactory.getLogger("io.coffer");
    Level before = coffers.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    coffers.setLevel(Level.DEBUG);
    String marker = "HYGIENE-" + UUID.randomUUID();
    List<String> bodies = new ArrayList<>();
    try {
      SecretClient client = coffer.secretClient();
      String name = "hygiene-" + UUID.randomUUID().toString().substring(0, 8);
      client.setSecret(name, marker + "-value");
      client.getSecret(name);
      byte[] backup = client.backupSecret(name);
      client.beginDeleteSecret(name).waitForCompletion();
      client.purgeDeletedSecret(name);
      client.restoreSecretBackup(backup);

      String token = coffer.token();
      for (String[] call :
          new String[][] {
            {"PUT", "/secrets/bad_name", "{\"value\":\"" + marker + "\"}"},
            {
              "PUT", "/secrets/" + name + "x", "{\"value\":\"" + marker + "x".repeat(25_600) + "\"}"
            },
            {"PUT", "/secrets/" + name + "y", "{\"value\":\"" + marker + "\",\"tags\":7}"},
            {"PUT", "/secrets/" + name + "z", "{\"value\":\"" + marker + "\""},
            {"POST", "/secrets/restore", "{\"value\":\"" + marker + "\"}"},
            {"PATCH", "/secrets/" + name, "{\"value\":\"" + marker + "\",\"contentType\":5}"}
          }) {
        HttpResponse<String> response =
            coffer.send(
                HttpRequest.newBuilder(URI.create(coffer.vaultUrl() + call[1] + "?api-version=7.4"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(call[0], HttpRequest.BodyPublishers.ofString(call[2]))
                    .build());
        assertThat(response.statusCode()).isBetween(400, 499);
        bodies.add(response.body());
      }
      HttpResponse<String> badSecret =
          coffer.send(
              HttpRequest.newBuilder(
                      URI.create(
                          coffer.credentials().authorityHost()
                              + "/"
                              + coffer.credentials().tenantId()
                              + "/oauth2/v2.0/token"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "grant_type=client_credentials&client_id="
                              + coffer.credentials().clientId()
                              + "&client_secret="
                              + marker
                              + "&scope=x/.default"))
                  .build());
      bodies.add(badSecret.body());
    } finally {
      root.detachAppender(logs);
      coffers.setLevel(before);
    }

    assertThat(logs.list).as("the access log saw the requests").isNotEmpty();
    for (ILoggingEvent event : logs.list) {
      String text =
          event.getFormattedMessage()
              + (event.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(event.getThrowableProxy()));
      assertThat(text).doesNotContain(marker);
    }
    for (String body : bodies) {
      assertThat(body).doesNotContain(marker);
    }
  }
}
