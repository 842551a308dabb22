package io.coffer.server.secrets;

import io.coffer.server.CofferException.BadRequest;
import io.coffer.server.CofferException.Conflict;
import io.coffer.server.CofferException.Forbidden;
import io.coffer.server.CofferException.Reason;
import io.coffer.server.CofferException.SecretNotFound;
import io.coffer.server.crypto.Envelope;
import io.coffer.server.crypto.SealedValue;
import io.coffer.server.storage.ChangeKind;
import io.coffer.server.storage.SecretHead;
import io.coffer.server.storage.SecretListing;
import io.coffer.server.storage.SecretReads;
import io.coffer.server.storage.SecretStore;
import io.coffer.server.storage.SecretStore.SecretWrites;
import io.coffer.server.storage.VersionRecord;
import io.coffer.server.storage.WrappedKeyRecord;
import io.coffer.server.vault.Vault;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The twelve secret operations with the real service's rules: every PUT makes a version, DELETE is
 * a soft delete kept for the vault's retention, and a disabled version refuses GET. Each write is
 * durable before it returns.
 */
public final class SecretService {
  private static final long DAY = Duration.ofDays(1).toSeconds();

  private final SecretStore store;
  private final Envelope envelope;
  private final Backups backups;
  private final Clock clock;

  public SecretService(SecretStore store, Envelope envelope, Backups backups, Clock clock) {
    this.store = store;
    this.envelope = envelope;
    this.backups = backups;
    this.clock = clock;
  }

  public SecretVersion set(Vault vault, String rawName, NewSecret secret) {
    String name = Limits.name(rawName);
    check(secret);
    Sealed sealed = seal(vault, name, newVersionId(), secret);
    return store.write(tx -> setIn(tx, vault, name, secret, sealed));
  }

  /**
   * Sets many secrets in one transaction — one durable commit for all, for imports and bulk loads;
   * all or none are written.
   *
   * @return how many versions were created
   */
  public int setAll(Vault vault, Map<String, NewSecret> secrets) {
    Map<String, NewSecret> checked = new LinkedHashMap<>();
    secrets.forEach((rawName, secret) -> {
      check(secret);
      checked.put(Limits.name(rawName), secret);
    });
    Map<String, Sealed> sealed = new LinkedHashMap<>();
    checked.forEach((name, secret) -> sealed.put(name, seal(vault, name, newVersionId(), secret)));
    return store.write(tx -> {
      checked.forEach((name, secret) -> setIn(tx, vault, name, secret, sealed.get(name)));
      return checked.size();
    });
  }

  private static void check(NewSecret secret) {
    Limits.value(secret.value());
    Limits.contentType(secret.contentType());
    Limits.tags(secret.tags());
  }

  /**
   * Stores a new version sealed beforehand: sealing is the costliest part of a set, and done
   * outside the transaction it does not hold up the single writer. The seal binds the name in lower
   * case, so it holds whichever casing the secret was first created with. A master key rotated in
   * between means sealing again here: the re-wrap that follows a rotation runs behind this
   * transaction, and would otherwise never see a value wrapped by the old key.
   */
  private SecretVersion setIn(
      SecretWrites tx, Vault vault, String name, NewSecret secret, Sealed sealed) {
    Optional<SecretHead> head = tx.head(vault.id(), name);
    if (head.isPresent() && head.get().isDeleted()) {
      throw deletedButRecoverable(name);
    }
    if (head.isEmpty()) {
      tx.createHead(vault.id(), name);
    }
    String display = head.map(SecretHead::name).orElse(name);
    Sealed current =
        sealed.value().masterKeyId().equals(envelope.masterKeyId())
            ? sealed
            : seal(vault, name, sealed.version(), secret);
    long now = now();
    VersionRecord record =
        current.record(vault, display, tx.nextSeq(vault.id(), name), secret, now, now);
    tx.insertVersion(record);
    tx.logChange(vault.id(), display, record.version(), ChangeKind.SET, record.nbf(), record.exp());
    return toVersion(record, Optional.of(secret.value()));
  }

  /** GET of a version, or of the newest when {@code version} is empty. */
  public SecretVersion get(Vault vault, String rawName, String version) {
    String name = Limits.name(rawName);
    VersionRecord record = activeVersion(store, vault, name, version);
    if (!record.enabled()) {
      throw new Forbidden(
          "Operation get is not allowed on a disabled secret.", Reason.SECRET_DISABLED);
    }
    return toVersion(record, Optional.of(open(vault, record)));
  }

