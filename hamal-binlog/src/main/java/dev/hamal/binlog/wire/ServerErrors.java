package dev.hamal.binlog.wire;

import dev.hamal.binlog.AuthenticationException;
import dev.hamal.binlog.BinlogException;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogUnavailableException;
import dev.hamal.binlog.ServerErrorException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * ERR packets and the exception each becomes, chosen by error code only: 1236 is {@link
 * BinlogUnavailableException}, refused credentials are {@link AuthenticationException} (with the
 * {@link ServerErrorException} as cause, so the code stays available), anything else {@link
 * ServerErrorException}.
 */
final class ServerErrors {

  /** Codes that mean the credentials or the account were refused. */
  private static final Set<Integer> AUTHENTICATION_CODES =
      Set.of(
          1045, // ER_ACCESS_DENIED_ERROR
          1251, // ER_NOT_SUPPORTED_AUTH_MODE
          1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
          1820, // ER_MUST_CHANGE_PASSWORD
          1862, // ER_MUST_CHANGE_PASSWORD_LOGIN
          3118 // ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL)
          );

  private ServerErrors() {}

  /**
   * A decoded ERR packet.
   *
   * @param code server error code
   * @param sqlState SQLSTATE, {@code HY000} when the packet has none (errors sent before the
   *     handshake)
   * @param message the server's message
   */
  record ErrPacket(int code, String sqlState, String message) {}

  static boolean isErr(byte[] payload) {
    return payload.length > 0 && (payload[0] & 0xFF) == 0xFF;
  }

  static ErrPacket parse(String server, byte[] payload) {
    PayloadReader in = new PayloadReader(server, payload);
    in.int1();
    int code = in.int2();
    String sqlState = "HY000";
    if (in.remaining() >= 6 && payload[in.position()] == '#') {
      in.int1();
      sqlState = new String(in.bytes(5), StandardCharsets.US_ASCII);
    }
    return new ErrPacket(code, sqlState, in.restString());
  }

  /** The exception an ERR packet becomes. */
  static BinlogException toException(String server, BinlogPosition position, byte[] payload) {
    ErrPacket error = parse(server, payload);
    if (error.code() == BinlogUnavailableException.ER_MASTER_FATAL_ERROR_READING_BINLOG) {
      return new BinlogUnavailableException(server, position, error.sqlState(), error.message());
    }
    ServerErrorException serverError =
        new ServerErrorException(server, position, error.code(), error.sqlState(), error.message());
    if (AUTHENTICATION_CODES.contains(error.code())) {
      return new AuthenticationException(
          server,
          "the server refused the login: error "
              + error.code()
              + " ("
              + error.sqlState()
              + "): "
              + error.message(),
          serverError);
    }
    return serverError;
  }
}
