package dev.hamal.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import javax.net.ssl.SSLContext;

/**
 * An in-process fake MySQL server on a free loopback port, for protocol tests of what a real server
 * cannot be made to do on demand (MySQL-only authentication, broken streams, huge events, MySQL 8
 * binlog fixtures). It speaks the classic client/server protocol as documented by MySQL and
 * MariaDB: handshake v10, {@code mysql_native_password}, {@code caching_sha2_password} (fast path,
 * full authentication over TLS or RSA, public key requests), {@code sha256_password}, auth switch,
 * optional TLS, text result sets with or without {@code CLIENT_DEPRECATE_EOF}, {@code
 * COM_REGISTER_SLAVE}, {@code COM_BINLOG_DUMP} and {@code COM_BINLOG_DUMP_GTID}.
 *
 * <p>Everything the server does is scripted up front through the {@link Builder}: accounts, answers
 * to queries (exact text or a predicate), and for each dump request a {@link DumpScript} (events,
 * then EOF, an error, silence, a disconnect or raw bytes). Everything a client did is recorded:
 * {@link #logins()}, {@link #queries()}, {@link #registrations()}, {@link #dumpRequests()}, and
 * {@link #protocolErrors()} lists every place the client broke the protocol (wrong sequence id,
 * malformed packet), so a test can assert that it stayed empty.
 *
 * <p>Threading: one acceptor thread and one thread per connection, all daemons; the recordings are
 * thread-safe and may be read (or awaited) from the test thread while clients run. {@link #close()}
 * closes the listening socket and every connection and waits briefly for the threads.
 *
 * <p>Depends only on the JDK. The bytes it sends are built here from the protocol documentation,
 * independently of Hamal's client code.
 */
public final class ScriptedMySqlServer implements AutoCloseable {

  /** {@code COM_BINLOG_DUMP}. */
  public static final int COM_BINLOG_DUMP = 0x12;

  /** {@code COM_BINLOG_DUMP_GTID}. */
  public static final int COM_BINLOG_DUMP_GTID = 0x1e;

  /** The dump flag asking the server to end with EOF instead of waiting for new events. */
  public static final int BINLOG_DUMP_NON_BLOCK = 1;

  static final String NATIVE = "mysql_native_password";
  static final String CACHING_SHA2 = "caching_sha2_password";
  static final String SHA256 = "sha256_password";

  final Builder config;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final Set<ScriptedMySqlServerSession> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicInteger nextConnectionId;
  final Set<String> cachedSha2Users = ConcurrentHashMap.newKeySet();
  private volatile KeyPair rsaKeyPair;
  private volatile boolean closed;

  final List<Login> logins = new CopyOnWriteArrayList<>();
  final List<String> queries = new CopyOnWriteArrayList<>();
  final List<ReplicaRegistration> registrations = new CopyOnWriteArrayList<>();
  final List<DumpRequest> dumpRequests = new CopyOnWriteArrayList<>();
  final List<String> protocolErrors = new CopyOnWriteArrayList<>();

