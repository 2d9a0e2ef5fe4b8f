package dev.hamal.listener;

import dev.hamal.binlog.Checkpoint;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * A running pipe's meters, tagged with the pipe's name and the owning instance; removed when the
 * pipe stops on this instance, so that only the owner reports a pipe.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code hamal.pipe.rows}</td><td>counter</td><td>row changes delivered to the
 *       publisher (rate = rows/s)</td></tr>
 *   <tr><td>{@code hamal.pipe.transactions}</td><td>counter</td><td>transactions delivered</td></tr>
 *   <tr><td>{@code hamal.pipe.batches.in.flight}</td><td>gauge</td><td>batches read and not yet
 *       delivered</td></tr>
 *   <tr><td>{@code hamal.pipe.window.bytes}</td><td>gauge</td><td>bytes those batches hold</td></tr>
 *   <tr><td>{@code hamal.pipe.records.in.flight}</td><td>gauge</td><td>records handed to Kafka
 *       and not yet acknowledged</td></tr>
 *   <tr><td>{@code hamal.pipe.lag.seconds}</td><td>gauge</td><td>now minus the source commit time
 *       of the newest delivered transaction; 0 when the source is idle</td></tr>
 *   <tr><td>{@code hamal.pipe.committed.file}</td><td>gauge</td><td>sequence number of the binlog
 *       file of the committed position</td></tr>
 *   <tr><td>{@code hamal.pipe.committed.position}</td><td>gauge</td><td>offset of the committed
 *       position in that file</td></tr>
 *   <tr><td>{@code hamal.pipe.reconnects}</td><td>counter</td><td>reconnects to the source</td></tr>
 * </table>
 */
final class PipeMeters implements AutoCloseable {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  PipeMeters(MeterRegistry registry, String pipe, String instance, PipeRunner runner) {
    this.registry = registry;
    Tags tags = Tags.of("pipe", pipe, "instance", instance);
    meters.add(
        FunctionCounter.builder("hamal.pipe.rows", runner, r -> r.streamStats().rowsDelivered())
            .tags(tags)
            .description("row changes delivered to the publisher")
            .register(registry));
    meters.add(
        FunctionCounter.builder(
                "hamal.pipe.transactions", runner, r -> r.streamStats().transactions())
            .tags(tags)
            .register(registry));
    meters.add(
        FunctionCounter.builder("hamal.pipe.reconnects", runner, r -> r.streamStats().reconnects())
            .tags(tags)
            .register(registry));
    meters.add(
        Gauge.builder(
                "hamal.pipe.batches.in.flight", runner, r -> r.streamStats().batchesInFlight())
            .tags(tags)
            .register(registry));
    meters.add(
        Gauge.builder("hamal.pipe.window.bytes", runner, r -> r.streamStats().bytesInFlight())
            .tags(tags)
            .register(registry));
    meters.add(
        Gauge.builder("hamal.pipe.records.in.flight", runner, PipeRunner::recordsInFlight)
            .tags(tags)
            .register(registry));
    meters.add(
        Gauge.builder("hamal.pipe.lag.seconds", runner, PipeRunner::lagSeconds)
            .tags(tags)
            .register(registry));
    meters.add(
        Gauge.builder(
                "hamal.pipe.committed.file",
                runner,
                r -> r.committed().map(PipeMeters::fileSequence).orElse(0L))
            .tags(tags)
            .register(registry));
    meters.add(
        Gauge.builder(
                "hamal.pipe.committed.position",
                runner,
                r -> r.committed().map(c -> c.position().position()).orElse(0L))
            .tags(tags)
            .register(registry));
  }

  /** The numeric extension of a binlog file name ({@code mysql-bin.000042} is 42), else 0. */
  static long fileSequence(Checkpoint checkpoint) {
    String file = checkpoint.position().file();
    int dot = file.lastIndexOf('.');
    try {
      return dot < 0 ? 0 : Long.parseLong(file.substring(dot + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    for (Meter meter : meters) {
      registry.remove(meter);
    }
    meters.clear();
  }
}
