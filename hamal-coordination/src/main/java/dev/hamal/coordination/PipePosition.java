package dev.hamal.coordination;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A committed binlog position: the end of the last transaction whose changes (and every earlier
 * one's) were acknowledged downstream.
 *
 * @param file binlog file name
 * @param position byte offset of the next event to read in {@code file}
 * @param gtidSet the executed GTID set at this position, when the source uses GTIDs
 * @param committedAt when the owner committed it
 * @param attributes free-form extras for the owner (e.g. server uuid), kept as they are
 */
public record PipePosition(
    String file,
    long position,
    Optional<String> gtidSet,
    Instant committedAt,
    Map<String, String> attributes) {

  /** Validates the parts and copies the attributes. */
  public PipePosition {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("binlog file must not be blank");
    }
    if (position < 0) {
      throw new IllegalArgumentException("binlog position must not be negative, was " + position);
    }
    Objects.requireNonNull(gtidSet, "gtidSet");
    Objects.requireNonNull(committedAt, "committedAt");
    attributes = Map.copyOf(attributes);
  }

  /** Without attributes. */
  public PipePosition(String file, long position, Optional<String> gtidSet, Instant committedAt) {
    this(file, position, gtidSet, committedAt, Map.of());
  }

  @Override
  public String toString() {
    return file + ":" + position + gtidSet.map(g -> " gtid " + g).orElse("") + " @" + committedAt;
  }
}
