package dev.hamal.coordination;

/**
 * What the owner of a pipe reports about its progress. A negative value means "not known".
 *
 * @param lagSeconds seconds between the source's clock and the last event published
 * @param lagBytes binlog bytes between the source's current position and the committed one
 * @param rowsPerSecond rows published per second, averaged by the owner
 */
public record PipeMetrics(long lagSeconds, long lagBytes, double rowsPerSecond) {
  /** Nothing known yet. */
  public static final PipeMetrics UNKNOWN = new PipeMetrics(-1, -1, -1);
}
