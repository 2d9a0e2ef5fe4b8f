package dev.hamal.binlog;

/**
 * The source wrote an INCIDENT event: something happened on it that replicas cannot follow (for
 * example events lost from the binlog). Fatal: reading on would silently miss changes; an operator
 * must resynchronise (reconcile) and restart from a position after the incident.
 */
public final class SourceIncidentException extends BinlogException {
  public SourceIncidentException(String server, BinlogPosition position, String incident) {
    super(
        server,
        position,
        "the source recorded an incident ("
            + incident
            + "); changes may be missing from its binlog here",
        null);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
