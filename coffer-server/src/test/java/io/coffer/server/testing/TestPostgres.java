package io.coffer.server.testing;

import io.coffer.server.storage.PostgresOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL for tests, started once per test JVM from the Debian package's binaries ({@code
 * /usr/lib/postgresql/<version>/bin}, or {@code initdb} on PATH) in a temporary directory on a free
 * loopback port. PostgreSQL refuses to run as root, so as root it runs as the {@code postgres}
 * user. Without PostgreSQL the tests are skipped, except in CI ({@code CI=true}), where they fail.
 */
public final class TestPostgres {
  private static final String SUPERUSER_PASSWORD = "test-superuser";
  private static final String ROLE = "coffer";
  private static final String ROLE_PASSWORD = "test-coffer-password";
  private static TestPostgres instance;

  private final Path bin;
  private final Path dir;
  private final int port;

  private TestPostgres(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
  }

  /** The test JVM's PostgreSQL, started on first use; skips the test when there is none. */
  public static synchronized TestPostgres get() {
    if (instance == null) {
      Optional<Path> bin = binaries();
      if (bin.isEmpty()) {
        String message =
            "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on PATH);"
                + " install the Debian package 'postgresql' to run the PostgreSQL storage tests";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          throw new IllegalStateException(message);
        }
        Assumptions.abort(message);
      }
      instance = start(bin.get());
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stopQuietly));
    }
    return instance;
  }

  /**
   * A database of its own for a data directory: the same directory gets the same database again, as
   * a restarted node finds its SQLite file again.
   */
  public PostgresOptions databaseFor(Path dataDir) {
    String name = "coffer_" + digest(dataDir.toAbsolutePath().toString());
    try (Connection c = superuser("postgres");
        Statement statement = c.createStatement()) {
      try (var rows =
          statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
        if (!rows.next()) {
          statement.execute("CREATE DATABASE " + name + " OWNER " + ROLE);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return new PostgresOptions(jdbcUrl(name), ROLE, ROLE_PASSWORD);
  }

  /** Ends every session holding an advisory lock, as PostgreSQL does when a client dies. */
  public void killSessionsHoldingAdvisoryLocks() {
    try (Connection c = superuser("postgres");
        Statement statement = c.createStatement()) {
      statement.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_locks"
              + " WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot end the sessions holding advisory locks", e);
    }
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Stops PostgreSQL at once, as a crash or failover would, leaving its data in place. */
  public void stop() {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data(), "-m", "immediate", "-w", "stop"));
  }

  /** Starts it again on the same port and data. */
  public void restart() {
    run(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data(),
            "-l",
            dir.resolve("postgres.log").toString(),
            "-o",
            "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "-w",
            "start"));
  }

  private static TestPostgres start(Path bin) {
    try {
      Path dir = Files.createTempDirectory("coffer-pg");
      Path passwordFile = dir.resolve("superuser-password");
      Files.writeString(passwordFile, SUPERUSER_PASSWORD);
      TestPostgres server = new TestPostgres(bin, dir, RunningCoffer.freePort());
      if (isRoot()) {
        exec(List.of("chown", "-R", "postgres:postgres", dir.toString()));
      }
      server.run(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              server.data(),
              "-U",
              "postgres",
              "--pwfile=" + passwordFile,
              "--auth=scram-sha-256",
              "-E",
              "UTF8",
              "--no-sync"));
      server.restart();
      try (Connection c = server.superuser("postgres");
          Statement statement = c.createStatement()) {
        statement.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'");
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot set up the test PostgreSQL", e);
    }
  }

  /** A superuser connection, for tests that manage roles and databases themselves. */
  public Connection superuser(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), "postgres", SUPERUSER_PASSWORD);
  }

  /** PostgreSQL's data directory, tables and WAL. */
  public Path dataDir() {
    return dir.resolve("data");
  }

  private String data() {
    return dir.resolve("data").toString();
  }

  private void stopQuietly() {
    try {
      stop();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (RuntimeException | IOException e) {
      System.err.println("test PostgreSQL did not stop cleanly: " + e.getMessage());
    }
  }

  private void run(List<String> command) {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    exec(full);
  }

  private static void exec(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Path> binaries() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      Optional<Path> packaged =
          versions
              .map(v -> v.resolve("bin"))
              .filter(b -> Files.isExecutable(b.resolve("initdb")))
              .max(
                  Comparator.comparing(b ->
                      Integer.parseInt(
                          b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
      if (packaged.isPresent()) {
        return packaged;
      }
    } catch (IOException e) {
      // No Debian package; look on PATH.
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path initdb = Path.of(entry, "initdb");
      if (!entry.isEmpty() && Files.isExecutable(initdb)) {
        try {
          return Optional.of(initdb.toRealPath().getParent());
        } catch (IOException e) {
          return Optional.of(initdb.getParent());
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
