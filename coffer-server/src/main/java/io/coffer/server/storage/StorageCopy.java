package io.coffer.server.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Copies every row of one store into an empty other (SQLite to PostgreSQL), table by table in
 * foreign-key order, in one target transaction, then verifies: the same row count per table and the
 * same checksum for every secret version. Ciphertext moves as it is; the target's nodes need the
 * same master key.
 */
final class StorageCopy {
  /** Parents before children. */
  static final List<String> TABLES =
      List.of(
          "tenants",
          "principals",
          "client_secrets",
          "certificate_credentials",
          "federated_credentials",
          "vaults",
          "role_assignments",
          "access_policies",
          "administrators",
          "bootstrap_tokens",
          "authorization_codes",
          "used_assertions",
          "sign_in_failures",
          "signing_keys",
          "secrets",
          "secret_versions",
          "event_subscriptions",
          "rotation_policies",
          "cluster_identity");

  private static final String VERSION_ROWS =
      "SELECT vault_id, name_key, version, seq, ciphertext, wrapped_key, master_key_id,"
          + " content_type, tags, enabled, nbf, exp, created, updated FROM secret_versions";

  private StorageCopy() {}

  static Map<String, Long> copy(Connection from, Connection to) throws SQLException {
    for (String table : TABLES) {
      if (count(to, table) > 0) {
        throw new SQLException("the target already holds " + table + "; migrate into an empty one");
      }
    }
    to.setAutoCommit(false);
    try {
      for (String table : TABLES) {
        copyTable(from, to, table);
      }
      // Positions are the source's; the target's change log starts empty, so its subscriptions
      // owe every change from its first.
      Jdbc.update(to, "UPDATE event_subscriptions SET after_position = 0");
      verify(from, to);
      to.commit();
    } catch (SQLException | RuntimeException e) {
      to.rollback();
      throw e;
    } finally {
      to.setAutoCommit(true);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : TABLES) {
      counts.put(table, count(to, table));
    }
    return counts;
  }

  private static void copyTable(Connection from, Connection to, String table) throws SQLException {
    try (Statement select = from.createStatement();
        ResultSet rows = select.executeQuery("SELECT * FROM " + table)) {
      ResultSetMetaData meta = rows.getMetaData();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(meta.getColumnName(i));
      }
      String sql =
          "INSERT INTO "
              + table
              + "("
              + String.join(", ", columns)
              + ") VALUES ("
              + String.join(", ", columns.stream().map(c -> "?").toList())
              + ")";
      try (PreparedStatement insert = to.prepareStatement(sql)) {
        int batched = 0;
        while (rows.next()) {
          for (int i = 1; i <= columns.size(); i++) {
            insert.setObject(i, rows.getObject(i));
          }
          insert.addBatch();
          if (++batched % 500 == 0) {
            insert.executeBatch();
          }
        }
        insert.executeBatch();
      }
    }
  }

  private static void verify(Connection from, Connection to) throws SQLException {
    for (String table : TABLES) {
      long expected = count(from, table);
      long copied = count(to, table);
      if (expected != copied) {
        throw new SQLException(table + ": copied " + copied + " rows of " + expected);
      }
    }
    Map<String, String> source = versionChecksums(from);
    Map<String, String> target = versionChecksums(to);
    for (var entry : source.entrySet()) {
      if (!entry.getValue().equals(target.get(entry.getKey()))) {
        throw new SQLException("secret version " + entry.getKey() + " differs after the copy");
      }
    }
  }

  /** Per version: SHA-256 over every column, in a form both databases produce alike. */
  static Map<String, String> versionChecksums(Connection connection) throws SQLException {
    Map<String, String> sums = new TreeMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(VERSION_ROWS)) {
      while (row.next()) {
        MessageDigest digest = sha256();
        for (int i = 1; i <= 14; i++) {
          byte[] bytes =
              switch (i) {
                case 5, 6 -> row.getBytes(i);
                case 4, 10, 11, 12, 13, 14 -> {
                  long value = row.getLong(i);
                  yield row.wasNull()
                      ? new byte[] {0}
                      : Long.toString(value).getBytes(StandardCharsets.UTF_8);
                }
                default -> {
                  String value = row.getString(i);
                  yield value == null ? new byte[] {0} : value.getBytes(StandardCharsets.UTF_8);
                }
              };
          digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
          digest.update((byte) ':');
          digest.update(bytes);
        }
        sums.put(
            row.getString(1) + "/" + row.getString(2) + "/" + row.getString(3),
            HexFormat.of().formatHex(digest.digest()));
      }
    }
    return sums;
  }

  private static long count(Connection connection, String table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      return row.next() ? row.getLong(1) : 0;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
