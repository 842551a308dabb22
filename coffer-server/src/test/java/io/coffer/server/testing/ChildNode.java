package io.coffer.server.testing;

import io.coffer.server.CofferServer;
import io.coffer.server.DevMode;
import io.coffer.server.config.Settings;
import io.coffer.server.storage.PostgresOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Coffer node in a JVM of its own, so a test can kill it with SIGKILL ({@code kill -9}) instead
 * of closing it: nothing of it gets to finish, flush or roll back.
 */
public final class ChildNode implements AutoCloseable {
  private static final String READY = "coffer-child-ready";
  private static final String PASSWORD = "COFFER_DB_PASSWORD";

  private final Process process;

  private ChildNode(Process process) {
    this.process = process;
  }

  /** Starts a node on a shared data directory and PostgreSQL and waits until it serves. */
  public static ChildNode start(
      Path dataDir, int port, int publicPort, PostgresOptions database, Path log) {
    return start(dataDir, port, publicPort, database, Map.of(), log);
  }

  /** A node on shared PostgreSQL whose environment also holds {@code env}. */
  public static ChildNode start(
      Path dataDir,
      int port,
      int publicPort,
      PostgresOptions database,
      Map<String, String> env,
      Path log) {
    Map<String, String> environment = new java.util.HashMap<>(env);
    environment.put(PASSWORD, database.password());
    return start(
        List.of(),
        List.of(
            dataDir.toString(),
            Integer.toString(port),
            Integer.toString(publicPort),
            database.jdbcUrl(),
            database.user()),
        environment,
        log);
  }

  /**
   * Starts a dev-mode node on SQLite (credentials in the data directory's {@code dev.env} and
   * {@code admin.json}) in a JVM with these options, such as {@code -Xmx256m}, and waits until it
   * serves.
   */
  public static ChildNode startDev(Path dataDir, int port, List<String> jvmOptions, Path log) {
    return startDev(dataDir, port, jvmOptions, Map.of(), log);
  }

  /** A dev-mode node whose environment also holds {@code env}. */
  public static ChildNode startDev(
      Path dataDir, int port, List<String> jvmOptions, Map<String, String> env, Path log) {
    return start(jvmOptions, List.of(dataDir.toString(), Integer.toString(port)), env, log);
  }

  private static ChildNode start(
      List<String> jvmOptions, List<String> args, Map<String, String> env, Path log) {
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Xshare:auto"));
      command.addAll(jvmOptions);
      command.add(ChildNode.class.getName());
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      Process process = builder.start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.contains(READY)) {
          Thread.ofPlatform()
              .daemon()
              .name("child-node-output")
              .start(() -> {
                try (var to = java.nio.file.Files.newBufferedWriter(log)) {
                  for (String rest = out.readLine(); rest != null; rest = out.readLine()) {
                    to.write(rest);
                    to.newLine();
                    to.flush();
                  }
                } catch (IOException e) {
                  // The node was killed; its output ends here.
                }
              });
          return new ChildNode(process);
        }
        seen.append(line).append('\n');
      }
      throw new IllegalStateException("the child node exited before serving:\n" + seen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, and wait until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }

  public static void main(String[] args) throws InterruptedException {
    Path dataDir = Path.of(args[0]);
    if (args.length == 2) {
      DevMode.bootstrap(
          CofferServer.start(
              Settings.defaults(dataDir, Integer.parseInt(args[1])),
              Optional.empty(),
              System.getenv()));
      System.out.println(READY);
      System.out.flush();
      Thread.currentThread().join();
    }
    Settings settings =
        Settings.defaults(dataDir, Integer.parseInt(args[1]))
            .withPublicPort(Integer.parseInt(args[2]));
    PostgresOptions database = new PostgresOptions(args[3], args[4], System.getenv(PASSWORD));
    CofferServer.start(settings, Optional.of(database), System.getenv());
    System.out.println(READY);
    System.out.flush();
    Thread.currentThread().join();
  }
}