  public SecretVersion update(Vault vault, String rawName, String version, MetadataChange change) {
    String name = Limits.name(rawName);
    change.contentType().ifPresent(c -> Limits.contentType(Optional.of(c)));
    change.tags().ifPresent(Limits::tags);
    return store.write(tx -> {
      VersionRecord current = activeVersion(tx, vault, name, version);
      VersionRecord updated =
          current.withMetadata(
              change.contentType().isPresent() ? change.contentType() : current.contentType(),
              change.tags().orElse(current.tags()),
              change.enabled().orElse(current.enabled()),
              change.notBefore().map(OptionalLong::of).orElse(current.nbf()),
              change.expires().map(OptionalLong::of).orElse(current.exp()),
              now());
      tx.updateVersion(updated);
      tx.logChange(
          vault.id(),
          updated.name(),
          updated.version(),
          ChangeKind.UPDATE,
          updated.nbf(),
          updated.exp());
      return toVersion(updated, Optional.empty());
    });
  }

  public DeletedSecret delete(Vault vault, String rawName) {
    String name = Limits.name(rawName);
    return store.write(tx -> {
      activeHead(tx, vault, name);
      long now = now();
      long purgeAfter = now + vault.retentionDays() * DAY;
      tx.markDeleted(vault.id(), name, now, purgeAfter);
      VersionRecord latest = tx.latest(vault.id(), name).orElseThrow();
      log(tx, latest, ChangeKind.DELETE);
      return new DeletedSecret(toVersion(latest, Optional.empty()), now, purgeAfter);
    });
  }

  public DeletedSecret getDeleted(Vault vault, String rawName) {
    String name = Limits.name(rawName);
    SecretHead head = deletedHead(store, vault, name);
    VersionRecord latest = store.latest(vault.id(), name).orElseThrow(() -> notFound(name));
    return deleted(head, toVersion(latest, Optional.empty()));
  }

  public SecretVersion recover(Vault vault, String rawName) {
    String name = Limits.name(rawName);
    return store.write(tx -> {
      deletedHead(tx, vault, name);
      tx.markRecovered(vault.id(), name);
      VersionRecord latest = tx.latest(vault.id(), name).orElseThrow();
      log(tx, latest, ChangeKind.RECOVER);
      return toVersion(latest, Optional.empty());
    });
  }

  public void purge(Vault vault, String rawName) {
    String name = Limits.name(rawName);
    if (vault.purgeProtection()) {
      throw new Forbidden(
          "Operation \"purge\" is not allowed because purge protection is enabled for this vault."
              + " Key Vault service will automatically purge it after the retention period has"
              + " passed.",
          Reason.NONE);
    }
    store.write(tx -> {
      SecretHead head = deletedHead(tx, vault, name);
      tx.purge(vault.id(), name);
      logPurge(tx, head);
      return null;
    });
  }

  public String backup(Vault vault, String rawName) {
    String name = Limits.name(rawName);
    SecretHead head = activeHead(store, vault, name);
    List<VersionRecord> versions = store.versions(vault.id(), name);
    if (versions.size() > Limits.MAX_BACKUP_VERSIONS) {
      throw new BadRequest(
          "Backup is not supported for a secret with more than "
              + Limits.MAX_BACKUP_VERSIONS
              + " versions.");
    }
    List<SecretVersion> plain =
        versions.stream().map(v -> toVersion(v, Optional.of(open(vault, v)))).toList();
    return backups.seal(head.name(), plain);
  }

  public SecretVersion restore(Vault vault, String blob) {
    Backups.Contents contents = backups.open(blob);
    String name = Limits.name(contents.name());
    return store.write(tx -> {
      Optional<SecretHead> head = tx.head(vault.id(), name);
      if (head.isPresent()) {
        throw head.get().isDeleted()
            ? deletedButRecoverable(name)
            : new Conflict("Secret " + name + " already exists in this vault.", Reason.NONE);
      }
      tx.createHead(vault.id(), name);
      long seq = 1;
      VersionRecord last = null;
      for (SecretVersion version : contents.versions()) {
        NewSecret secret =
            new NewSecret(
                version.value().orElseThrow(),
                version.contentType(),
                version.tags(),
                version.enabled(),
                version.notBefore(),
                version.expires());
        last =
            seal(vault, name, version.version(), secret)
                .record(vault, name, seq++, secret, version.created(), version.updated());
        tx.insertVersion(last);
      }
      log(tx, last, ChangeKind.RESTORE);
      return toVersion(last, Optional.empty());
    });
  }

