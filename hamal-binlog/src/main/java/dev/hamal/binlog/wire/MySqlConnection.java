package dev.hamal.binlog.wire;

import dev.hamal.binlog.BinlogConfigurationException;
import dev.hamal.binlog.BinlogConnectionException;
import dev.hamal.binlog.BinlogException;
import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.CorruptEventException;
import dev.hamal.binlog.MySqlGtidSet;
import dev.hamal.binlog.SslMode;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection to a MySQL or MariaDB server, speaking the classic protocol as a replica:
 * handshake v10, optional TLS, authentication, text queries, {@code COM_REGISTER_SLAVE} and a
 * binlog dump ({@code COM_BINLOG_DUMP} or {@code COM_BINLOG_DUMP_GTID}) whose events {@link
 * #readEvent()} returns one by one.
 *
 * <p>Life cycle: {@link #open} connects and authenticates; then any number of commands ({@link
 * #query}, {@link #execute}, {@link #registerReplica}); then at most one dump request, after which
 * the connection only streams ({@link #readEvent()}) until it ends. A dump that ended (EOF or an
 * error) or any failure leaves the connection unusable: open a new one. The server closes the
 * connection itself after a non-blocking dump's EOF.
 *
 * <p>Negotiated capabilities: protocol 4.1, secure connection, plugin authentication (with
 * length-encoded auth data and connection attributes when the server offers them), long password,
 * long flag, transactions; TLS per {@link SslMode}; multi-results, multi-statements, compression
 * and LOCAL INFILE off. {@code CLIENT_DEPRECATE_EOF} is asked for when the server offers it and
 * result sets are read both ways (with the EOF packet after the column definitions, or without it
 * and ended by an OK packet with the 0xFE header). The connection asks for collation
 * utf8mb4_general_ci (45), so query text and results are UTF-8.
 *
 * <p>Threading: not thread-safe; one thread uses it, except that {@link #close()} may be called
 * from any thread to abort a blocked {@link #readEvent()} (which then fails with a {@link
 * BinlogConnectionException}) and {@link #bytesReceived()} may be read from any thread.
 *
 * <p>Timeouts: the connect timeout of the {@link BinlogSource} bounds connecting and each wait for
 * the server during the login; its query timeout bounds each wait for a command's answer; {@link
 * #setReadTimeout} bounds each wait for the binlog stream (default: wait indefinitely).
 *
 * <p>Failures are {@link BinlogException}s naming the server: {@link BinlogConnectionException} for
 * network failures, timeouts and a stream that ends, {@link CorruptEventException} for bytes the
 * protocol does not allow (sequence ids out of order, an event whose size disagrees with its
 * packets), {@link dev.hamal.binlog.ServerErrorException} for an ERR packet ({@link
 * dev.hamal.binlog.BinlogUnavailableException} for 1236), {@link
 * dev.hamal.binlog.AuthenticationException} for refused credentials (1045 and kin) or an
 * authentication this client cannot complete with its settings, {@link
 * BinlogConfigurationException} for settings that cannot work (TLS required but not offered, an
 * untrusted server certificate, an unreadable key file).
 */
public final class MySqlConnection implements AutoCloseable {

  /** {@code BINLOG_DUMP_NON_BLOCK}: end the dump with EOF at the end of the binlog. */
  public static final int DUMP_NON_BLOCKING = 1;

  /**
   * What {@link #readEvent()} returns for the EOF packet that ends a non-blocking dump: a shared
   * empty array, compare by identity or length.
   */
  public static final byte[] END_OF_STREAM = PacketChannel.END_OF_STREAM;

  private static final Logger LOG = LoggerFactory.getLogger(MySqlConnection.class);

  private static final int COM_QUIT = 0x01;
  private static final int COM_QUERY = 0x03;
  private static final int COM_BINLOG_DUMP = 0x12;
  private static final int COM_REGISTER_SLAVE = 0x15;
  private static final int COM_BINLOG_DUMP_GTID = 0x1e;
  private static final int BINLOG_THROUGH_GTID = 0x04;
  private static final int COLLATION_UTF8MB4_GENERAL_CI = 45;
  private static final int MAX_PACKET_SIZE = 0xFFFFFF;
  private static final String MARIADB_VERSION_PREFIX = "5.5.5-";

  private enum State {
    /** Ready for commands. */
    IDLE,
    /** A dump was requested: only {@link #readEvent()} from now on. */
    STREAMING,
    /** The dump ended with EOF. */
    ENDED,
    /** A failure left the protocol state unknown, or the connection was closed. */
    BROKEN
  }

  private final String server;
  private final BinlogSource source;
  private final Socket socket;
  private final PacketChannel channel;
  private final ServerInfo serverInfo;
  private final boolean secure;
  private final boolean deprecateEof;
  private final PayloadWriter command = new PayloadWriter(256);
  private final ReentrantLock commandLock = new ReentrantLock();
  private volatile State state = State.IDLE;
  private volatile boolean closed;
  private Duration readTimeout = Duration.ZERO;
  private BinlogPosition dumpStart;

  private MySqlConnection(
      BinlogSource source,
      Socket socket,
      PacketChannel channel,
      ServerInfo serverInfo,
      boolean secure,
      boolean deprecateEof) {
    this.server = source.name();
    this.source = source;
    this.socket = socket;
    this.channel = channel;
    this.serverInfo = serverInfo;
    this.secure = secure;
    this.deprecateEof = deprecateEof;
  }

  /**
   * Connects (within the connect timeout), reads the server's greeting (handshake v10), switches to
   * TLS as the {@link SslMode} says and authenticates.
   *
   * @throws BinlogConnectionException when the server cannot be reached or the connection fails
   * @throws dev.hamal.binlog.AuthenticationException when the login is refused or cannot be
   *     completed with these settings
   * @throws BinlogConfigurationException when TLS is required but not offered, the server's
   *     certificate is not trusted, or a key or CA file is unusable
   */
  public static MySqlConnection open(BinlogSource source) {
    Objects.requireNonNull(source, "source");
    Socket socket = new Socket();
    Socket current = socket;
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.connect(
          new InetSocketAddress(source.host(), source.port()), millis(source.connectTimeout()));
      socket.setSoTimeout(millis(source.connectTimeout()));
      PacketChannel channel =
          new PacketChannel(
              source.name(),
              socket.getInputStream(),
              new BufferedOutputStream(socket.getOutputStream(), 8192));

      byte[] greetingPacket = channel.readPayload();
      if (ServerErrors.isErr(greetingPacket)) {
        throw ServerErrors.toException(source.name(), null, greetingPacket);
      }
      Greeting greeting = Greeting.parse(source.name(), greetingPacket);
      int required = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION;
      if ((greeting.capabilities() & required) != required) {
        throw new BinlogConfigurationException(
            source.name(),
            "server " + greeting.version() + " does not speak protocol 4.1 with secure connection");
      }

      boolean tls = wantsTls(source, greeting);
      int capabilities =
          Capabilities.CLIENT_LONG_PASSWORD
              | Capabilities.CLIENT_LONG_FLAG
              | Capabilities.CLIENT_PROTOCOL_41
              | Capabilities.CLIENT_TRANSACTIONS
              | Capabilities.CLIENT_SECURE_CONNECTION
              | (greeting.capabilities()
                  & (Capabilities.CLIENT_PLUGIN_AUTH
                      | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
                      | Capabilities.CLIENT_CONNECT_ATTRS
                      | Capabilities.CLIENT_DEPRECATE_EOF))
              | (tls ? Capabilities.CLIENT_SSL : 0);

      PayloadWriter payload = new PayloadWriter(512);
      if (tls) {
        payload
            .int4(capabilities)
            .int4(MAX_PACKET_SIZE)
            .int1(COLLATION_UTF8MB4_GENERAL_CI)
            .zeros(23);
        channel.write(payload);
        SSLSocket secureSocket = TlsSockets.handshake(socket, source);
        current = secureSocket;
        channel.switchStreams(
            secureSocket.getInputStream(),
            new BufferedOutputStream(secureSocket.getOutputStream(), 8192));
      }

      boolean legacyRsaPadding = !greeting.mariaDb() && !versionAtLeast(greeting, 8, 0, 5);
      Authenticator authenticator =
          new Authenticator(source.name(), source, channel, tls, legacyRsaPadding);
      String plugin = authenticator.start(greeting.authPlugin(), greeting.nonce());
      handshakeResponse(
          payload.reset(), source, capabilities, plugin, authenticator.firstResponse());
      channel.write(payload);
      authenticator.finish();

      current.setSoTimeout(millis(source.queryTimeout()));
      ServerInfo info =
          new ServerInfo(
              greeting.version(),
              greeting.mariaDb(),
              greeting.connectionId(),
              greeting.capabilities(),
              greeting.collationId(),
              greeting.authPlugin());
      boolean deprecateEof = (capabilities & Capabilities.CLIENT_DEPRECATE_EOF) != 0;
      LOG.debug(
          "Connected to {} ({}, connection {}, TLS {})",
          source.name(),
          info.version(),
          info.connectionId(),
          tls);
      return new MySqlConnection(source, current, channel, info, tls, deprecateEof);
    } catch (IOException e) {
      closeQuietly(current);
      throw connectFailure(source, e);
    } catch (RuntimeException e) {
      closeQuietly(current);
      throw e;
    }
  }

  /** HandshakeResponse41: capabilities, limits, collation, user, auth data, plugin, attributes. */
  private static void handshakeResponse(
      PayloadWriter payload, BinlogSource source, int capabilities, String plugin, byte[] auth) {
    payload
        .int4(capabilities)
        .int4(MAX_PACKET_SIZE)
        .int1(COLLATION_UTF8MB4_GENERAL_CI)
        .zeros(23)
        .nulString(source.user());
    if ((capabilities & Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
      payload.lenencBytes(auth);
    } else if (auth.length <= 255) {
      payload.int1(auth.length).bytes(auth);
    } else {
      throw new BinlogConfigurationException(
          source.name(), "server cannot take " + auth.length + " bytes of authentication data");
    }
    if ((capabilities & Capabilities.CLIENT_PLUGIN_AUTH) != 0) {
      payload.nulString(plugin);
    }
    if ((capabilities & Capabilities.CLIENT_CONNECT_ATTRS) != 0) {
      PayloadWriter attributes = new PayloadWriter(64);
      attributes
          .lenencBytes(utf8("_client_name"))
          .lenencBytes(utf8("hamal"))
          .lenencBytes(utf8("program_name"))
          .lenencBytes(utf8("hamal"));
      payload.lenenc(attributes.length()).bytes(attributes.toByteArray());
    }
  }

  private static boolean wantsTls(BinlogSource source, Greeting greeting) {
    boolean offered = (greeting.capabilities() & Capabilities.CLIENT_SSL) != 0;
    return switch (source.sslMode()) {
      case DISABLED -> false;
      case PREFERRED -> offered;
      default -> {
        if (!offered) {
          throw new BinlogConfigurationException(
              source.name(),
              "ssl mode "
                  + source.sslMode()
                  + " requires TLS, but the server does not offer it (configure ssl_cert and"
                  + " ssl_key on the server, or lower sslMode)");
        }
        yield true;
      }
    };
  }

  private static BinlogException connectFailure(BinlogSource source, IOException e) {
    if (e instanceof SSLHandshakeException && causedBy(e, CertificateException.class)) {
      return new BinlogConfigurationException(
          source.name(),
          "the server's TLS certificate is not accepted for ssl mode "
              + source.sslMode()
              + " with trustedCaPem "
              + source.trustedCaPem().map(Object::toString).orElse("(none)")
              + ": "
              + e.getMessage(),
          e);
    }
    String what =
        e instanceof SocketTimeoutException
            ? "no answer within the connect timeout of " + source.connectTimeout()
            : e.toString();
    return new BinlogConnectionException(
        source.name(),
        null,
        "cannot connect and log in to " + source.host() + ":" + source.port() + ": " + what,
        e);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** What the server said about itself when the connection was opened. */
  public ServerInfo serverInfo() {
    return serverInfo;
  }

  /** Whether the connection runs over TLS. */
  public boolean isSecure() {
    return secure;
  }

  // ------------------------------------------------------------------------------------------
  // Commands

  /**
   * Runs a statement ({@code COM_QUERY}, text protocol) and returns its result set; a statement
   * without one gives {@link QueryResult#none()}.
   *
   * @throws dev.hamal.binlog.ServerErrorException when the server answers with an error (the
   *     connection stays usable)
   */
  public QueryResult query(String sql) {
    Objects.requireNonNull(sql, "sql");
    return runCommand(
        "a query",
        () -> {
          sendCommand(command.reset().int1(COM_QUERY).bytes(utf8(sql)));
          return readQueryAnswer(true);
        });
  }

  /**
   * Runs a statement that returns no rows ({@code SET}, ...) and checks that it succeeded; should
   * it return a result set, that is read and ignored.
   *
   * @throws dev.hamal.binlog.ServerErrorException when the server answers with an error (the
   *     connection stays usable)
   */
  public void execute(String sql) {
    Objects.requireNonNull(sql, "sql");
    runCommand(
        "a statement",
        () -> {
          sendCommand(command.reset().int1(COM_QUERY).bytes(utf8(sql)));
          return readQueryAnswer(false);
        });
  }

  /**
   * Registers this client as a replica ({@code COM_REGISTER_SLAVE}), so that it appears in {@code
   * SHOW SLAVE HOSTS} (MariaDB) or {@code SHOW REPLICAS} (MySQL).
   *
   * @param serverId the replica's server id (an unsigned 32-bit value)
   * @param reportHost host name to show, at most 255 bytes
   * @param reportPort port to show (0..65535)
   * @param reportUser user to show, at most 255 bytes (usually empty)
   * @param reportPassword password to show, at most 255 bytes (usually empty)
   */
  public void registerReplica(
      int serverId, String reportHost, int reportPort, String reportUser, String reportPassword) {
    if (reportPort < 0 || reportPort > 0xFFFF) {
      throw new IllegalArgumentException("report port must be in 0..65535, was " + reportPort);
    }
    command
        .reset()
        .int1(COM_REGISTER_SLAVE)
        .int4(serverId)
        .shortString("report host", reportHost)
        .shortString("report user", reportUser)
        .shortString("report password", reportPassword)
        .int2(reportPort)
        .int4(0) // replication rank, ignored by servers
        .int4(0); // master id: 0, the server fills in its own
    runCommand(
        "replica registration",
        () -> {
          sendCommand(command);
          byte[] answer = channel.readPayload();
          if (ServerErrors.isErr(answer)) {
            throw ServerErrors.toException(server, null, answer);
          }
          if (answer.length == 0 || answer[0] != 0x00) {
            throw new CorruptEventException(
                server, null, "unexpected answer to COM_REGISTER_SLAVE");
          }
          return null;
        });
  }

  /**
   * Asks for the binlog from a file and position ({@code COM_BINLOG_DUMP}); events then come from
   * {@link #readEvent()}.
   *
   * @param start binlog file and position (at most 4294967295: the command carries 4 bytes)
   * @param serverId the replica's server id; the server drops an older dump of the same id
   * @param flags {@link #DUMP_NON_BLOCKING} or 0; MariaDB also knows 2,
   *     BINLOG_SEND_ANNOTATE_ROWS_EVENT
   */
  public void requestBinlogDump(BinlogPosition start, int serverId, int flags) {
    Objects.requireNonNull(start, "start");
    if (start.position() > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(
          "COM_BINLOG_DUMP carries a 4-byte position; " + start + " is beyond it");
    }
    command
        .reset()
        .int1(COM_BINLOG_DUMP)
        .int4((int) start.position())
        .int2(flags)
        .int4(serverId)
        .bytes(utf8(start.file()));
    startDump(start);
  }

  /**
   * Asks a MySQL server for the binlog from a GTID set ({@code COM_BINLOG_DUMP_GTID}): the server
   * sends every transaction not in {@code gtids}, starting its search at {@code start}. The flag
   * BINLOG_THROUGH_GTID (4) is always set, since the GTID data is always sent.
   *
   * @param start where the server starts looking (file and position)
   * @param gtids the transactions this replica already has
   * @param serverId the replica's server id
   * @param flags {@link #DUMP_NON_BLOCKING} or 0
   */
  public void requestBinlogDumpGtid(
      BinlogPosition start, MySqlGtidSet gtids, int serverId, int flags) {
    Objects.requireNonNull(start, "start");
    sendDumpGtid(start.file(), start.position(), start, gtids, serverId, flags);
  }

  /**
   * Like {@link #requestBinlogDumpGtid(BinlogPosition, MySqlGtidSet, int, int)} without a file: the
   * server finds the first transaction missing from {@code gtids} itself (GTID auto-positioning).
   */
  public void requestBinlogDumpGtid(MySqlGtidSet gtids, int serverId, int flags) {
    sendDumpGtid("", BinlogPosition.FIRST_EVENT, null, gtids, serverId, flags);
  }

  private void sendDumpGtid(
      String file,
      long position,
      BinlogPosition start,
      MySqlGtidSet gtids,
      int serverId,
      int flags) {
    Objects.requireNonNull(gtids, "gtids");
    byte[] name = utf8(file);
    byte[] data = gtids.encode();
    command
        .reset()
        .int1(COM_BINLOG_DUMP_GTID)
        .int2(flags | BINLOG_THROUGH_GTID)
        .int4(serverId)
        .int4(name.length)
        .bytes(name)
        .int8(position)
        .int4(data.length)
        .bytes(data);
    startDump(start);
  }

  private void startDump(BinlogPosition start) {
    runCommand(
        "a binlog dump request",
        () -> {
          sendCommand(command);
          socket.setSoTimeout(millis(readTimeout));
          dumpStart = start;
          state = State.STREAMING;
          return null;
        });
  }

  // ------------------------------------------------------------------------------------------
  // Streaming

  /**
   * The next binlog event after the dump request: its exact bytes (19-byte header, body, checksum
   * if the stream has one) without the packet's leading 0x00, in a new array of exactly that
   * length. Events larger than 16 MiB, which arrive in several packets, come whole.
   *
   * @return the event, or {@link #END_OF_STREAM} when a non-blocking dump reached the end of the
   *     binlog (and again on every later call)
   * @throws dev.hamal.binlog.BinlogUnavailableException when the server cannot send from the
   *     requested position (error 1236)
   * @throws dev.hamal.binlog.ServerErrorException for any other error packet
   * @throws BinlogConnectionException when the connection fails, the server closes it, or nothing
   *     arrives within the read timeout
   * @throws CorruptEventException when packets arrive out of order or an event's size disagrees
   *     with its packets
   */
  public byte[] readEvent() {
    State current = state;
    if (current != State.STREAMING) {
      if (current == State.ENDED) {
        return END_OF_STREAM;
      }
      if (closed) {
        throw new BinlogConnectionException(
            server, dumpStart, "the connection was closed by this client", null);
      }
      throw new IllegalStateException(
          current == State.IDLE
              ? "no binlog dump was requested on this connection"
              : "the connection to " + server + " failed or was closed");
    }
    try {
      byte[] event = channel.readEvent();
      if (event != null) {
        if (event == END_OF_STREAM) {
          state = State.ENDED;
        }
        return event;
      }
      state = State.BROKEN; // the server ends the dump after an error
      throw ServerErrors.toException(server, dumpStart, channel.errorPayload());
    } catch (IOException e) {
      throw broken(e, "reading the binlog stream", readTimeout);
    } catch (CorruptEventException e) {
      markBroken();
      throw e;
    }
  }

  /**
   * How long {@link #readEvent()} waits for data before it fails with a {@link
   * BinlogConnectionException}; {@link Duration#ZERO} waits indefinitely (the default). Applies to
   * the dump requested later and to the one running. A server that sends heartbeats every {@code h}
   * seconds is dead after a silence of a few {@code h}.
   */
  public void setReadTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("read timeout must not be negative, was " + timeout);
    }
    this.readTimeout = timeout;
    if (state == State.STREAMING) {
      try {
        socket.setSoTimeout(millis(timeout));
      } catch (IOException e) {
        throw broken(e, "setting the read timeout", timeout);
      }
    }
  }

  /**
   * At least how many bytes of the stream {@link #readEvent()} can consume without waiting for the
   * network (buffered, or already received by the socket); 0 means the next read may block. Called
   * by the reading thread between events, to hand over work before it would block.
   */
  public int available() {
    return channel.available();
  }

  /**
   * Total bytes read from the connection so far (after TLS decryption when TLS is on), for metrics
   * and benchmarks. May be called from any thread.
   */
  public long bytesReceived() {
    return channel.bytesReceived();
  }

  /**
   * Closes the connection: sends {@code COM_QUIT} when no command or dump is running, then closes
   * the socket. Idempotent, never throws; may be called from any thread, and makes a {@link
   * #readEvent()} blocked in another thread fail with a {@link BinlogConnectionException}.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (state == State.IDLE && commandLock.tryLock()) {
      try {
        channel.resetSequence();
        byte[] quit = {(byte) COM_QUIT};
        channel.write(quit, 1);
      } catch (IOException | RuntimeException e) {
        // best effort: the socket is closed next anyway
      } finally {
        commandLock.unlock();
      }
    }
    state = State.BROKEN;
    closeQuietly(socket);
    LOG.debug("Closed connection to {}", server);
  }

  // ------------------------------------------------------------------------------------------
  // Internals

  @FunctionalInterface
  private interface Command<T> {
    T run() throws IOException;
  }

  private <T> T runCommand(String what, Command<T> body) {
    commandLock.lock();
    try {
      if (state != State.IDLE || closed) {
        throw new IllegalStateException(
            state == State.STREAMING || state == State.ENDED
                ? "the connection to " + server + " is streaming the binlog; open another one"
                : "the connection to " + server + " failed or was closed");
      }
      return body.run();
    } catch (IOException e) {
      throw broken(e, "waiting for the answer to " + what, source.queryTimeout());
    } catch (CorruptEventException e) {
      markBroken();
      throw e;
    } finally {
      commandLock.unlock();
    }
  }

  private void sendCommand(PayloadWriter payload) throws IOException {
    channel.resetSequence();
    channel.write(payload);
  }

  /** Reads an OK, an ERR or a text result set; {@code keep} false drops the rows. */
  private QueryResult readQueryAnswer(boolean keep) throws IOException {
    byte[] first = channel.readPayload();
    if (first.length == 0) {
      throw new CorruptEventException(server, null, "empty answer to a query");
    }
    int type = first[0] & 0xFF;
    if (type == 0x00) {
      return QueryResult.none();
    }
    if (type == 0xFF) {
      throw ServerErrors.toException(server, null, first);
    }
    if (type == 0xFB) {
      throw new CorruptEventException(
          server, null, "the server asked for a LOCAL INFILE, which this client never allows");
    }
    long count = new PayloadReader(server, first).lenenc();
    if (count < 1 || count > 4096) {
      throw new CorruptEventException(server, null, "result set with " + count + " columns");
    }
    int columns = (int) count;
    List<String> names = new ArrayList<>(columns);
    for (int i = 0; i < columns; i++) {
      PayloadReader definition = new PayloadReader(server, channel.readPayload());
      definition.skipLenencString(); // catalog
      definition.skipLenencString(); // schema
      definition.skipLenencString(); // table
      definition.skipLenencString(); // original table
      names.add(definition.lenencString());
    }
    if (!deprecateEof) {
      byte[] eof = channel.readPayload();
      if (!isTerminator(eof)) {
        throw new CorruptEventException(
            server, null, "missing EOF packet after the column definitions");
      }
    }
    List<List<String>> rows = new ArrayList<>();
    while (true) {
      byte[] packet = channel.readPayload();
      if (isTerminator(packet)) {
        break;
      }
      if (ServerErrors.isErr(packet)) {
        throw ServerErrors.toException(server, null, packet);
      }
      if (!keep) {
        continue;
      }
      PayloadReader values = new PayloadReader(server, packet);
      List<String> row = new ArrayList<>(columns);
      for (int i = 0; i < columns; i++) {
        if (values.remaining() > 0 && (packet[values.position()] & 0xFF) == 0xFB) {
          values.int1();
          row.add(null);
        } else {
          row.add(values.lenencString());
        }
      }
      rows.add(row);
    }
    return keep ? new QueryResult(names, rows) : QueryResult.none();
  }

  /**
   * An EOF packet, or the OK packet with the 0xFE header that replaces it under
   * CLIENT_DEPRECATE_EOF. A row cannot be mistaken for it: a row starting with 0xFE carries a value
   * of at least 16 MiB, so its payload is at least 0xFFFFFF bytes.
   */
  private boolean isTerminator(byte[] packet) {
    return packet.length > 0
        && (packet[0] & 0xFF) == 0xFE
        && packet.length < (deprecateEof ? PacketChannel.MAX_PAYLOAD : 9);
  }

  private BinlogConnectionException broken(IOException e, String doing, Duration timeout) {
    boolean closedByUs = closed;
    markBroken();
    String message;
    if (closedByUs) {
      message = "the connection was closed by this client while " + doing;
    } else if (e instanceof SocketTimeoutException) {
      message = "nothing arrived from the server for " + timeout + " while " + doing;
    } else if (e instanceof EOFException) {
      message = e.getMessage() + " while " + doing;
    } else {
      message = "connection failed while " + doing + ": " + e;
    }
    return new BinlogConnectionException(server, dumpStart, message, e);
  }

  private void markBroken() {
    state = State.BROKEN;
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }

  private static int millis(Duration duration) {
    if (duration.isZero()) {
      return 0;
    }
    long millis = duration.toMillis();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
  }

  private static boolean versionAtLeast(Greeting greeting, int major, int minor, int patch) {
    return new ServerInfo(greeting.version(), greeting.mariaDb(), 0, 0, 0, "")
        .versionAtLeast(major, minor, patch);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The parsed handshake v10 packet. */
  record Greeting(
      String version,
      boolean mariaDb,
      long connectionId,
      byte[] nonce,
      int capabilities,
      int collationId,
      String authPlugin) {

    static Greeting parse(String server, byte[] payload) {
      PayloadReader in = new PayloadReader(server, payload);
      int protocol = in.int1();
      if (protocol != 10) {
        throw new BinlogConfigurationException(
            server, "server speaks protocol version " + protocol + "; only 10 is supported");
      }
      String version = in.nulString();
      long connectionId = in.int4();
      byte[] nonceStart = in.bytes(8);
      in.int1(); // filler
      int capabilities = in.int2();
      int collation = 0;
      String plugin = Authenticator.NATIVE;
      byte[] nonce = nonceStart;
      if (in.remaining() > 0) {
        collation = in.int1();
        in.int2(); // status flags
        capabilities |= in.int2() << 16;
        int authDataLength = in.int1();
        in.skip(10); // reserved (MariaDB: 6 + 4 bytes of extended capabilities)
        if ((capabilities & Capabilities.CLIENT_SECURE_CONNECTION) != 0) {
          int rest = Math.max(13, authDataLength - 8);
          byte[] nonceEnd = in.bytes(Math.min(rest, in.remaining()));
          int length = nonceEnd.length;
          if (length > 0 && nonceEnd[length - 1] == 0) {
            length--; // the NUL ending the second part
          }
          nonce = Scrambles.concat(nonceStart, Arrays.copyOf(nonceEnd, length));
        }
        if ((capabilities & Capabilities.CLIENT_PLUGIN_AUTH) != 0 && in.remaining() > 0) {
          plugin = in.nulString();
        }
      }
      boolean mariaDb = version.contains("MariaDB");
      if (mariaDb && version.startsWith(MARIADB_VERSION_PREFIX)) {
        version = version.substring(MARIADB_VERSION_PREFIX.length());
      }
      return new Greeting(version, mariaDb, connectionId, nonce, capabilities, collation, plugin);
    }
  }
}
