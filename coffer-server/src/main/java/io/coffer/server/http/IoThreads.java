package io.coffer.server.http;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's pool of I/O threads, which lets a read answered on a virtual thread look for the
 * connection's next request itself. Jetty 12.1 hands that look to a pool thread whenever an answer
 * was written off the thread that parsed the request: a wake-up and a park per request, which on a
 * node of shared storage (every read answered on a virtual thread) was about a tenth of a read. The
 * look is a non-blocking read that mostly finds nothing and asks the selector to watch; a request
 * it does find is parsed and handed on as any other.
 *
 * <p>Only secret reads do this ({@link #answeringRead}). Other routes also run on virtual threads,
 * but letting them all do it made lists slower at the tail: a list over a million secrets at 16
 * connections went from 7 to 15-23 ms at p99.
 */
final class IoThreads extends QueuedThreadPool {
  private static final ThreadLocal<Boolean> ANSWERING_READ = new ThreadLocal<>();

  IoThreads() {
    setName("coffer-io");
  }

  /**
   * Runs a read's answer; on a virtual thread, which then resumes its connection itself. (On the
   * I/O thread the answer is written before Jetty would resume it.)
   */
  static void answeringRead(Runnable answer) {
    if (!Thread.currentThread().isVirtual()) {
      answer.run();
      return;
    }
    ANSWERING_READ.set(Boolean.TRUE);
    try {
      answer.run();
    } finally {
      ANSWERING_READ.remove();
    }
  }

  @Override
  public void execute(Runnable task) {
    if (task instanceof Connection && ANSWERING_READ.get() != null) {
      task.run();
      return;
    }
    super.execute(task);
  }
}
