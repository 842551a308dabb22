package io.coffer.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.server.config.ConfigException;
import io.coffer.wire.Json;
import io.coffer.wire.WireException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's configuration file: where Coffer is, which tenant, which CA to trust, and the
 * identities with their host keys. Checked once at start; a wrong value names the key and the fix.
 */
public record AgentConfig(
    URI authority, String tenant, Optional<Path> caFile, List<AgentIdentity> identities) {

  private static final Set<String> KEYS = Set.of("authority", "tenant", "caFile", "identities");
  private static final Set<String> IDENTITY_KEYS =
      Set.of("clientId", "clientSecret", "kind", "name");
  private static final Set<PosixFilePermission> SHARED =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  public AgentConfig {
    if (!"https".equals(authority.getScheme()) || authority.getHost() == null) {
      throw new ConfigException(
          "authority", "'" + authority + "' is not an https URL", "e.g. https://localhost:8443");
    }
    if (!tenant.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,63}")) {
      throw new ConfigException(
          "tenant", "'" + tenant + "' is not a tenant", "a tenant id or name");
    }
    identities = List.copyOf(identities);
    if (identities.isEmpty()) {
      throw new ConfigException("identities", "the list is empty", "add at least one identity");
    }
    if (identities.stream().filter(i -> i.kind() == AgentIdentity.Kind.SYSTEM).count() > 1) {
      throw new ConfigException(
          "identities", "more than one is system-assigned", "a host has one; make the rest 'user'");
    }
    Set<String> clientIds = new HashSet<>();
    for (AgentIdentity identity : identities) {
      if (!clientIds.add(identity.clientId().toLowerCase(Locale.ROOT))) {
        throw new ConfigException(
            "identities", "client id " + identity.clientId() + " is listed twice", "list it once");
      }
    }
  }

  /** The token endpoint of this tenant. */
  URI tokenEndpoint() {
    String base = authority.toString().replaceAll("/+$", "");
    return URI.create(base + "/" + tenant + "/oauth2/v2.0/token");
  }

  /** Reads a config file that only its owner can read, since it holds host keys. */
  public static AgentConfig load(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.stream().anyMatch(SHARED::contains)) {
        throw new ConfigException(
            "--config",
            file + " holds host keys but other users can read or change it",
            "chmod 600 " + file);
      }
      JsonNode root = Json.readTree(Files.readAllBytes(file));
      return parse(root, file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new ConfigException("--config", "cannot read " + file, "pass a readable JSON file");
    } catch (WireException e) {
      throw new ConfigException("--config", file + " is not valid JSON", "fix its syntax");
    }
  }

  private static AgentConfig parse(JsonNode root, Path base) {
    requireKnownKeys(root, KEYS, "");
    Optional<Path> caFile = optionalText(root, "caFile").map(base::resolve);
    caFile.ifPresent(ca -> {
      if (!Files.isReadable(ca)) {
        throw new ConfigException("caFile", ca + " cannot be read", "point it at a PEM CA");
      }
    });
    JsonNode list = root.path("identities");
    if (!list.isArray()) {
      throw new ConfigException("identities", "missing or not a list", "a list of identities");
    }
    List<AgentIdentity> identities = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      identities.add(identity(list.get(i), "identities[" + i + "]"));
    }
    return new AgentConfig(
        URI.create(requiredText(root, "authority", "")),
        requiredText(root, "tenant", ""),
        caFile,
        identities);
  }

  private static AgentIdentity identity(JsonNode node, String where) {
    requireKnownKeys(node, IDENTITY_KEYS, where + ".");
    String kind = requiredText(node, "kind", where + ".");
    AgentIdentity.Kind parsed =
        switch (kind) {
          case "system" -> AgentIdentity.Kind.SYSTEM;
          case "user" -> AgentIdentity.Kind.USER;
          default ->
              throw new ConfigException(where + ".kind", "'" + kind + "'", "'system' or 'user'");
        };
    return new AgentIdentity(
        requiredText(node, "clientId", where + "."),
        requiredText(node, "clientSecret", where + "."),
        parsed,
        optionalText(node, "name"));
  }

  private static void requireKnownKeys(JsonNode node, Set<String> known, String prefix) {
    if (!node.isObject()) {
      throw new ConfigException(prefix.isEmpty() ? "--config" : prefix, "not an object", "{...}");
    }
    node.fieldNames()
        .forEachRemaining(key -> {
          if (!known.contains(key)) {
            throw new ConfigException(
                prefix + key, "unknown key", "remove it; known keys: " + known);
          }
        });
  }

  private static String requiredText(JsonNode node, String key, String prefix) {
    JsonNode value = node.path(key);
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new ConfigException(prefix + key, "missing or not a string", "set it");
    }
    return value.asText();
  }

  private static Optional<String> optionalText(JsonNode node, String key) {
    JsonNode value = node.path(key);
    return value.isTextual() && !value.asText().isBlank()
        ? Optional.of(value.asText())
        : Optional.empty();
  }
}
