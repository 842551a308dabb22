package io.coffer.server;

import io.coffer.server.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;

/**
 * One process per data directory. Two on one directory would each append to the audit trail after
 * their own idea of its last line, breaking the chain, and each serve secrets from a read cache
 * that the other's writes do not invalidate: a value older than an acknowledged write. The lock is
 * the operating system's, so a killed process leaves none behind.
 */
final class DataDirLock implements AutoCloseable {
  private static final String FILE = "coffer.lock";

  private final FileChannel channel;

  private DataDirLock(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Takes the directory for this process.
   *
   * @throws ConfigException naming the process that holds it
   */
  private static DataDirLock take(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new ConfigException(
          "data-dir",
          "cannot create " + file + " (" + e.getMessage() + ")",
          "chmod u+rwx " + dataDir);
    }
    try {
      FileLock lock = tryLock(channel);
      if (lock != null) {
        // Who holds it, for the message another start prints; the lock itself is what counts.
        channel.truncate(0);
        channel.write(
            ByteBuffer.wrap(
                (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
        return new DataDirLock(channel);
      }
    } catch (IOException e) {
      close(channel);
      throw new ConfigException(
          "data-dir", "cannot lock " + file + " (" + e.getMessage() + ")", "check the file system");
    }
    close(channel);
    throw new ConfigException(
        "data-dir",
        dataDir + " is in use by another Coffer process" + holder(file),
        "stop it first, or pass another --data-dir");
  }

  /**
   * Takes the directory and opens what is to hold it with the lock; lets the directory go again if
   * opening fails.
   */
  static <T> T holding(Path dataDir, Function<DataDirLock, T> open) {
    DataDirLock lock = take(dataDir);
    try {
      return open.apply(lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // this JVM already serves the directory
    }
  }

  private static String holder(Path file) {
    try {
      String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return pid.matches("\\d{1,10}") ? " (pid " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing was locked through it
    }
  }

  /** Lets the directory go; closing the channel releases the lock. */
  @Override
  public void close() {
    close(channel);
  }
}
