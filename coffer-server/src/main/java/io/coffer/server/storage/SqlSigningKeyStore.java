package io.coffer.server.storage;

import java.util.List;

/**
 * {@link SigningKeyStore} in SQL that SQLite and PostgreSQL both run; each method is one
 * transaction.
 */
final class SqlSigningKeyStore implements SigningKeyStore {
  private final Transactions writer;
  private final Jdbc jdbc;

  SqlSigningKeyStore(Transactions writer, Jdbc jdbc) {
    this.writer = writer;
    this.jdbc = jdbc;
  }

  @Override
  public void insertSigningKey(SigningKeyRecord k) {
    writer.change(
        "INSERT INTO signing_keys(kid, public_jwk, private_sealed, wrapped_key, master_key_id,"
            + " created, active) VALUES (?, ?, ?, ?, ?, ?, ?)",
        k.kid(),
        k.publicJwk(),
        k.sealedPrivate(),
        k.wrappedKey(),
        k.masterKeyId(),
        k.created(),
        k.active());
  }

  @Override
  public List<SigningKeyRecord> signingKeys() {
    return jdbc.read(
        "SELECT * FROM signing_keys ORDER BY created",
        row ->
            new SigningKeyRecord(
                row.getString("kid"),
                row.getString("public_jwk"),
                row.getBytes("private_sealed"),
                row.getBytes("wrapped_key"),
                row.getString("master_key_id"),
                row.getLong("created"),
                row.getInt("active") != 0));
  }

  @Override
  public boolean replaceSigningKeyWrap(
      String kid, String oldMasterKeyId, byte[] wrappedKey, String masterKeyId) {
    return writer.change(
            "UPDATE signing_keys SET wrapped_key = ?, master_key_id = ?"
                + " WHERE kid = ? AND master_key_id = ?",
            wrappedKey,
            masterKeyId,
            kid,
            oldMasterKeyId)
        > 0;
  }

  @Override
  public void activateSigningKey(String kid) {
    writer.transaction(connection -> {
      Jdbc.update(connection, "UPDATE signing_keys SET active = 0 WHERE kid <> ?", kid);
      return Jdbc.update(connection, "UPDATE signing_keys SET active = 1 WHERE kid = ?", kid);
    });
  }
}
