package io.coffer.server;

import io.coffer.server.crypto.Envelope;
import io.coffer.server.crypto.Keyring;
import io.coffer.server.crypto.SealedBlob;
import io.coffer.server.secrets.Backups;
import io.coffer.server.secrets.SecretService;
import io.coffer.server.storage.Storage;
import io.coffer.server.vault.Vaults;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A data directory opened without serving it, for tools that work on a stopped server (bulk loads
 * for benchmarks, imports): the same storage, keys and services a running server uses.
 */
public final class Offline implements AutoCloseable {
  private final Storage storage;
  private final SecretService secrets;
  private final Vaults vaults;
  private final DataDirLock lock;

  private Offline(Storage storage, SecretService secrets, Vaults vaults, DataDirLock lock) {
    this.lock = lock;
    this.storage = storage;
    this.secrets = secrets;
    this.vaults = vaults;
  }

  /**
   * Opens a data directory a server has initialised.
   *
   * @throws io.coffer.server.config.ConfigException while a server (or another tool) has it open
   */
  public static Offline open(Path dataDir, Map<String, String> environment) {
    return DataDirLock.holding(dataDir, lock -> open(dataDir, environment, lock));
  }

  private static Offline open(Path dataDir, Map<String, String> environment, DataDirLock lock) {
    Keyring keyring = Keyring.load(dataDir, environment);
    Storage storage = Storage.openSqlite(dataDir.resolve("coffer.db"));
    Clock clock = Clock.systemUTC();
    SecretService secrets =
        new SecretService(
            storage.secrets(),
            new Envelope(keyring),
            new Backups(new SealedBlob(keyring, "secret-backup")),
            clock);
    return new Offline(storage, secrets, new Vaults(storage.vaults(), clock), lock);
  }

  public SecretService secrets() {
    return secrets;
  }

  public Vaults vaults() {
    return vaults;
  }

  @Override
  public void close() {
    storage.close();
    lock.close();
  }
}