  public Page<SecretVersion> list(Vault vault, int maxResults, Optional<String> token) {
    String after = PageToken.decodeName(token);
    List<SecretListing> rows = store.active(vault.id(), after, maxResults + 1);
    return page(rows, maxResults, SecretService::listed, r -> r.head().name());
  }

  public Page<SecretVersion> listVersions(
      Vault vault, String rawName, int maxResults, Optional<String> token) {
    String name = Limits.name(rawName);
    // Key Vault lists the versions of a secret it does not hold as an empty page, not a 404.
    if (store.head(vault.id(), name).filter(h -> !h.isDeleted()).isEmpty()) {
      return new Page<>(List.of(), Optional.empty());
    }
    long after = PageToken.decodeSequence(token);
    List<VersionRecord> rows = store.versionsAfter(vault.id(), name, after, maxResults + 1);
    return page(rows, maxResults, r -> toVersion(r, Optional.empty()), r -> Long.toString(r.seq()));
  }

  public Page<DeletedSecret> listDeleted(Vault vault, int maxResults, Optional<String> token) {
    String after = PageToken.decodeName(token);
    List<SecretListing> rows = store.deleted(vault.id(), after, maxResults + 1);
    return page(rows, maxResults, r -> deleted(r.head(), listed(r)), r -> r.head().name());
  }

  /** How many live and soft-deleted secrets a vault holds; a count, never a name. */
  public SecretCount count(Vault vault) {
    SecretStore.SecretCounts stored = store.count(vault.id());
    return new SecretCount(stored.live(), stored.deleted());
  }

  /**
   * The {@code $skiptoken} at which a listing of a vault's secrets continues with the first name
   * that starts with {@code prefix}: a position as {@link #list} itself issues them, just before
   * the prefix. Names hold only letters, digits and dashes, all below U+007F.
   */
  public static Optional<String> listingFrom(String prefix) {
    String key = prefix.toLowerCase(Locale.ROOT);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    char last = key.charAt(key.length() - 1);
    return Optional.of(
        PageToken.encode(key.substring(0, key.length() - 1) + (char) (last - 1) + '\u007f'));
  }

  /** Purges soft-deleted secrets whose retention has ended; returns how many. */
  public int purgeExpired(int limit) {
    List<SecretHead> due = store.purgeDue(now(), limit);
    for (SecretHead head : due) {
      store.write(tx -> {
        tx.head(head.vaultId(), head.name())
            .filter(h -> h.purgeAfter().isPresent() && h.purgeAfter().getAsLong() <= now())
            .ifPresent(h -> {
              tx.purge(h.vaultId(), h.name());
              logPurge(tx, h);
            });
        return null;
      });
    }
    return due.size();
  }

  private static void log(SecretWrites tx, VersionRecord version, ChangeKind kind) {
    tx.logChange(
        version.vaultId(), version.name(), version.version(), kind, version.nbf(), version.exp());
  }

  private static void logPurge(SecretWrites tx, SecretHead head) {
    tx.logChange(
        head.vaultId(),
        head.name(),
        "",
        ChangeKind.PURGE,
        OptionalLong.empty(),
        OptionalLong.empty());
  }

  private <R, T> Page<T> page(
      List<R> rows,
      int maxResults,
      java.util.function.Function<R, T> map,
      java.util.function.Function<R, String> position) {
    boolean more = rows.size() > maxResults;
    List<R> shown = more ? rows.subList(0, maxResults) : rows;
    Optional<String> next =
        more
            ? Optional.of(
                PageToken.encode(
                    position.apply(shown.get(shown.size() - 1)).toLowerCase(Locale.ROOT)))
            : Optional.empty();
    return new Page<>(shown.stream().map(map).toList(), next);
  }

  private VersionRecord activeVersion(SecretReads reads, Vault vault, String name, String version) {
    return reads
        .activeVersion(vault.id(), name, version.toLowerCase(Locale.ROOT))
        .orElseThrow(() -> notFound(version.isEmpty() ? name : name + "/" + version));
  }

  private SecretHead activeHead(SecretReads reads, Vault vault, String name) {
    return reads
        .head(vault.id(), name)
        .filter(h -> !h.isDeleted())
        .orElseThrow(() -> notFound(name));
  }

