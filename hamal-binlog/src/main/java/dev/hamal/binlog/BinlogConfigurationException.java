package dev.hamal.binlog;

/**
 * The source or the stream is configured in a way that cannot work: binary logging off, a binlog
 * format other than ROW, a missing privilege, an invalid option. Fatal; the message names the
 * setting and what it must be.
 */
public final class BinlogConfigurationException extends BinlogException {
  public BinlogConfigurationException(String server, String message) {
    super(server, null, message, null);
  }

  public BinlogConfigurationException(String server, String message, Throwable cause) {
    super(server, null, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
