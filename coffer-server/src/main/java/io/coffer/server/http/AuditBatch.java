package io.coffer.server.http;

import io.coffer.server.audit.AuditEvent;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * The audit records of the requests one event loop answers in a turn, written together once the
 * turn's reads are done: one write, and one take of the trail's lock, for the lot instead of one
 * each (the lock passed between the loops cost more than the writes). An answer still leaves only
 * after its own record is written, or is replaced as a fail-closed trail says. A record made off
 * the loop's thread (a request answered on a virtual thread or after the read barrier) is handed to
 * the loop to join its batch: its answer would be handed there to be written all the same.
 */
final class AuditBatch implements AuditWrites {
  private record Answered(Exchange exchange, AuditEvent event, Runnable then) {}

  private final AuditRecorder recorder;
  private final EventExecutor loop;
  // Touched on the loop's thread only.
  private List<Answered> waiting = new ArrayList<>();

  AuditBatch(AuditRecorder recorder, EventExecutor loop) {
    this.recorder = recorder;
    this.loop = loop;
  }

  @Override
  public void record(Exchange exchange, Runnable then) {
    Optional<AuditEvent> event = recorder.event(exchange);
    if (event.isEmpty()) {
      then.run();
      return;
    }
    Answered answered = new Answered(exchange, event.get(), then);
    if (loop.inEventLoop()) {
      join(answered);
      return;
    }
    try {
      loop.execute(() -> join(answered));
    } catch (RejectedExecutionException stopping) {
      write(List.of(answered)); // the loop is gone: written here, at once
    }
  }

  private void join(Answered answered) {
    if (waiting.isEmpty()) {
      // A task runs after the reads and tasks of the loop's turn: every request read in it is
      // answered, and the records handed over meanwhile are here.
      loop.execute(this::write);
    }
    waiting.add(answered);
  }

  private void write() {
    // Answering may serve a request held behind one of these, which joins the next batch.
    List<Answered> batch = waiting;
    waiting = new ArrayList<>();
    write(batch);
  }

  private void write(List<Answered> batch) {
    long start = System.nanoTime();
    RuntimeException first = null;
    int written = 0;
    try {
      written = recorder.write(batch.stream().map(Answered::event).toList());
    } catch (RuntimeException e) {
      // A bug in the trail: the answers still go, as unrecorded ones (a fail-closed trail's 503).
      first = e;
    }
    long nanos = System.nanoTime() - start;
    for (int i = 0; i < batch.size(); i++) {
      Answered answered = batch.get(i);
      try {
        recorder.settle(answered.exchange(), i < written, nanos);
        answered.then().run();
      } catch (RuntimeException e) {
        // A bug in one answer must not leave the others unanswered.
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
