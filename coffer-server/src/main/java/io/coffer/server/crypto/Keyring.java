package io.coffer.server.crypto;

import io.coffer.server.CofferException;
import io.coffer.server.config.ConfigException;
import io.coffer.server.config.OwnerOnlyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The master keys: the active one wraps every new data key; the ones it replaced stay to open what
 * they wrapped until it is re-wrapped, and to open backups made before. They come from {@code
 * COFFER_MASTER_KEY} (base64 keys separated by commas, the active first) or from {@code
 * <data-dir>/master.key} (one base64 key per line, the active first), created 0600 at first start
 * and refused when others can read it. Only a file-held keyring rotates online.
 */
public final class Keyring {
  public static final String ENV = "COFFER_MASTER_KEY";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Optional<Path> file;
  private volatile List<MasterKey> keys;

  private Keyring(Optional<Path> file, List<MasterKey> keys) {
    this.file = file;
    this.keys = List.copyOf(keys);
  }

  /** Loads the keys from the environment or the data directory, creating a key if needed. */
  public static Keyring load(Path dataDir, Map<String, String> environment) {
    String fromEnv = environment.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      List<MasterKey> keys = new ArrayList<>();
      for (String part : fromEnv.split(",")) {
        if (!part.isBlank()) {
          keys.add(MasterKey.parse(part.trim(), ENV));
        }
      }
      return new Keyring(Optional.empty(), keys);
    }
    Path file = dataDir.resolve("master.key");
    try {
      if (!Files.exists(file)) {
        Keyring created = new Keyring(Optional.of(file), List.of(MasterKey.generate()));
        created.save();
        return created;
      }
      if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
        throw new ConfigException(
            "master-key", file + " is readable by others", "chmod 600 " + file);
      }
      List<MasterKey> keys = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          keys.add(MasterKey.parse(line.trim(), file.toString()));
        }
      }
      if (keys.isEmpty()) {
        throw new ConfigException("master-key", file + " holds no key", "restore it from backup");
      }
      return new Keyring(Optional.of(file), keys);
    } catch (IOException e) {
      throw new ConfigException("cannot read or create the master key at " + file, e);
    }
  }

  /** Keys given directly, the active first, for tests and tools. */
  public static Keyring of(MasterKey active, MasterKey... older) {
    List<MasterKey> keys = new ArrayList<>(List.of(active));
    keys.addAll(List.of(older));
    return new Keyring(Optional.empty(), keys);
  }

  public MasterKey active() {
    return keys.get(0);
  }

  public Optional<MasterKey> byId(String id) {
    for (MasterKey key : keys) {
      if (key.id().equals(id)) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  /**
   * The key the audit chain's MACs are made with under the master key {@code id}: derived from it,
   * so it is as safe as the keyring and never needs storing.
   */
  public Optional<byte[]> auditKey(String id) {
    return byId(id).map(key -> key.derive("coffer-audit-chain-v1"));
  }

  /**
   * Loads the keys from the environment or the data directory when they exist; unlike {@link
   * #load}, never creates a key (for tools that read a trail a server wrote).
   */
  public static Optional<Keyring> loadExisting(Path dataDir, Map<String, String> environment) {
    String fromEnv = environment.get(ENV);
    if ((fromEnv == null || fromEnv.isBlank()) && !Files.exists(dataDir.resolve("master.key"))) {
      return Optional.empty();
    }
    return Optional.of(load(dataDir, environment));
  }

  public List<MasterKey> all() {
    return keys;
  }

  /**
   * Makes a new active key and keeps the others; saved before it is used, so a crash leaves either
   * the old keyring or the new one, never a key that wrapped something and was lost.
   *
   * @throws CofferException.Conflict when the keys come from the environment
   */
  public synchronized MasterKey rotate() {
    if (file.isEmpty()) {
      throw new CofferException.Conflict(
          "The master keys come from "
              + ENV
              + ": put a new key first in it and restart; data is"
              + " re-wrapped in the background after the restart.",
          CofferException.Reason.NONE);
    }
    List<MasterKey> next = new ArrayList<>();
    next.add(MasterKey.generate());
    next.addAll(keys);
    Keyring rotated = new Keyring(file, next);
    rotated.save();
    keys = rotated.keys;
    return active();
  }

  private void save() {
    Path target = file.orElseThrow();
    StringBuilder text = new StringBuilder();
    for (MasterKey key : keys) {
      text.append(key.encoded()).append('\n');
    }
    try {
      OwnerOnlyFile.write(target, text.toString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the master keys to " + target, e);
    }
  }

  @Override
  public String toString() {
    return "Keyring[active=" + active().id() + ", keys=" + keys.size() + "]";
  }
}
