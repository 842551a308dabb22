package io.coffer.cli.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.cli.CommandFailure;
import io.coffer.server.config.OwnerOnlyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Where the management API is and the administrator credential to call it with, as {@code coffer
 * admin bootstrap} (or dev mode) writes it: a JSON file readable only by its owner.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AdminProfile(
    String authority,
    String tenantId,
    String clientId,
    String clientSecret,
    String scope,
    String caFile) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public AdminProfile {
    if (authority == null || tenantId == null || clientId == null || clientSecret == null) {
      throw new CommandFailure(
          "the admin profile lacks authority, tenantId, clientId or clientSecret");
    }
    if (scope == null || scope.isBlank()) {
      scope = authority + "/admin/.default";
    }
    caFile = caFile == null ? "" : caFile;
  }

  static AdminProfile load(Path file) {
    if (!Files.isReadable(file)) {
      throw new CommandFailure(
          "no admin profile at "
              + file
              + "; run `coffer admin bootstrap` (or `./coffer dev`, which writes .coffer/admin.json)"
              + " or pass --profile");
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.stream()
          .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        throw new CommandFailure(file + " is readable by others; run: chmod 600 " + file);
      }
      return JSON.readValue(file.toFile(), AdminProfile.class);
    } catch (IOException e) {
      throw new CommandFailure("cannot read the admin profile " + file + ": " + e.getMessage());
    }
  }

  void save(Path file) {
    try {
      OwnerOnlyFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
    } catch (IOException e) {
      throw new CommandFailure("cannot write " + file + ": " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "AdminProfile[authority=" + authority + ", client=" + clientId + ", secret=(redacted)]";
  }
}
