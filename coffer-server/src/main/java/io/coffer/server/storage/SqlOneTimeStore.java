package io.coffer.server.storage;

import java.util.Optional;

/**
 * {@link OneTimeStore} in SQL that SQLite and PostgreSQL both run. Each method is one transaction;
 * redeeming locks what it reads before deleting it, so a one-time code is handed out once even when
 * two nodes redeem it at the same moment.
 */
final class SqlOneTimeStore implements OneTimeStore {
  private final Transactions writer;
  private final Jdbc jdbc;
  private final Dialect dialect;

  SqlOneTimeStore(Transactions writer, Jdbc jdbc, Dialect dialect) {
    this.writer = writer;
    this.jdbc = jdbc;
    this.dialect = dialect;
  }

  @Override
  public void insertBootstrapToken(String hash, long expires, long created) {
    writer.change(
        "INSERT INTO bootstrap_tokens(hash, expires, created) VALUES (?, ?, ?)",
        hash,
        expires,
        created);
  }

  @Override
  public boolean takeBootstrapToken(String hash, long now) {
    return writer.transaction(c -> {
      int deleted =
          Jdbc.update(c, "DELETE FROM bootstrap_tokens WHERE hash = ? AND expires > ?", hash, now);
      if (deleted > 0) {
        // The first administrator exists from here on: no other token may create another.
        Jdbc.update(c, "DELETE FROM bootstrap_tokens");
      }
      return deleted > 0;
    });
  }

  @Override
  public void insertAuthorizationCode(AuthorizationCodeRecord r) {
    writer.change(
        "INSERT INTO authorization_codes(code_hash, principal_id, client_id, redirect_uri,"
            + " code_challenge, scope, nonce, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        r.codeHash(),
        r.principalId(),
        r.clientId(),
        r.redirectUri(),
        r.codeChallenge(),
        r.scope(),
        r.nonce(),
        r.expires());
  }

  @Override
  public Optional<AuthorizationCodeRecord> takeAuthorizationCode(String codeHash) {
    return writer.transaction(c -> {
      Optional<AuthorizationCodeRecord> found =
          Jdbc.first(
              Jdbc.query(
                  c,
                  "SELECT * FROM authorization_codes WHERE code_hash = ?" + dialect.forUpdate,
                  row ->
                      new AuthorizationCodeRecord(
                          row.getString("code_hash"),
                          row.getString("principal_id"),
                          row.getString("client_id"),
                          row.getString("redirect_uri"),
                          row.getString("code_challenge"),
                          row.getString("scope"),
                          row.getString("nonce"),
                          row.getLong("expires")),
                  codeHash));
      Jdbc.update(c, "DELETE FROM authorization_codes WHERE code_hash = ?", codeHash);
      return found;
    });
  }

  @Override
  public boolean firstUseOfAssertion(String id, long expires, long now) {
    return writer.transaction(c -> {
      Jdbc.update(c, "DELETE FROM used_assertions WHERE expires < ?", now);
      return Jdbc.update(
          c,
          "INSERT INTO used_assertions(id, expires) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
          id,
          expires);
    })
        > 0;
  }

  @Override
  public int signInFailures(String attemptKey, long since) {
    return jdbc.readOne(
            "SELECT failures FROM sign_in_failures WHERE attempt_key = ? AND last_failure >= ?",
            row -> row.getInt(1),
            attemptKey,
            since)
        .orElse(0);
  }

  @Override
  public void recordSignInFailure(String attemptKey, long now, long since) {
    writer.transaction(c -> {
      Jdbc.update(
          c,
          "DELETE FROM sign_in_failures WHERE last_failure < ? AND attempt_key <> ?",
          since,
          attemptKey);
      return Jdbc.update(
          c,
          "INSERT INTO sign_in_failures(attempt_key, failures, last_failure) VALUES (?, 1, ?)"
              + " ON CONFLICT(attempt_key) DO UPDATE SET failures = CASE"
              + " WHEN sign_in_failures.last_failure < ? THEN 1"
              + " ELSE sign_in_failures.failures + 1 END, last_failure = excluded.last_failure",
          attemptKey,
          now,
          since);
    });
  }

  @Override
  public void clearSignInFailures(String attemptKey) {
    writer.change("DELETE FROM sign_in_failures WHERE attempt_key = ?", attemptKey);
  }
}
