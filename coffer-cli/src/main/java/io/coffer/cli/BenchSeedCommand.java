package io.coffer.cli;

import io.coffer.server.Offline;
import io.coffer.server.secrets.NewSecret;
import io.coffer.server.secrets.SecretValue;
import io.coffer.server.vault.Vault;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coffer bench-seed}: loads many secrets into a stopped server's data directory through the
 * normal encryption path, in large transactions, so benchmarks can measure a vault of a million
 * secrets without a million HTTP calls. Not for production data.
 */
@Command(
    name = "bench-seed",
    hidden = true,
    description = "Load N generated secrets into a stopped server's vault (benchmarks only).")
final class BenchSeedCommand implements Callable<Integer> {
  @Option(names = "--data-dir", required = true)
  Path dataDir;

  @Option(names = "--vault", defaultValue = "main")
  String vault;

  @Option(names = "--count", defaultValue = "1000000")
  int count;

  @Option(names = "--prefix", defaultValue = "seed-")
  String prefix;

  @Option(names = "--value-size", defaultValue = "64", description = "characters per value")
  int valueSize;

  @Option(names = "--batch", defaultValue = "20000")
  int batch;

  @Override
  public Integer call() {
    long started = System.nanoTime();
    try (Offline offline = Offline.open(dataDir, System.getenv())) {
      Vault target = offline.vaults().named(vault);
      String filler = "x".repeat(Math.max(0, valueSize - 12));
      Map<String, NewSecret> chunk = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        chunk.put(
            prefix + i,
            new NewSecret(
                new SecretValue(String.format("%012d", i) + filler),
                Optional.empty(),
                Map.of(),
                true,
                OptionalLong.empty(),
                OptionalLong.empty()));
        if (chunk.size() == batch || i == count - 1) {
          offline.secrets().setAll(target, chunk);
          chunk.clear();
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("seeded %d secrets in %.1f s (%.0f/s)%n", count, seconds, count / seconds);
    return 0;
  }
}
