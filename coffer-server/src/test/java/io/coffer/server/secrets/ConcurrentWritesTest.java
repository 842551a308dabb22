package io.coffer.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.models.SecretProperties;
import io.coffer.server.testing.RunningCoffer;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Concurrent writers through the SDK: every acknowledged set is a distinct, readable version. */
class ConcurrentWritesTest {

  @Test
  void concurrent_sets_of_one_name_each_create_a_distinct_version() throws Exception {
    RunningCoffer coffer = RunningCoffer.shared();
    SecretClient client = coffer.secretClient();
    String name = "contended-" + UUID.randomUUID().toString().substring(0, 8);
    int writers = 8;
    int setsEach = 20;
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ConcurrentHashMap<String, String> valueByVersion = new ConcurrentHashMap<>();

    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> running =
          java.util.stream.IntStream.range(0, writers)
              .mapToObj(w ->
                  pool.submit(() -> {
                    for (int i = 0; i < setsEach; i++) {
                      String value = "writer-" + w + "-set-" + i;
                      String version = client.setSecret(name, value).getProperties().getVersion();
                      acknowledged.add(version);
                      valueByVersion.put(version, value);
                    }
                  }))
              .collect(Collectors.toList());
      for (Future<?> future : running) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }

    Set<String> listed =
        client.listPropertiesOfSecretVersions(name).stream()
            .map(SecretProperties::getVersion)
            .collect(Collectors.toSet());
    assertThat(acknowledged).hasSize(writers * setsEach);
    assertThat(listed).isEqualTo(acknowledged);
    for (String version : List.copyOf(acknowledged).subList(0, 10)) {
      assertThat(client.getSecret(name, version).getValue()).isEqualTo(valueByVersion.get(version));
    }
  }
}
