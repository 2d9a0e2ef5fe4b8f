package dev.hamal.coordination;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON forms of what lives in the znodes. Each carries {@code format}; a reader refuses a
 * format newer than {@link #FORMAT} (written by a newer Hamal) and ignores unknown fields, so a
 * field can be added without a new format. Nullable fields stay inside this class.
 */
final class Stored {
  static final int FORMAT = 1;

  private Stored() {}

  interface Versioned {
    int format();
  }

  record Pipe(
      int format,
      String name,
      String source,
      String user,
      String passwordRef,
      long serverId,
      String reportHost,
      List<String> businessLines,
      String start,
      Map<String, String> options)
      implements Versioned {

    static Pipe of(PipeDefinition d) {
      return new Pipe(
          FORMAT,
          d.name(),
          d.sourceUrl(),
          d.user(),
          d.passwordRef(),
          d.serverId(),
          d.reportHost().orElse(null),
          d.businessLines(),
          d.start().map(StartPosition::text).orElse(null),
          d.options());
    }

    PipeDefinition toDefinition() {
      return new PipeDefinition(
          name,
          source,
          user,
          passwordRef,
          serverId,
          Optional.ofNullable(reportHost),
          businessLines == null ? List.of() : businessLines,
          Optional.ofNullable(start).map(StartPosition::parse),
          options == null ? Map.of() : options);
    }
  }

  /** Operator controls: paused, and a failure kept until resume or reset. */
  record Control(int format, boolean paused, String failure, String failedAt) implements Versioned {
    static final Control RUNNABLE = new Control(FORMAT, false, null, null);

    boolean runnable() {
      return !paused && failure == null;
    }

    Control withPaused(boolean value) {
      return new Control(FORMAT, value, failure, failedAt);
    }

    Control withFailure(String reason, Instant at) {
      return new Control(FORMAT, paused, reason, at.toString());
    }

    Control withoutFailure() {
      return new Control(FORMAT, paused, null, null);
    }
  }

  /** The epoch counter; {@code epoch} always equals the znode's data version. */
  record Epoch(int format, long epoch, String holder, String at) implements Versioned {}

  /** The ephemeral owner node. */
  record Owner(int format, String instance, long epoch, long session, String since)
      implements Versioned {}

  /** The committed position, or a pending start after a reset (never both). */
  record Position(
      int format,
      String file,
      Long position,
      String gtidSet,
      String committedAt,
      Map<String, String> attributes,
      Long epoch,
      String instance,
      String pendingStart)
      implements Versioned {

    static Position committed(PipePosition p, OwnershipToken token, String instance) {
      return new Position(
          FORMAT,
          p.file(),
          p.position(),
          p.gtidSet().orElse(null),
          p.committedAt().toString(),
          p.attributes(),
          token.epoch(),
          instance,
          null);
    }

    static Position pending(Optional<StartPosition> start) {
      return new Position(
          FORMAT,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          start.map(StartPosition::text).orElse(null));
    }

    Optional<PipePosition> toPosition() {
      if (file == null || position == null) {
        return Optional.empty();
      }
      return Optional.of(
          new PipePosition(
              file,
              position,
              Optional.ofNullable(gtidSet),
              committedAt == null ? Instant.EPOCH : Instant.parse(committedAt),
              attributes == null ? Map.of() : attributes));
    }

    Optional<StartPosition> toPendingStart() {
      return Optional.ofNullable(pendingStart).map(StartPosition::parse);
    }
  }

  record Status(
      int format,
      String state,
      String reason,
      String instance,
      long epoch,
      long lagSeconds,
      long lagBytes,
      double rowsPerSecond,
      String updatedAt)
      implements Versioned {}

  record Instance(int format, String id, String host, long pid, String startedAt, String metricsUrl)
      implements Versioned {

    static Instance of(InstanceInfo i) {
      return new Instance(
          FORMAT,
          i.id(),
          i.host(),
          i.pid(),
          i.startedAt().toString(),
          i.metricsUrl().map(Object::toString).orElse(null));
    }

    InstanceInfo toInfo() {
      return new InstanceInfo(
          id,
          host,
          pid,
          Instant.parse(startedAt),
          Optional.ofNullable(metricsUrl).map(java.net.URI::create));
    }
  }

  record Assignment(int format, List<String> pipes, String leader, String at)
      implements Versioned {}

  record Source(int format, String pipe) implements Versioned {}
}
