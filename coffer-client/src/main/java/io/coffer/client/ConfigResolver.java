package io.coffer.client;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Resolves a configuration: every value written as a {@link SecretReference} becomes the secret's
 * value, as the connectors' {@code secret.manager.*} settings allow (see {@link #references}). Each
 * secret is read once per resolution (through the cache); the resolved values exist only in the
 * returned map.
 */
public final class ConfigResolver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SecretCache cache;

  public ConfigResolver(SecretCache cache) {
    this.cache = cache;
  }

  /**
   * @throws ResolutionException naming the first key that could not be resolved
   */
  public Map<String, String> resolve(Map<String, String> config) {
    Map<String, SecretReference> references = references(config);
    // Each distinct secret once. What the cache holds is answered at once; the rest is fetched
    // all at the same time, so a cold resolution costs one round trip.
    Map<SecretReference, String> values = new HashMap<>();
    Map<SecretReference, String> missing = new LinkedHashMap<>();
    references.forEach((key, reference) -> {
      SecretReference secret = reference.secret();
      if (!values.containsKey(secret) && !missing.containsKey(secret)) {
        cache
            .fresh(secret)
            .ifPresentOrElse(value -> values.put(secret, value), () -> missing.put(secret, key));
      }
    });
    if (missing.size() == 1) {
      missing.forEach((secret, key) -> values.put(secret, read(key, secret)));
    } else if (!missing.isEmpty()) {
      Map<SecretReference, CompletableFuture<String>> fetching = new HashMap<>();
      try (ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor()) {
        missing.forEach((secret, key) ->
            fetching.put(secret, CompletableFuture.supplyAsync(() -> read(key, secret), parallel)));
      }
      fetching.forEach((secret, fetch) -> values.put(secret, join(fetch)));
    }
    Map<String, String> resolved = new LinkedHashMap<>(config);
    for (Map.Entry<String, SecretReference> entry : references.entrySet()) {
      String key = entry.getKey();
      SecretReference reference = entry.getValue();
      String whole = values.get(reference.secret());
      resolved.put(key, reference.jsonKey().isPresent() ? field(key, reference, whole) : whole);
    }
    return resolved;
  }

  private static String join(CompletableFuture<String> fetch) {
    try {
      return fetch.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * Which keys resolve, and to what; for showing what would resolve without reading anything. A
   * {@code ${coffer:...}} placeholder always resolves, as a Connect worker resolves it. A bare
   * reference resolves unless a {@link SecretManagerScope} around it says otherwise: its keys are
   * only those {@value SecretManagerScope#MANAGED_CONFIGS} lists (each must hold a reference), and
   * none when {@value SecretManagerScope#ENABLED} is false.
   *
   * @throws ResolutionException.InvalidReference naming the first key that is listed but missing or
   *     malformed
   */
  public static Map<String, SecretReference> references(Map<String, String> config) {
    List<SecretManagerScope> scopes = SecretManagerScope.in(config);
    for (SecretManagerScope scope : scopes) {
      for (String listed : scope.managedConfigs().orElse(List.of())) {
        if (!config.containsKey(scope.prefix() + listed)) {
          throw new ResolutionException.InvalidReference(
              scope.prefix() + listed,
              "is listed in "
                  + scope.prefix()
                  + SecretManagerScope.MANAGED_CONFIGS
                  + " but is not in the configuration");
        }
      }
    }
    Map<String, SecretReference> references = new LinkedHashMap<>();
    config.forEach((key, value) -> {
      if (value == null) {
        return;
      }
      Optional<SecretManagerScope> scope = SecretManagerScope.governing(scopes, key);
      boolean listed = scope.flatMap(SecretManagerScope::managedConfigs).isPresent();
      if (SecretReference.isPlaceholder(value)
          || (scope.map(s -> s.manages(key)).orElse(true)
              && (listed || SecretReference.looksLikeReference(value)))) {
        references.put(key, SecretReference.parse(key, value));
      }
    });
    return references;
  }

  private String read(String key, SecretReference reference) {
    try {
      return cache.get(reference);
    } catch (ResourceNotFoundException e) {
      throw new ResolutionException.SecretMissing(key, reference, "was not found");
    } catch (HttpResponseException e) {
      if (e.getResponse() != null
          && e.getResponse().getStatusCode() == 403
          && String.valueOf(e.getMessage()).contains("SecretDisabled")) {
        throw new ResolutionException.SecretMissing(key, reference, "is disabled");
      }
      throw new ResolutionException.VaultUnavailable(key, reference, e);
    } catch (RuntimeException e) {
      throw new ResolutionException.VaultUnavailable(key, reference, e);
    }
  }

  private static String field(String key, SecretReference reference, String whole) {
    JsonNode node;
    try {
      node = JSON.readTree(whole);
    } catch (JsonProcessingException e) {
      throw new ResolutionException.JsonKeyMissing(key, reference, "is not a JSON object");
    }
    if (node == null || !node.isObject()) {
      throw new ResolutionException.JsonKeyMissing(key, reference, "is not a JSON object");
    }
    JsonNode value = node.get(reference.jsonKey().orElseThrow());
    if (value == null || value.isNull()) {
      throw new ResolutionException.JsonKeyMissing(key, reference, "has no such key");
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }
}
