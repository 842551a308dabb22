package io.coffer.server.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Files that hold credentials or keys (dev.env, admin profiles, agent environments, the master
 * keys): readable only by their owner, and written whole or not at all — to a temporary file that
 * is synced and then moved over the old one.
 */
public final class OwnerOnlyFile {
  private OwnerOnlyFile() {}

  public static void write(Path file, String text) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path temp = Files.createTempFile(directory, ".coffer", ".tmp");
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** A shell file of {@code export NAME='value'} lines, for {@code . file}; values are quoted. */
  public static void writeShellEnvironment(Path file, String title, Map<String, String> values)
      throws IOException {
    StringBuilder text =
        new StringBuilder("# ").append(title).append(". Load it into a shell with: . ");
    text.append(file).append('\n');
    values.forEach((name, value) ->
        text.append("export ")
            .append(name)
            .append("='")
            .append(value.replace("'", "'\\''"))
            .append("'\n"));
    write(file, text.toString());
  }
}
