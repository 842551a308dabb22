package io.coffer.server.storage;

import java.util.List;

/**
 * What differs between the embedded and the shared database. SQLite has one writing connection, so
 * its transactions never interleave; PostgreSQL runs transactions from many connections and nodes
 * at once, so a write that reads before it changes locks the row it depends on first.
 */
enum Dialect {
  SQLITE(
      "",
      "",
      List.of(
          "V1__initial.sql",
          "V2__identity_and_access.sql",
          "V3__used_assertions.sql",
          "V4__sign_in_failures.sql",
          "V5__rewrap_index.sql",
          "V6__change_log.sql",
          "V7__events.sql",
          "V8__rotation.sql",
          "V9__cluster_identity.sql",
          "V10__directory_generation.sql",
          "V11__read_leases.sql")),
  POSTGRESQL(
      " FOR UPDATE",
      "postgresql/",
      List.of(
          "V1__initial.sql",
          "V2__identity_and_access.sql",
          "V3__used_assertions.sql",
          "V4__sign_in_failures.sql",
          "V5__rewrap_index.sql",
          "V6__change_log.sql",
          "V7__events.sql",
          "V8__rotation.sql",
          "V9__cluster_identity.sql",
          "V10__directory_generation.sql",
          "V11__read_leases.sql"));

  /** Appended to a SELECT inside a write transaction to hold the rows it read until commit. */
  final String forUpdate;

  /** Where this dialect's migration scripts live, relative to this package. */
  final String scriptFolder;

  /** Migration scripts, in order; append, never edit a released script. */
  final List<String> scripts;

  Dialect(String forUpdate, String scriptFolder, List<String> scripts) {
    this.forUpdate = forUpdate;
    this.scriptFolder = scriptFolder;
    this.scripts = scripts;
  }

  boolean locksRows() {
    return !forUpdate.isEmpty();
  }
}
