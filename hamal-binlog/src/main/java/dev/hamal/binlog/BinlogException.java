package dev.hamal.binlog;

import java.util.Optional;

/**
 * Base of every failure the binlog module reports. Unchecked; the concrete type decides whether the
 * stream may reconnect and try again ({@link #isRetriable()}), never the message text.
 *
 * <p>Every instance names the server it concerns and, once the stream knows it, the binlog position
 * of the event being handled, so an operator can find the place with {@code mariadb-binlog
 * --start-position}.
 */
public abstract class BinlogException extends RuntimeException {

  private final String server;
  private final BinlogPosition position;
  private final String detail;

  protected BinlogException(
      String server, BinlogPosition position, String message, Throwable cause) {
    super(describe(server, position, message), cause);
    this.server = server == null ? "" : server;
    this.position = position;
    this.detail = message;
  }

  private static String describe(String server, BinlogPosition position, String message) {
    StringBuilder text = new StringBuilder(message);
    if (server != null && !server.isEmpty()) {
      text.append(" [server ").append(server);
      if (position != null) {
        text.append(", binlog ").append(position);
      }
      text.append(']');
    } else if (position != null) {
      text.append(" [binlog ").append(position).append(']');
    }
    return text.toString();
  }

  /** The source server (its configured name, {@code host:port} by default); may be empty. */
  public String server() {
    return server;
  }

  /** What went wrong, without the server and position the message appends. */
  public String detail() {
    return detail;
  }

  /** The binlog position of the event that failed, when known. */
  public Optional<BinlogPosition> position() {
    return Optional.ofNullable(position);
  }

  /**
   * Whether reconnecting and reading again from the last transaction boundary may succeed. The
   * stream still gives up when the same position fails repeatedly.
   */
  public abstract boolean isRetriable();
}
