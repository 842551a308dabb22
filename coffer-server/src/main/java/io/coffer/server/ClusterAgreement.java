package io.coffer.server;

import io.coffer.server.config.ConfigException;
import io.coffer.server.config.Settings;
import io.coffer.server.crypto.Keyring;
import io.coffer.server.crypto.MasterKey;
import io.coffer.server.storage.ClusterRecords;
import io.coffer.server.storage.ClusterRecords.Recorded;
import io.coffer.server.tls.TlsMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every node on one database must share, checked before a node serves: the master key (by its
 * id, a fingerprint) and, on shared storage, the TLS CA (by the SHA-256 of its certificate). The
 * first node to start records both; a node that cannot open what the cluster's key wraps, or that
 * presents another CA, refuses to start and names the difference and the fix.
 *
 * <p>A node whose keyring holds the recorded key behind a newer active one is a rotation in
 * progress (the new key given to every node first, as the README says): its key becomes the
 * cluster's. Nodes restarted afterwards need the new key too.
 */
final class ClusterAgreement {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterAgreement.class);
  static final String MASTER_KEY = "master-key";
  static final String TLS_CA = "tls-ca";

  private final ClusterRecords records;
  private final Clock clock;
  private final String node;

  ClusterAgreement(ClusterRecords records, Clock clock, Settings settings) {
    this.records = records;
    this.clock = clock;
    this.node = hostName() + ":" + settings.port();
  }

  /**
   * Records, or compares with what is recorded.
   *
   * @throws ConfigException naming the difference and how to fix it
   */
  void check(Keyring keyring, TlsMaterial tls, boolean shared, boolean recordTlsCa) {
    checkMasterKey(keyring);
    checkTlsCa(tls.caCertificate(), shared, recordTlsCa);
  }

  /** After an online rotation (one node, its own keyring): the new key is the cluster's. */
  void rotated(MasterKey active, MasterKey previous) {
    if (!records.replace(MASTER_KEY, previous.id(), active.id(), node, now())) {
      records.record(MASTER_KEY, active.id(), node, now());
    }
  }

  private void checkMasterKey(Keyring keyring) {
    String active = keyring.active().id();
    Recorded recorded = records.recordFirst(MASTER_KEY, active, node, now());
    if (recorded.fingerprint().equals(active)) {
      return;
    }
    if (keyring.byId(recorded.fingerprint()).isPresent()
        && records.replace(MASTER_KEY, recorded.fingerprint(), active, node, now())) {
      LOG.warn(
          "event=cluster-master-key-advanced from={} to={} note=\"every node restarted from now on"
              + " needs master key {}\"",
          recorded.fingerprint(),
          active,
          active);
      return;
    }
    throw new ConfigException(
        MASTER_KEY,
        "this node's master key "
            + active
            + " is not the cluster's "
            + recorded.fingerprint()
            + " (recorded "
            + describe(recorded)
            + "), so it could not open what the other nodes wrap",
        "copy the cluster's master.key into this node's data directory (or give it the cluster's"
            + " COFFER_MASTER_KEY); a node may hold a newer key first only with the cluster's"
            + " after it");
  }

  private void checkTlsCa(X509Certificate ca, boolean shared, boolean recordTlsCa) {
    String digest = digest(ca);
    if (recordTlsCa) {
      records.record(TLS_CA, digest, node, now());
      LOG.warn(
          "event=cluster-tls-ca-recorded sha256={} subject=\"{}\" note=\"other nodes need this CA"
              + " to start\"",
          digest,
          ca.getSubjectX500Principal().getName());
      return;
    }
    Recorded recorded = records.recordFirst(TLS_CA, digest, node, now());
    if (recorded.fingerprint().equals(digest)) {
      return;
    }
    if (!shared) {
      // One node on its own database: a new CA is its own business.
      records.record(TLS_CA, digest, node, now());
      return;
    }
    throw new ConfigException(
        TLS_CA,
        "this node's TLS CA '"
            + ca.getSubjectX500Principal().getName()
            + "' (sha256 "
            + shortly(digest)
            + ") is not the cluster's (sha256 "
            + shortly(recorded.fingerprint())
            + ", recorded "
            + describe(recorded)
            + "), so clients that trust the cluster would refuse this node",
        "copy the cluster's tls/ca.pem and tls/ca-key.pem into this node's data directory (or"
            + " pass the cluster's --tls-cert and --tls-key); to make this CA the cluster's, start"
            + " this node once with --record-tls-ca");
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private static String describe(Recorded recorded) {
    return Instant.ofEpochSecond(recorded.recorded()) + " by " + recorded.recordedBy();
  }

  private static String shortly(String digest) {
    return digest.substring(0, 16) + "…";
  }

  static String digest(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot digest the TLS CA", e);
    }
  }

  /** The machine's name, for "recorded by"; no DNS look-up, which may hang at start. */
  private static String hostName() {
    for (String file : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
      try {
        String name = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        if (!name.isEmpty()) {
          return name;
        }
      } catch (IOException | RuntimeException e) {
        // try the next
      }
    }
    return "a node";
  }
}
