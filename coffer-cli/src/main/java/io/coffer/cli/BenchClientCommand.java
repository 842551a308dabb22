package io.coffer.cli;

import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import io.coffer.client.CacheMetrics;
import io.coffer.client.ConfigResolver;
import io.coffer.client.SecretCache;
import io.coffer.client.VaultAccess;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coffer bench-client}: how long resolving a five-secret configuration takes with a cold
 * cache and a warm one, and how many vault calls 1,000 connection checkouts cost (a checkout
 * resolves the user and password as {@code CofferDriver} does). Benchmarks only.
 */
@Command(
    name = "bench-client",
    hidden = true,
    description = "Measure coffer-client resolution latency and vault calls (benchmarks only).")
final class BenchClientCommand implements Callable<Integer> {
  @Option(names = "--vault-url", required = true, defaultValue = "${env:VAULT_URL}")
  String vaultUrl;

  @Option(names = "--rounds", defaultValue = "200")
  int rounds;

  @Mixin VaultLoginOptions login = new VaultLoginOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    VaultAccess access = VaultAccess.from(login.settings());
    SecretClient writer =
        new SecretClientBuilder()
            .vaultUrl(vaultUrl)
            .credential(VaultAccess.credential(login.settings()))
            .buildClient();
    Map<String, String> config = new LinkedHashMap<>();
    for (String field : new String[] {"host", "port", "database", "user", "password"}) {
      writer.setSecret("bench-client-" + field, "value-of-" + field);
      config.put("db." + field, vaultUrl + "::bench-client-" + field);
    }
    // The credential's first token is not what is measured.
    new ConfigResolver(SecretCache.withDefaults(access::fetch)).resolve(config);

    long[] cold = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      ConfigResolver fresh = new ConfigResolver(SecretCache.withDefaults(access::fetch));
      long t0 = System.nanoTime();
      fresh.resolve(config);
      cold[i] = System.nanoTime() - t0;
    }
    SecretCache shared = SecretCache.withDefaults(access::fetch);
    ConfigResolver warm = new ConfigResolver(shared);
    warm.resolve(config);
    long[] cached = new long[rounds * 10];
    for (int i = 0; i < cached.length; i++) {
      long t0 = System.nanoTime();
      warm.resolve(config);
      cached[i] = System.nanoTime() - t0;
    }
    SecretCache pool = SecretCache.withDefaults(access::fetch);
    ConfigResolver checkout = new ConfigResolver(pool);
    Map<String, String> credentials =
        Map.of("user", config.get("db.user"), "password", config.get("db.password"));
    for (int i = 0; i < 1_000; i++) {
      checkout.resolve(credentials);
    }
    CacheMetrics metrics = pool.metrics();

    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-48s %10s %10s%n", "coffer-client resolution (5 secrets)", "p50", "p99");
    out.printf("%-48s %10s %10s%n", "cold cache (5 vault calls)", ms(cold, 50), ms(cold, 99));
    out.printf("%-48s %10s %10s%n", "warm cache", ms(cached, 50), ms(cached, 99));
    out.printf("%-48s %10d%n", "vault calls for 1,000 checkouts (2 secrets)", metrics.vaultCalls());
    out.printf("%-48s %10d%n", "cache hits for those checkouts", metrics.hits());
    out.flush();
    return 0;
  }

  private static String ms(long[] samples, int percentile) {
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    long value = sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)];
    return String.format("%.3f ms", value / 1e6);
  }
}
