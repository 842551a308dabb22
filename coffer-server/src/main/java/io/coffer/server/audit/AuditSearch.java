package io.coffer.server.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the trail back: the newest records that match a query, newest first, walking the live file
 * and then the rotated ones back in time until enough are found. Lines torn by a crash are skipped,
 * as verification skips them, and so are checkpoints.
 */
public final class AuditSearch {
  /** Built on first use: a mapper costs a started server some 5 MiB (see {@code Json}). */
  private static final class Mapper {
    static final ObjectMapper JSON =
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /** The most records one search returns. */
  public static final int MAX_LIMIT = 500;

  private AuditSearch() {}

  /**
   * What to look for; every part is optional (empty text matches everything).
   *
   * @param principal an object id or app id, exactly
   * @param operation part of the operation's name, any case ({@code SecretGet}, {@code Admin})
   * @param secret a secret name, any case
   * @param status an exact status ({@code 403}) or a class ({@code 4xx})
   * @param limit at most this many, 1 to {@value #MAX_LIMIT}
   */
  public record Query(
      Optional<Instant> from,
      Optional<Instant> to,
      String principal,
      String operation,
      String secret,
      String status,
      int limit) {
    public Query {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit is 1 to " + MAX_LIMIT);
      }
      if (!status.isEmpty() && !status.matches("[1-5]([0-9]{2}|xx)")) {
        throw new IllegalArgumentException("status is a code such as 403 or a class such as 4xx");
      }
    }

    boolean matches(AuditEvent event) {
      Optional<Instant> time = instant(event.time());
      if (from.isPresent() && (time.isEmpty() || time.get().isBefore(from.get()))) {
        return false;
      }
      if (to.isPresent() && (time.isEmpty() || time.get().isAfter(to.get()))) {
        return false;
      }
      if (!principal.isEmpty()
          && !principal.equalsIgnoreCase(event.principal())
          && !principal.equalsIgnoreCase(event.appId())) {
        return false;
      }
      if (!operation.isEmpty()
          && !event
              .operation()
              .toLowerCase(Locale.ROOT)
              .contains(operation.toLowerCase(Locale.ROOT))) {
        return false;
      }
      if (!secret.isEmpty() && !secret.equalsIgnoreCase(event.secret())) {
        return false;
      }
      String code = Integer.toString(event.status());
      return status.isEmpty()
          || (status.endsWith("xx") ? code.charAt(0) == status.charAt(0) : code.equals(status));
    }
  }

  /** The newest records of the trail in {@code directory} that match, newest first. */
  public static List<AuditEvent> search(Path directory, Query query) throws IOException {
    List<Path> files = AuditChain.files(directory);
    List<AuditEvent> found = new ArrayList<>();
    for (int i = files.size() - 1; i >= 0 && found.size() < query.limit(); i--) {
      List<AuditEvent> newest = newestIn(files.get(i), query, query.limit() - found.size());
      found.addAll(newest);
    }
    return found;
  }

  /** The last {@code wanted} matches of one file, newest first. */
  private static List<AuditEvent> newestIn(Path file, Query query, int wanted) throws IOException {
    Deque<AuditEvent> last = new ArrayDeque<>(wanted);
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.endsWith("\"}") || AuditCheckpoints.claimsCheckpoint(line)) {
          continue; // torn by a crash, or the trail's own checkpoint rather than a request
        }
        AuditEvent event;
        try {
          event = Mapper.JSON.readValue(line, AuditEvent.class);
        } catch (IOException e) {
          continue;
        }
        if (query.matches(event)) {
          if (last.size() == wanted) {
            last.removeFirst();
          }
          last.addLast(event);
        }
      }
    } catch (java.nio.file.NoSuchFileException rotatedMeanwhile) {
      return List.of();
    }
    List<AuditEvent> newestFirst = new ArrayList<>(last);
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  private static Optional<Instant> instant(String time) {
    try {
      return Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