  /**
   * The deleted secret of that name. Key Vault words the two misses apart: a name it holds but not
   * as deleted (on Azure, while its deletion is still in progress) is "Deleted Secret not found", a
   * name it has never held gets the long not-found text.
   */
  private static SecretHead deletedHead(SecretReads reads, Vault vault, String name) {
    Optional<SecretHead> head = reads.head(vault.id(), name);
    if (head.isEmpty()) {
      throw notFound(name);
    }
    return head.filter(SecretHead::isDeleted)
        .orElseThrow(() -> new SecretNotFound("Deleted Secret not found: " + name));
  }

  private static DeletedSecret deleted(SecretHead head, SecretVersion latest) {
    return new DeletedSecret(latest, head.deleted().orElseThrow(), head.purgeAfter().orElseThrow());
  }

  private Sealed seal(Vault vault, String name, String version, NewSecret secret) {
    return new Sealed(
        version,
        envelope.seal(
            secret.value().text().getBytes(StandardCharsets.UTF_8), boundTo(vault, name, version)));
  }

  /** A value sealed for a version of a secret, before the version's row exists. */
  private record Sealed(String version, SealedValue value) {
    VersionRecord record(
        Vault vault, String name, long seq, NewSecret secret, long created, long updated) {
      return new VersionRecord(
          vault.id(),
          name,
          version,
          seq,
          value.ciphertext(),
          value.wrappedKey(),
          value.masterKeyId(),
          secret.contentType(),
          secret.tags(),
          secret.enabled(),
          secret.notBefore(),
          secret.expires(),
          created,
          updated);
    }
  }

  private SecretValue open(Vault vault, VersionRecord record) {
    byte[] plain =
        envelope.open(
            new SealedValue(record.ciphertext(), record.wrappedKey(), record.masterKeyId()),
            boundTo(vault, record.name(), record.version()));
    return new SecretValue(new String(plain, StandardCharsets.UTF_8));
  }

  /**
   * Re-wraps up to {@code batch} data keys still wrapped by an older master key under the active
   * one; values stay readable throughout, since every key in the keyring still opens them.
   *
   * @return how many were re-wrapped
   */
  public int rewrap(int batch) {
    int done = 0;
    for (WrappedKeyRecord row : store.wrappedNotBy(envelope.masterKeyId(), batch)) {
      SealedValue again =
          envelope.rewrap(
              new SealedValue(new byte[0], row.wrappedKey(), row.masterKeyId()),
              row.vaultId() + "/" + row.nameKey() + "/" + row.version());
      if (store.replaceWrappedKey(row, again.wrappedKey(), again.masterKeyId())) {
        done++;
      }
    }
    return done;
  }

  /** How many data keys an older master key still wraps. */
  public long pendingRewrap() {
    return store.countWrappedNotBy(envelope.masterKeyId());
  }

  /** Binds a ciphertext to its vault, name and version, so rows cannot be swapped. */
  private static String boundTo(Vault vault, String name, String version) {
    return vault.id() + "/" + name.toLowerCase(Locale.ROOT) + "/" + version;
  }

  private static SecretVersion toVersion(VersionRecord r, Optional<SecretValue> value) {
    return new SecretVersion(
        r.name(),
        r.version(),
        value,
        r.contentType(),
        r.tags(),
        r.enabled(),
        r.nbf(),
        r.exp(),
        r.created(),
        r.updated());
  }

  private static SecretVersion listed(SecretListing r) {
    return new SecretVersion(
        r.head().name(),
        r.version(),
        Optional.empty(),
        r.contentType(),
        r.tags(),
        r.enabled(),
        r.nbf(),
        r.exp(),
        r.created(),
        r.updated());
  }

  private static SecretNotFound notFound(String nameAndVersion) {
    return new SecretNotFound(
        "A secret with (name/id) "
            + nameAndVersion
            + " was not found in this key vault. If you recently deleted this secret you may be"
            + " able to recover it using the correct recovery command. For help resolving this"
            + " issue, please see https://go.microsoft.com/fwlink/?linkid=2125182");
  }

  private static Conflict deletedButRecoverable(String name) {
    return new Conflict(
        "Secret "
            + name
            + " is currently in a deleted but recoverable state, and its name cannot be reused; in"
            + " this state, the secret can only be recovered or purged.",
        Reason.DELETED_BUT_RECOVERABLE);
  }

  private static String newVersionId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }
}