  private ScriptedMySqlServer(Builder config) throws IOException {
    this.config = config;
    this.rsaKeyPair = config.rsaKeyPair;
    this.nextConnectionId = new AtomicInteger(config.firstConnectionId);
    if (config.cachingSha2Cached) {
      cachedSha2Users.addAll(config.accounts.keySet());
    }
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.acceptor =
        new Thread(this::acceptLoop, "scripted-mysql-acceptor-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The loopback address the server listens on, as text ({@code 127.0.0.1}). */
  public String host() {
    return listener.getInetAddress().getHostAddress();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Every login attempt, in order, with the authentication steps taken. */
  public List<Login> logins() {
    return Collections.unmodifiableList(logins);
  }

  /** The text of every {@code COM_QUERY} received, in order. */
  public List<String> queries() {
    return Collections.unmodifiableList(queries);
  }

  /** Every {@code COM_REGISTER_SLAVE} received, decoded. */
  public List<ReplicaRegistration> registrations() {
    return Collections.unmodifiableList(registrations);
  }

  /** Every {@code COM_BINLOG_DUMP} and {@code COM_BINLOG_DUMP_GTID} received, decoded. */
  public List<DumpRequest> dumpRequests() {
    return Collections.unmodifiableList(dumpRequests);
  }

  /** Each protocol violation a client committed (wrong sequence id, malformed packet). */
  public List<String> protocolErrors() {
    return Collections.unmodifiableList(protocolErrors);
  }

  /** Number of connections currently open. */
  public int openConnections() {
    return sessions.size();
  }

  /**
   * The server's RSA public key in PEM ({@code BEGIN PUBLIC KEY}), as a client configures it for
   * full {@code caching_sha2_password} authentication without TLS. Generated on first use unless
   * {@link Builder#rsaKeyPair(KeyPair)} gave one.
   */
  public String publicKeyPem() {
    byte[] der = rsaKeyPair().getPublic().getEncoded();
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  KeyPair rsaKeyPair() {
    KeyPair pair = rsaKeyPair;
    if (pair == null) {
      synchronized (this) {
        pair = rsaKeyPair;
        if (pair == null) {
          try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key pair", e);
          }
          rsaKeyPair = pair;
        }
      }
    }
    return pair;
  }

  /** Closes every client connection now, as a crashing server would; keeps listening. */
  public void disconnectAll() {
    for (ScriptedMySqlServerSession session : sessions) {
      session.abort();
    }
  }

  /** Stops listening, closes every connection; idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    disconnectAll();
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      ScriptedMySqlServerSession session =
          new ScriptedMySqlServerSession(this, socket, nextConnectionId.getAndIncrement());
      sessions.add(session);
      Thread thread =
          new Thread(
              () -> {
                try {
                  session.run();
                } finally {
                  sessions.remove(session);
                }
              },
              "scripted-mysql-" + port() + "-conn-" + session.connectionId);
      thread.setDaemon(true);
      thread.start();
    }
  }

  QueryAnswer answerFor(String sql) {
    for (QueryRule rule : config.queryRules) {
      if (rule.matcher.test(sql)) {
        return rule.answer;
      }
    }
    return config.otherQueries != null
        ? config.otherQueries
        : QueryAnswer.error(1064, "42000", "ScriptedMySqlServer has no answer for: " + sql);
  }

  // ------------------------------------------------------------------------------------------
  // Configuration

  /** What the server is and what it answers; {@link #start()} starts it. */
  public static final class Builder {
    String serverVersion = "8.0.36";
    int firstConnectionId = 1;
    int collationId = 255;
    String defaultAuthPlugin = NATIVE;
    final Map<String, Account> accounts = new LinkedHashMap<>();
    boolean cachingSha2Cached = true;
    SSLContext sslContext;
    KeyPair rsaKeyPair;
    boolean deprecateEof = true;
    QueryAnswer refusal;
    final List<QueryRule> queryRules = new ArrayList<>();
    QueryAnswer otherQueries;
    QueryAnswer registerAnswer = QueryAnswer.ok();
    Function<DumpRequest, DumpScript> dumpScripts = request -> DumpScript.of(List.of());

    private Builder() {
      accounts.put("root", new Account("root", "", null));
    }

    /**
     * The version the greeting announces, e.g. {@code 8.0.36} or {@code 5.5.5-10.11.6-MariaDB}
     * (default {@code 8.0.36}).
     */
    public Builder serverVersion(String value) {
      this.serverVersion = Objects.requireNonNull(value);
      return this;
    }

    /** The connection id of the first connection; later ones count up (default 1). */
    public Builder firstConnectionId(int value) {
      this.firstConnectionId = value;
      return this;
    }

    /** The collation id the greeting announces (default 255, utf8mb4_0900_ai_ci). */
    public Builder collationId(int value) {
      this.collationId = value;
      return this;
    }

    /**
     * The authentication plugin announced in the greeting, used by accounts without their own
     * (default {@code mysql_native_password}; also {@code caching_sha2_password}, {@code
     * sha256_password}).
     */
    public Builder defaultAuthPlugin(String plugin) {
      this.defaultAuthPlugin = checkPlugin(plugin);
      return this;
    }

    /**
     * Adds an account using the default plugin. Without any call the only account is {@code root}
     * without a password.
     */
    public Builder account(String user, String password) {
      accounts.put(user, new Account(user, password, null));
      return this;
    }

    /**
     * Adds an account using {@code plugin}; when it differs from the greeting's plugin the server
     * sends an auth switch request, as MySQL does.
     */
    public Builder account(String user, String password, String plugin) {
      accounts.put(user, new Account(user, password, checkPlugin(plugin)));
      return this;
    }

    /**
     * Whether {@code caching_sha2_password} finds the accounts in its cache, so the fast path
     * succeeds (default true). When false the first login of each account needs full
     * authentication, after which it is cached, as in MySQL.
     */
    public Builder cachingSha2Cached(boolean value) {
      this.cachingSha2Cached = value;
      return this;
    }

    /** Offers TLS ({@code CLIENT_SSL}) with this server-side context. */
    public Builder tls(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context);
      return this;
    }

    /** The RSA key pair for password encryption (default: generated when first needed). */
    public Builder rsaKeyPair(KeyPair value) {
      this.rsaKeyPair = Objects.requireNonNull(value);
      return this;
    }

    /** Whether the server offers {@code CLIENT_DEPRECATE_EOF} (default true, as MySQL 5.7+). */
    public Builder deprecateEof(boolean value) {
      this.deprecateEof = value;
      return this;
    }

    /**
     * Refuses every login after the client's handshake response with this answer, typically {@code
     * QueryAnswer.error(1045, "28000", "Access denied ...")} or {@code 1040}.
     */
    public Builder refuseLogins(QueryAnswer answer) {
      this.refusal = Objects.requireNonNull(answer);
      return this;
    }

    /** Answers the query with exactly this text. Rules are tried in the order they were added. */
    public Builder onQuery(String sql, QueryAnswer answer) {
      Objects.requireNonNull(sql);
      queryRules.add(new QueryRule(sql::equals, Objects.requireNonNull(answer)));
      return this;
    }

    /** Answers every query the predicate accepts. Rules are tried in the order they were added. */
    public Builder onQuery(Predicate<String> matcher, QueryAnswer answer) {
      queryRules.add(
          new QueryRule(Objects.requireNonNull(matcher), Objects.requireNonNull(answer)));
      return this;
    }

    /**
     * Answers every query no rule matched (default: error 1064 naming the query, so a missing
     * script is visible).
     */
    public Builder onOtherQueries(QueryAnswer answer) {
      this.otherQueries = Objects.requireNonNull(answer);
      return this;
    }

    /** Answers {@code COM_REGISTER_SLAVE} (default OK). */
    public Builder onRegisterReplica(QueryAnswer answer) {
      this.registerAnswer = Objects.requireNonNull(answer);
      return this;
    }

    /** Answers every dump request with these events, then ends as {@link DumpScript#of} says. */
    public Builder binlogEvents(List<byte[]> events) {
      List<byte[]> copy = List.copyOf(events);
      this.dumpScripts = request -> DumpScript.of(copy);
      return this;
    }

    /** Chooses the answer to each dump request from the decoded request. */
    public Builder onDump(Function<DumpRequest, DumpScript> scripts) {
      this.dumpScripts = Objects.requireNonNull(scripts);
      return this;
    }

    /** Starts listening on a free loopback port. */
    public ScriptedMySqlServer start() {
      try {
        return new ScriptedMySqlServer(this);
      } catch (IOException e) {
        throw new IllegalStateException("cannot listen on a loopback port", e);
      }
    }

    private static String checkPlugin(String plugin) {
      if (!plugin.equals(NATIVE) && !plugin.equals(CACHING_SHA2) && !plugin.equals(SHA256)) {
        throw new IllegalArgumentException("unsupported authentication plugin " + plugin);
      }
      return plugin;
    }
  }

  record Account(String user, String password, String plugin) {}

  record QueryRule(Predicate<String> matcher, QueryAnswer answer) {}

  // ------------------------------------------------------------------------------------------
  // Answers and scripts

  /** The server's answer to a command. */
  public sealed interface QueryAnswer {

    /** An OK packet. */
    static QueryAnswer ok() {
      return new Ok();
    }

    /** An ERR packet. */
    static QueryAnswer error(int code, String sqlState, String message) {
      return new Error(code, sqlState, message);
    }

    /**
     * A text result set. {@code rows} may contain {@code null} for SQL NULL; every row must have as
     * many values as there are columns.
     */
    static QueryAnswer rows(List<String> columns, List<List<String>> rows) {
      List<String> names = List.copyOf(columns);
      List<List<String>> copy = new ArrayList<>();
      for (List<String> row : rows) {
        if (row.size() != names.size()) {
          throw new IllegalArgumentException(
              "row " + row + " has " + row.size() + " values for " + names.size() + " columns");
        }
        copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
      }
      return new Rows(names, Collections.unmodifiableList(copy));
    }

    /** A result set of one row; a {@code null} value is SQL NULL. */
    static QueryAnswer row(List<String> columns, String... values) {
      return rows(columns, List.of(Arrays.asList(values)));
    }

    /** No answer at all: the connection stays open and silent (for timeout tests). */
    static QueryAnswer silence() {
      return new Silence();
    }

    /** The server closes the connection instead of answering. */
    static QueryAnswer disconnect() {
      return new Disconnect();
    }

    /**
     * @see #ok()
     */
    record Ok() implements QueryAnswer {}

    /**
     * @see #error(int, String, String)
     */
    record Error(int code, String sqlState, String message) implements QueryAnswer {
      public Error {
        if (sqlState.length() != 5) {
          throw new IllegalArgumentException("SQLSTATE must have 5 characters: " + sqlState);
        }
      }
    }

    /**
     * @see #rows(List, List)
     */
    record Rows(List<String> columns, List<List<String>> rows) implements QueryAnswer {}

    /**
     * @see #silence()
     */
    record Silence() implements QueryAnswer {}

    /**
     * @see #disconnect()
     */
    record Disconnect() implements QueryAnswer {}
  }

  /**
   * What the server sends after a dump request: binlog events (each exactly as in a binlog file:
   * 19-byte header, body, checksum if any; the server adds the 0x00 status byte and splits events
   * over 16 MiB into continuation packets), then an ending. Immutable; the {@code then*} methods
   * return a new script.
   *
   * <p>The natural ending (when none is given) is what a real server does: EOF when the request had
   * {@link #BINLOG_DUMP_NON_BLOCK}, otherwise silence until the connection is closed.
   */
  public static final class DumpScript {
    sealed interface Step {}

    record Event(byte[] bytes) implements Step {}

    record Raw(byte[] bytes) implements Step {}

    record FromQueue(BlockingQueue<byte[]> queue) implements Step {}

    enum Ending implements Step {
      NATURAL,
      EOF,
      SILENCE,
      DISCONNECT
    }

    record Failure(QueryAnswer.Error error) implements Step {}

    final List<Step> steps;
    final Step ending;

    private DumpScript(List<Step> steps, Step ending) {
      this.steps = List.copyOf(steps);
      this.ending = ending;
    }

    /** These events, then the natural ending. */
    public static DumpScript of(List<byte[]> events) {
      List<Step> steps = new ArrayList<>();
      for (byte[] event : events) {
        steps.add(new Event(event.clone()));
      }
      return new DumpScript(steps, Ending.NATURAL);
    }

    /** These events, then the natural ending. */
    public static DumpScript of(byte[]... events) {
      return of(Arrays.asList(events));
    }

    /** More events after the ones already scripted. */
    public DumpScript thenEvents(List<byte[]> events) {
      List<Step> steps = new ArrayList<>(this.steps);
      for (byte[] event : events) {
        steps.add(new Event(event.clone()));
      }
      return new DumpScript(steps, ending);
    }

    /**
     * Events taken from the queue as they arrive, each sent at once, until an empty array is taken
     * (then the script goes on) or the connection closes.
     */
    public DumpScript thenEventsFrom(BlockingQueue<byte[]> queue) {
      List<Step> steps = new ArrayList<>(this.steps);
      steps.add(new FromQueue(Objects.requireNonNull(queue)));
      return new DumpScript(steps, ending);
    }

    /**
     * Bytes written to the socket as they are, without packet framing (for broken streams: a
     * truncated packet, a wrong sequence id). Usually followed by {@link #thenDisconnect()}.
     */
    public DumpScript thenRawBytes(byte[] bytes) {
      List<Step> steps = new ArrayList<>(this.steps);
      steps.add(new Raw(bytes.clone()));
      return new DumpScript(steps, ending);
    }

    /** Ends with an EOF packet (and closes the connection, as the server's dump thread does). */
    public DumpScript thenEof() {
      return new DumpScript(steps, Ending.EOF);
    }

    /** Ends with an ERR packet, e.g. 1236, then closes the connection. */
    public DumpScript thenError(int code, String sqlState, String message) {
      return new DumpScript(steps, new Failure(new QueryAnswer.Error(code, sqlState, message)));
    }

    /** Sends nothing more; keeps the connection open until the client or the test closes it. */
    public DumpScript thenSilence() {
      return new DumpScript(steps, Ending.SILENCE);
    }

    /** Closes the connection right after the last step. */
    public DumpScript thenDisconnect() {
      return new DumpScript(steps, Ending.DISCONNECT);
    }

    /**
     * The ROTATE event a server sends first in every dump (timestamp 0, next position 0, flag
     * LOG_EVENT_ARTIFICIAL_F), naming the file and position the stream starts at: header (19
     * bytes), 8-byte position, file name, and a CRC32 of all that when {@code crc32}.
     */
    public static byte[] rotateEvent(long serverId, String file, long position, boolean crc32) {
      byte[] name = file.getBytes(StandardCharsets.UTF_8);
      int size = 19 + 8 + name.length + (crc32 ? 4 : 0);
      ByteBuffer event = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      event.putInt(0); // timestamp
      event.put((byte) 4); // ROTATE_EVENT
      event.putInt((int) serverId);
      event.putInt(size);
      event.putInt(0); // next position: 0 for an artificial event
      event.putShort((short) 0x20); // LOG_EVENT_ARTIFICIAL_F
      event.putLong(position);
      event.put(name);
      if (crc32) {
        CRC32 checksum = new CRC32();
        checksum.update(event.array(), 0, size - 4);
        event.putInt((int) checksum.getValue());
      }
      return event.array();
    }

    /**
     * Splits a binlog file (starting with the magic {@code FE 62 69 6E}) into its events using the
     * event-size field of each event header, for replaying a file captured from a real server.
     *
     * @throws IllegalArgumentException when the bytes are not a binlog file or an event is cut
     */
    public static List<byte[]> eventsOfBinlogFile(byte[] file) {
      if (file.length < 4
          || (file[0] & 0xFF) != 0xFE
          || file[1] != 'b'
          || file[2] != 'i'
          || file[3] != 'n') {
        throw new IllegalArgumentException("not a binlog file: the magic FE 62 69 6E is missing");
      }
      List<byte[]> events = new ArrayList<>();
      int offset = 4;
      while (offset < file.length) {
        if (file.length - offset < 19) {
          throw new IllegalArgumentException("event header cut at offset " + offset);
        }
        long size =
            (file[offset + 9] & 0xFFL)
                | (file[offset + 10] & 0xFFL) << 8
                | (file[offset + 11] & 0xFFL) << 16
                | (file[offset + 12] & 0xFFL) << 24;
        if (size < 19 || size > file.length - offset) {
          throw new IllegalArgumentException(
              "event at offset " + offset + " has impossible size " + size);
        }
        events.add(Arrays.copyOfRange(file, offset, offset + (int) size));
        offset += (int) size;
      }
      return events;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Recordings

  /** The steps of an authentication exchange, in the order they happened. */
  public enum AuthStep {
    /** The server asked the client to switch to the account's plugin. */
    AUTH_SWITCH,
    /** {@code caching_sha2_password} accepted the scramble from its cache. */
    FAST_AUTH_SUCCESS,
    /** {@code caching_sha2_password} asked for full authentication. */
    FULL_AUTH_REQUESTED,
    /** The client asked for the RSA public key and got it. */
    PUBLIC_KEY_SENT,
    /** The client sent the password in clear (over TLS). */
    CLEARTEXT_PASSWORD,
    /** The client sent the password encrypted with the RSA key. */
    RSA_PASSWORD,
    /** The server sent OK. */
    ACCEPTED,
    /** The server sent an error. */
    REJECTED
  }

  /**
   * One login attempt.
   *
   * @param user the user name the client sent
   * @param clientPlugin the plugin the client's first answer was made for
   * @param tls whether the connection was upgraded to TLS first
   * @param steps what happened, in order
   * @param clientCapabilities the capability flags of the handshake response
   * @param collationId the collation the client asked for
   * @param attributes the connection attributes the client sent
   */
  public record Login(
      String user,
      String clientPlugin,
      boolean tls,
      List<AuthStep> steps,
      int clientCapabilities,
      int collationId,
      Map<String, String> attributes) {

    public boolean accepted() {
      return steps.contains(AuthStep.ACCEPTED);
    }
  }

  /**
   * A decoded {@code COM_REGISTER_SLAVE}.
   *
   * @param serverId the replica's server id (unsigned 32 bits, as a long)
   * @param host report host
   * @param user report user
   * @param password report password
   * @param port report port
   * @param rank replication rank (ignored by servers)
   * @param masterId master id (0 from most clients)
   */
  public record ReplicaRegistration(
      long serverId,
      String host,
      String user,
      String password,
      int port,
      long rank,
      long masterId) {}

  /**
   * A decoded dump request.
   *
   * @param command {@link #COM_BINLOG_DUMP} or {@link #COM_BINLOG_DUMP_GTID}
   * @param flags the flags field
   * @param serverId the replica's server id (unsigned 32 bits, as a long)
   * @param file the binlog file name (may be empty)
   * @param position the start position
   * @param gtidData the raw GTID set of a GTID request; empty otherwise
   * @param gtids the GTID set decoded by this server: {@code uuid[:tag]:start-end[:start-end]} per
   *     encoded source, joined by commas, intervals printed with inclusive ends; empty when none
   */
  public record DumpRequest(
      int command,
      int flags,
      long serverId,
      String file,
      long position,
      byte[] gtidData,
      String gtids) {

    public boolean nonBlocking() {
      return (flags & BINLOG_DUMP_NON_BLOCK) != 0;
    }
  }

  static Map<String, String> unmodifiable(HashMap<String, String> map) {
    return Collections.unmodifiableMap(map);
  }
}
