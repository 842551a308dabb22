package io.coffer.server.http;

import io.coffer.server.crypto.Digests;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The console's sessions, server-side: a browser holds only a random session id in an {@code
 * HttpOnly} cookie; the signed-in user's tokens stay here. Sessions are kept by the SHA-256 of
 * their id, end after {@link #IDLE} without a request or {@link #LIFETIME} after sign-in, and live
 * in this process's memory (a restart signs everyone out; behind a load balancer, keep a browser on
 * one node). Sign-ins in progress (the PKCE verifier and the browser they belong to) are kept the
 * same way for {@link #PENDING}.
 */
final class ConsoleSessions {
  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration LIFETIME = Duration.ofHours(12);
  static final Duration PENDING = Duration.ofMinutes(10);
  private static final int MAX_SESSIONS = 10_000;
  private static final int MAX_PENDING = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, PendingSignIn> pending = new ConcurrentHashMap<>();
  private final Clock clock;

  ConsoleSessions(Clock clock) {
    this.clock = clock;
  }

  /** The tokens a session acts with; refreshed in place as they near their end. */
  record Tokens(
      String vault, Instant vaultExpires, String admin, Instant adminExpires, String refresh) {
    @Override
    public String toString() {
      return "Tokens[(redacted)]";
    }
  }

  /** A value shown once on a page (a new client secret), held until that page is shown. */
  private record Reveal(String page, String value) {
    @Override
    public String toString() {
      return "Reveal[page=" + page + ", value=(redacted)]";
    }
  }

  /** A sign-in in progress: the PKCE verifier, the browser's binding, and where to go after. */
  record PendingSignIn(String verifier, String browserHash, String next, Instant started) {
    @Override
    public String toString() {
      return "PendingSignIn[next=" + next + "]";
    }
  }

  /** A signed-in person. The CSRF token is per session and goes into every form. */
  static final class Session {
    private final String key;
    final String objectId;
    final String tenantId;
    final String userName;
    final String displayName;
    final String csrf = random();
    final Instant started;
    private volatile Instant lastSeen;
    private final AtomicReference<Tokens> tokens;
    private final AtomicReference<String> flash = new AtomicReference<>();
    private final AtomicReference<Reveal> reveal = new AtomicReference<>();

    private Session(
        String key,
        String objectId,
        String tenantId,
        String userName,
        String displayName,
        Tokens tokens,
        Instant now) {
      this.key = key;
      this.objectId = objectId;
      this.tenantId = tenantId;
      this.userName = userName;
      this.displayName = displayName;
      this.tokens = new AtomicReference<>(tokens);
      this.started = now;
      this.lastSeen = now;
    }

    Tokens tokens() {
      return tokens.get();
    }

    void tokens(Tokens renewed) {
      tokens.set(renewed);
    }

    /** A message for the next page this session sees, once. */
    void flash(String message) {
      flash.set(message);
    }

    Optional<String> takeFlash() {
      return Optional.ofNullable(flash.getAndSet(null));
    }

    /**
     * A credential to show on the next view of {@code page}, once: the post that made it redirects
     * there, so reloading the page neither shows it again nor makes another.
     */
    void reveal(String page, String value) {
      reveal.set(new Reveal(page, value));
    }

    Optional<String> takeReveal(String page) {
      Reveal held = reveal.get();
      if (held == null || !held.page().equals(page) || !reveal.compareAndSet(held, null)) {
        return Optional.empty();
      }
      return Optional.of(held.value());
    }

    @Override
    public String toString() {
      return "Session[user=" + objectId + "]";
    }
  }

  /**
   * Starts a session for a user who just signed in.
   *
   * @return the session id for the browser's cookie
   */
  String start(String objectId, String tenantId, String userName, String name, Tokens tokens) {
    sweep();
    String id = random();
    Instant now = clock.instant();
    String key = Digests.sha256Hex(id);
    sessions.put(key, new Session(key, objectId, tenantId, userName, name, tokens, now));
    return id;
  }

  /** The live session a cookie names; touching it keeps it alive. */
  Optional<Session> find(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    Session session = sessions.get(Digests.sha256Hex(id));
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (now.isAfter(session.lastSeen.plus(IDLE)) || now.isAfter(session.started.plus(LIFETIME))) {
      sessions.remove(session.key);
      return Optional.empty();
    }
    session.lastSeen = now;
    return Optional.of(session);
  }

  void end(Session session) {
    sessions.remove(session.key);
  }

  /** Ends every session of a principal, e.g. when its tokens can no longer be renewed. */
  void endAll(String objectId) {
    sessions.values().removeIf(s -> s.objectId.equals(objectId));
  }

  /**
   * Remembers a sign-in in progress.
   *
   * @return the {@code state} to send to the authorize endpoint
   */
  String pend(String verifier, String browser, String next) {
    sweep();
    String state = random();
    pending.put(
        Digests.sha256Hex(state),
        new PendingSignIn(verifier, Digests.sha256Hex(browser), next, clock.instant()));
    return state;
  }

  /**
   * Takes the sign-in a {@code state} names, once, if it was started by this browser and recently.
   */
  Optional<PendingSignIn> take(String state, String browser) {
    if (state == null || state.isEmpty()) {
      return Optional.empty();
    }
    PendingSignIn signIn = pending.remove(Digests.sha256Hex(state));
    if (signIn == null
        || browser == null
        || !signIn.browserHash().equals(Digests.sha256Hex(browser))
        || clock.instant().isAfter(signIn.started().plus(PENDING))) {
      return Optional.empty();
    }
    return Optional.of(signIn);
  }

  /** A new random value: 32 bytes, base64url. */
  static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Drops what has expired and, past the caps, the oldest, so memory stays bounded. */
  private void sweep() {
    Instant now = clock.instant();
    sessions
        .values()
        .removeIf(s -> now.isAfter(s.lastSeen.plus(IDLE)) || now.isAfter(s.started.plus(LIFETIME)));
    pending.values().removeIf(p -> now.isAfter(p.started().plus(PENDING)));
    while (sessions.size() >= MAX_SESSIONS) {
      sessions.values().stream()
          .min(Comparator.comparing(s -> s.lastSeen))
          .ifPresent(s -> sessions.remove(s.key));
    }
    while (pending.size() >= MAX_PENDING) {
      pending.entrySet().stream()
          .min(Comparator.comparing(e -> e.getValue().started()))
          .ifPresent(e -> pending.remove(e.getKey()));
    }
  }
}
