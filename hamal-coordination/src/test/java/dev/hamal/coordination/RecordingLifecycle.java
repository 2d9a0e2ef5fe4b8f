package dev.hamal.coordination;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link PipeLifecycle} that records every call, in one log shared by the instances of a test,
 * and checks the central invariant on every start: no pipe runs on two instances at once. On a
 * graceful stop it commits a final position, as a listener does.
 */
final class RecordingLifecycle implements PipeLifecycle {

  record Event(String instance, String kind, String pipe, String detail, long nanos) {}

  /** Shared by the instances of one test. */
  static final class Log {
    final List<Event> events = new CopyOnWriteArrayList<>();
    final Map<String, String> runningOn = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicLong offsets = new AtomicLong(4);

    Optional<Event> first(String instance, String kind, String pipe) {
      return events.stream()
          .filter(e -> e.instance().equals(instance) && e.kind().equals(kind))
          .filter(e -> e.pipe().equals(pipe))
          .findFirst();
    }
  }

  final String instance;
  final Log log;
  final Map<String, OwnedPipe> running = new ConcurrentHashMap<>();

  RecordingLifecycle(String instance, Log log) {
    this.instance = instance;
    this.log = log;
  }

  Set<String> runningPipes() {
    return new TreeSet<>(running.keySet());
  }

  @Override
  public void start(OwnedPipe pipe) {
    String name = pipe.token().pipe();
    String other = log.runningOn.putIfAbsent(name, instance);
    if (other != null) {
      log.violations.add(name + " started on " + instance + " while running on " + other);
    }
    running.put(name, pipe);
    log.events.add(new Event(instance, "start", name, pipe.token().toString(), System.nanoTime()));
  }

  @Override
  public void stop(String pipe, StopReason reason) {
    OwnedPipe owned = running.remove(pipe);
    if (owned != null && reason.canCommit()) {
      owned.commit(
          new PipePosition(
              "mysql-bin.000001",
              log.offsets.incrementAndGet(),
              Optional.empty(),
              Instant.now(),
              Map.of("by", instance)));
    }
    log.runningOn.remove(pipe, instance);
    log.events.add(new Event(instance, "stop", pipe, reason.name(), System.nanoTime()));
  }
}
