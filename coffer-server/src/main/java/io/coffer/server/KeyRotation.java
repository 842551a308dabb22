package io.coffer.server;

import io.coffer.server.crypto.Keyring;
import io.coffer.server.crypto.MasterKey;
import io.coffer.server.identity.SigningKeys;
import io.coffer.server.secrets.SecretService;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online master-key rotation: a new active key wraps everything new at once, and a background job
 * re-wraps what older keys wrapped, in batches, while every key stays able to open its own. Also
 * run at start-up, so a rotation interrupted by a stop, or one made by changing {@code
 * COFFER_MASTER_KEY}, completes.
 */
public final class KeyRotation {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);
  private static final int BATCH = 500;

  private final Keyring keyring;
  private final SecretService secrets;
  private final SigningKeys signingKeys;
  private final ExecutorService background;
  private final AtomicBoolean running = new AtomicBoolean();
  private final boolean shared;
  private final BiConsumer<MasterKey, MasterKey> rotated;

  /**
   * @param rotated told the new active key and the one it replaced, once the keyring is saved
   */
  KeyRotation(
      Keyring keyring,
      SecretService secrets,
      SigningKeys signingKeys,
      ExecutorService background,
      boolean shared,
      BiConsumer<MasterKey, MasterKey> rotated) {
    this.shared = shared;
    this.rotated = rotated;
    this.keyring = keyring;
    this.secrets = secrets;
    this.signingKeys = signingKeys;
    this.background = background;
  }

  /** What an administrator sees: the active key, all keys held, data keys not yet re-wrapped. */
  public record Status(String active, List<String> keys, long pending, boolean rewrapping) {}

  public Status status() {
    return new Status(
        keyring.active().id(),
        keyring.all().stream().map(MasterKey::id).toList(),
        secrets.pendingRewrap(),
        running.get());
  }

  /** Makes a new active master key and starts re-wrapping in the background. */
  public Status rotate() {
    if (shared) {
      // Each node holds its own copy of the keys: one node cannot hand a new key to the others.
      throw new CofferException.Conflict(
          "Several nodes share this storage: rotate by giving every node the new key first in its"
              + " keyring (master.key or COFFER_MASTER_KEY) and restarting them; the re-wrap runs"
              + " after the restarts.",
          CofferException.Reason.NONE);
    }
    MasterKey previous = keyring.active();
    MasterKey fresh = keyring.rotate();
    rotated.accept(fresh, previous);
    LOG.info("event=master-key-rotated active={} keys={}", fresh.id(), keyring.all().size());
    rewrapInBackground();
    return status();
  }

  /** Starts the re-wrap job unless it is already running. */
  public void rewrapInBackground() {
    if (running.compareAndSet(false, true)) {
      background.execute(this::rewrapAll);
    }
  }

  private void rewrapAll() {
    try {
      int signing = signingKeys.rewrap();
      long total = 0;
      for (int done = secrets.rewrap(BATCH); done > 0; done = secrets.rewrap(BATCH)) {
        total += done;
      }
      if (total + signing > 0) {
        LOG.info(
            "event=master-key-rewrapped versions={} signing_keys={} active={}",
            total,
            signing,
            keyring.active().id());
      }
    } catch (RuntimeException e) {
      LOG.error("event=master-key-rewrap-failed reason={}", e.getMessage());
    } finally {
      running.set(false);
    }
  }
}
