package dev.hamal.testkit;

import dev.hamal.testkit.ScriptedMySqlServer.Account;
import dev.hamal.testkit.ScriptedMySqlServer.AuthStep;
import dev.hamal.testkit.ScriptedMySqlServer.DumpRequest;
import dev.hamal.testkit.ScriptedMySqlServer.DumpScript;
import dev.hamal.testkit.ScriptedMySqlServer.Login;
import dev.hamal.testkit.ScriptedMySqlServer.QueryAnswer;
import dev.hamal.testkit.ScriptedMySqlServer.ReplicaRegistration;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.net.ssl.SSLSocket;

/**
 * The server side of one connection of {@link ScriptedMySqlServer}: greeting, authentication,
 * command loop. Runs on its own thread; {@link #abort()} may be called from any thread.
 *
 * <p>Packet framing: a 3-byte little-endian payload length and a 1-byte sequence id, payloads of
 * 0xFFFFFF bytes continued in the next packet. The sequence id restarts at 0 with each command and
 * counts up across both directions; a client packet with another id is a protocol error, recorded
 * and answered by closing the connection.
 */
final class ScriptedMySqlServerSession {

  private static final int MAX_PAYLOAD = 0xFFFFFF;

  // capability flags, from the protocol documentation
  private static final int CLIENT_LONG_PASSWORD = 1;
  private static final int CLIENT_FOUND_ROWS = 1 << 1;
  private static final int CLIENT_LONG_FLAG = 1 << 2;
  private static final int CLIENT_CONNECT_WITH_DB = 1 << 3;
  private static final int CLIENT_PROTOCOL_41 = 1 << 9;
  private static final int CLIENT_SSL = 1 << 11;
  private static final int CLIENT_TRANSACTIONS = 1 << 13;
  private static final int CLIENT_SECURE_CONNECTION = 1 << 15;
  private static final int CLIENT_MULTI_STATEMENTS = 1 << 16;
  private static final int CLIENT_MULTI_RESULTS = 1 << 17;
  private static final int CLIENT_PLUGIN_AUTH = 1 << 19;
  private static final int CLIENT_CONNECT_ATTRS = 1 << 20;
  private static final int CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1 << 21;
  private static final int CLIENT_DEPRECATE_EOF = 1 << 24;

  private static final int SERVER_STATUS_AUTOCOMMIT = 0x0002;

  private final ScriptedMySqlServer server;
  final int connectionId;
  private volatile Socket socket;
  private InputStream in;
  private OutputStream out;
  private int sequence;
  private int clientCapabilities;
  private boolean tls;
  private final SecureRandom random = new SecureRandom();

  ScriptedMySqlServerSession(ScriptedMySqlServer server, Socket socket, int connectionId) {
    this.server = server;
    this.socket = socket;
    this.connectionId = connectionId;
  }

  void abort() {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  void run() {
    try {
      // Unbuffered until TLS is settled: a buffer could swallow the client's TLS hello.
      in = socket.getInputStream();
      out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      if (authenticate()) {
        in = new BufferedInputStream(in, 1 << 16);
        commandLoop();
      }
    } catch (ProtocolViolation e) {
      server.protocolErrors.add("connection " + connectionId + ": " + e.getMessage());
    } catch (IOException e) {
      // the client went away or the test closed the server
    } finally {
      abort();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Authentication

  private boolean authenticate() throws IOException {
    ScriptedMySqlServer.Builder config = server.config;
    byte[] nonce = newNonce(20);
    int capabilities =
        CLIENT_LONG_PASSWORD
            | CLIENT_FOUND_ROWS
            | CLIENT_LONG_FLAG
            | CLIENT_CONNECT_WITH_DB
            | CLIENT_PROTOCOL_41
            | CLIENT_TRANSACTIONS
            | CLIENT_SECURE_CONNECTION
            | CLIENT_MULTI_STATEMENTS
            | CLIENT_MULTI_RESULTS
            | CLIENT_PLUGIN_AUTH
            | CLIENT_CONNECT_ATTRS
            | CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
            | (config.sslContext != null ? CLIENT_SSL : 0)
            | (config.deprecateEof ? CLIENT_DEPRECATE_EOF : 0);

    sequence = 0;
    Out greeting = new Out();
    greeting.int1(10);
    greeting.nulString(config.serverVersion);
    greeting.int4(connectionId);
    greeting.bytes(nonce, 0, 8);
    greeting.int1(0);
    greeting.int2(capabilities & 0xFFFF);
    greeting.int1(config.collationId);
    greeting.int2(SERVER_STATUS_AUTOCOMMIT);
    greeting.int2(capabilities >>> 16);
    greeting.int1(nonce.length + 1);
    greeting.bytes(new byte[10], 0, 10);
    greeting.bytes(nonce, 8, nonce.length - 8);
    greeting.int1(0);
    greeting.nulString(config.defaultAuthPlugin);
    writePacket(greeting.toByteArray());
    out.flush();

    In response = new In(readPacket());
    int clientFlags = response.int4();
    if ((clientFlags & CLIENT_SSL) != 0) {
      if (config.sslContext == null) {
        throw new ProtocolViolation("client asked for TLS, which the server did not offer");
      }
      if (response.remaining() != 28) {
        throw new ProtocolViolation(
            "SSLRequest must be 32 bytes, was " + (response.remaining() + 4));
      }
      startTls();
      response = new In(readPacket());
      clientFlags = response.int4();
      if ((clientFlags & CLIENT_SSL) == 0) {
        throw new ProtocolViolation("handshake response after TLS lacks CLIENT_SSL");
      }
    }
    if ((clientFlags & CLIENT_PROTOCOL_41) == 0) {
      throw new ProtocolViolation("client does not speak protocol 4.1");
    }
    clientCapabilities = clientFlags & capabilities;
    response.int4(); // max packet size
    int collation = response.int1();
    response.skip(23);
    String user = response.nulString();
    byte[] token;
    if ((clientFlags & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
      token = response.bytes((int) response.lenenc());
    } else if ((clientFlags & CLIENT_SECURE_CONNECTION) != 0) {
      token = response.bytes(response.int1());
    } else {
      token = response.nulString().getBytes(StandardCharsets.ISO_8859_1);
    }
    if ((clientFlags & CLIENT_CONNECT_WITH_DB) != 0) {
      response.nulString();
    }
    String clientPlugin =
        (clientFlags & CLIENT_PLUGIN_AUTH) != 0 ? response.nulString() : ScriptedMySqlServer.NATIVE;
    HashMap<String, String> attributes = new HashMap<>();
    if ((clientFlags & CLIENT_CONNECT_ATTRS) != 0 && response.remaining() > 0) {
      long length = response.lenenc();
      int end = response.position + (int) length;
      while (response.position < end) {
        attributes.put(response.lenencString(), response.lenencString());
      }
    }

    List<AuthStep> steps = new ArrayList<>();
    boolean accepted = false;
    QueryAnswer refusal = config.refusal;
    try {
      Account account = config.accounts.get(user);
      if (refusal == null && account != null) {
        String plugin = account.plugin() != null ? account.plugin() : config.defaultAuthPlugin;
        byte[] scrambleNonce = nonce;
        if (!plugin.equals(clientPlugin)) {
          steps.add(AuthStep.AUTH_SWITCH);
          scrambleNonce = newNonce(20);
          Out change = new Out();
          change.int1(0xFE);
          change.nulString(plugin);
          change.bytes(scrambleNonce, 0, scrambleNonce.length);
          change.int1(0);
          writePacket(change.toByteArray());
          out.flush();
          token = readPacket();
        }
        accepted =
            switch (plugin) {
              case ScriptedMySqlServer.NATIVE -> checkNative(account, token, scrambleNonce);
              case ScriptedMySqlServer.CACHING_SHA2 ->
                  checkCachingSha2(account, token, scrambleNonce, steps);
              default -> checkSha256(account, token, scrambleNonce, steps);
            };
      }
    } finally {
      // recorded before the final answer, so a client that got its answer sees the record
      steps.add(accepted ? AuthStep.ACCEPTED : AuthStep.REJECTED);
      server.logins.add(
          new Login(
              user,
              clientPlugin,
              tls,
              List.copyOf(steps),
              clientFlags,
              collation,
              ScriptedMySqlServer.unmodifiable(attributes)));
    }
    if (accepted) {
      writePacket(ok());
    } else if (refusal != null) {
      sendAnswer(refusal);
    } else {
      sendError(accessDenied(user, token.length > 0));
    }
    out.flush();
    return accepted;
  }

  private void startTls() throws IOException {
    SSLSocket secure =
        (SSLSocket)
            server
                .config
                .sslContext
                .getSocketFactory()
                .createSocket(
                    socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
    secure.setUseClientMode(false);
    secure.startHandshake();
    socket = secure;
    in = secure.getInputStream();
    out = new BufferedOutputStream(secure.getOutputStream(), 1 << 16);
    tls = true;
  }

  private static QueryAnswer.Error accessDenied(String user, boolean usingPassword) {
    return new QueryAnswer.Error(
        1045,
        "28000",
        "Access denied for user '"
            + user
            + "'@'localhost' (using password: "
            + (usingPassword ? "YES" : "NO")
            + ")");
  }

  /** Server side of mysql_native_password: the stored hash is SHA1(SHA1(password)). */
  private static boolean checkNative(Account account, byte[] token, byte[] nonce) {
    if (token.length == 0) {
      return account.password().isEmpty();
    }
    if (account.password().isEmpty() || token.length != 20) {
      return false;
    }
    byte[] stored = sha1(sha1(utf8(account.password())));
    byte[] mask = sha1(concat(nonce, stored));
    byte[] candidate = xor(token, mask);
    return MessageDigest.isEqual(sha1(candidate), stored);
  }

  /**
   * Server side of caching_sha2_password: the cache holds SHA256(SHA256(password)); a cache miss or
   * a mismatch asks for full authentication (as MySQL does), which needs the password itself.
   */
  private boolean checkCachingSha2(
      Account account, byte[] token, byte[] nonce, List<AuthStep> steps) throws IOException {
    if (token.length == 0) {
      return account.password().isEmpty();
    }
    byte[] stored = sha256(sha256(utf8(account.password())));
    if (server.cachedSha2Users.contains(account.user()) && token.length == 32) {
      byte[] candidate = xor(token, sha256(concat(stored, nonce)));
      if (MessageDigest.isEqual(sha256(candidate), stored)) {
        steps.add(AuthStep.FAST_AUTH_SUCCESS);
        writePacket(new byte[] {0x01, 0x03});
        return true;
      }
    }
    steps.add(AuthStep.FULL_AUTH_REQUESTED);
    writePacket(new byte[] {0x01, 0x04});
    out.flush();
    byte[] answer = readPacket();
    String password = fullAuthPassword(answer, (byte) 0x02, nonce, steps);
    boolean ok = password != null && password.equals(account.password());
    if (ok) {
      server.cachedSha2Users.add(account.user());
    }
    return ok;
  }

  /** Server side of sha256_password: the password in clear over TLS, else RSA-encrypted. */
  private boolean checkSha256(Account account, byte[] token, byte[] nonce, List<AuthStep> steps)
      throws IOException {
    if (token.length == 0 || (token.length == 1 && token[0] == 0)) {
      return account.password().isEmpty();
    }
    String password = fullAuthPassword(token, (byte) 0x01, nonce, steps);
    return password != null && password.equals(account.password());
  }

  /**
   * The password of a full authentication: in clear (NUL-terminated) over TLS; otherwise RSA/OAEP
   * encrypted after XOR with the nonce, with an optional public key request first.
   */
  private String fullAuthPassword(
      byte[] answer, byte keyRequest, byte[] nonce, List<AuthStep> steps) throws IOException {
    if (tls) {
      steps.add(AuthStep.CLEARTEXT_PASSWORD);
      return new String(stripNul(answer), StandardCharsets.UTF_8);
    }
    if (answer.length == 1 && answer[0] == keyRequest) {
      Out key = new Out();
      key.int1(0x01);
      byte[] pem = server.publicKeyPem().getBytes(StandardCharsets.US_ASCII);
      key.bytes(pem, 0, pem.length);
      writePacket(key.toByteArray());
      out.flush();
      steps.add(AuthStep.PUBLIC_KEY_SENT);
      answer = readPacket();
    }
    byte[] plain;
    try {
      Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
      cipher.init(Cipher.DECRYPT_MODE, server.rsaKeyPair().getPrivate());
      plain = cipher.doFinal(answer);
    } catch (GeneralSecurityException e) {
      server.protocolErrors.add(
          "connection "
              + connectionId
              + ": password over a plain connection is not RSA-encrypted with the server key ("
              + e.getClass().getSimpleName()
              + ")");
      return null;
    }
    steps.add(AuthStep.RSA_PASSWORD);
    for (int i = 0; i < plain.length; i++) {
      plain[i] ^= nonce[i % nonce.length];
    }
    return new String(stripNul(plain), StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------------
  // Commands

  private void commandLoop() throws IOException {
    while (true) {
      sequence = 0;
      byte[] packet;
      try {
        packet = readPacket();
      } catch (EOFException e) {
        return;
      }
      In command = new In(packet);
      int code = command.int1();
      switch (code) {
        case 0x01 -> {
          return; // COM_QUIT
        }
        case 0x03 -> {
          String sql = new String(command.rest(), StandardCharsets.UTF_8);
          server.queries.add(sql);
          if (!sendAnswer(server.answerFor(sql))) {
            return;
          }
        }
        case 0x0e -> writePacket(ok()); // COM_PING
        case 0x15 -> {
          long serverId = command.int4() & 0xFFFFFFFFL;
          String host = command.shortString();
          String user = command.shortString();
          String password = command.shortString();
          int port = command.int2();
          long rank = command.int4() & 0xFFFFFFFFL;
          long masterId = command.int4() & 0xFFFFFFFFL;
          server.registrations.add(
              new ReplicaRegistration(serverId, host, user, password, port, rank, masterId));
          if (!sendAnswer(server.config.registerAnswer)) {
            return;
          }
        }
        case ScriptedMySqlServer.COM_BINLOG_DUMP -> {
          long position = command.int4() & 0xFFFFFFFFL;
          int flags = command.int2();
          long serverId = command.int4() & 0xFFFFFFFFL;
          String file = new String(command.rest(), StandardCharsets.UTF_8);
          dump(new DumpRequest(code, flags, serverId, file, position, new byte[0], ""));
          return;
        }
        case ScriptedMySqlServer.COM_BINLOG_DUMP_GTID -> {
          int flags = command.int2();
          long serverId = command.int4() & 0xFFFFFFFFL;
          int nameLength = command.int4();
          String file = new String(command.bytes(nameLength), StandardCharsets.UTF_8);
          long position = command.int8();
          byte[] data = new byte[0];
          if ((flags & 0x04) != 0 || command.remaining() >= 4) {
            data = command.bytes(command.int4());
          }
          if (command.remaining() != 0) {
            throw new ProtocolViolation(
                command.remaining() + " unexpected bytes after COM_BINLOG_DUMP_GTID data");
          }
          String gtids = describeGtidData(data);
          dump(new DumpRequest(code, flags, serverId, file, position, data, gtids));
          return;
        }
        default ->
            sendError(
                new QueryAnswer.Error(
                    1047, "08S01", "Unknown command 0x" + Integer.toHexString(code)));
      }
      out.flush();
    }
  }

  /** Sends the answer; false when the connection must end (silence or disconnect). */
  private boolean sendAnswer(QueryAnswer answer) throws IOException {
    switch (answer) {
      case QueryAnswer.Ok ok -> writePacket(ok());
      case QueryAnswer.Error error -> sendError(error);
      case QueryAnswer.Rows rows -> sendRows(rows);
      case QueryAnswer.Silence silence -> {
        out.flush();
        waitForClientToClose();
        return false;
      }
      case QueryAnswer.Disconnect disconnect -> {
        out.flush();
        return false;
      }
    }
    out.flush();
    return true;
  }

  private void sendRows(QueryAnswer.Rows rows) throws IOException {
    boolean deprecateEof = (clientCapabilities & CLIENT_DEPRECATE_EOF) != 0;
    Out count = new Out();
    count.lenenc(rows.columns().size());
    writePacket(count.toByteArray());
    for (String name : rows.columns()) {
      Out column = new Out();
      column.lenencString("def");
      column.lenencString("");
      column.lenencString("");
      column.lenencString("");
      column.lenencString(name);
      column.lenencString(name);
      column.lenenc(0x0c);
      column.int2(server.config.collationId);
      column.int4(1024);
      column.int1(0xFD); // MYSQL_TYPE_VAR_STRING
      column.int2(0);
      column.int1(0);
      column.int2(0);
      writePacket(column.toByteArray());
    }
    if (!deprecateEof) {
      writePacket(eof());
    }
    for (List<String> row : rows.rows()) {
      Out values = new Out();
      for (String value : row) {
        if (value == null) {
          values.int1(0xFB);
        } else {
          values.lenencString(value);
        }
      }
      writePacket(values.toByteArray());
    }
    writePacket(deprecateEof ? okWithEofHeader() : eof());
  }

  private void dump(DumpRequest request) throws IOException {
    server.dumpRequests.add(request);
    DumpScript script = server.config.dumpScripts.apply(request);
    for (DumpScript.Step step : script.steps) {
      switch (step) {
        case DumpScript.Event event -> writeEvent(event.bytes());
        case DumpScript.Raw raw -> {
          out.write(raw.bytes());
          out.flush();
        }
        case DumpScript.FromQueue queue -> {
          out.flush();
          while (true) {
            byte[] event;
            try {
              event = queue.queue().take();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            if (event.length == 0) {
              break;
            }
            writeEvent(event);
            out.flush();
          }
        }
        default -> throw new IllegalStateException("unexpected step " + step);
      }
    }
    DumpScript.Step ending = script.ending;
    if (ending == DumpScript.Ending.NATURAL) {
      ending = request.nonBlocking() ? DumpScript.Ending.EOF : DumpScript.Ending.SILENCE;
    }
    switch (ending) {
      case DumpScript.Ending.EOF ->
          writePacket((clientCapabilities & CLIENT_DEPRECATE_EOF) != 0 ? okWithEofHeader() : eof());
      case DumpScript.Failure failure -> sendError(failure.error());
      case DumpScript.Ending.SILENCE -> {
        out.flush();
        waitForClientToClose();
      }
      default -> {
        // DISCONNECT
      }
    }
    out.flush();
  }

  private void writeEvent(byte[] event) throws IOException {
    byte[] payload = new byte[event.length + 1];
    System.arraycopy(event, 0, payload, 1, event.length);
    writePacket(payload);
  }

  private void waitForClientToClose() throws IOException {
    byte[] sink = new byte[512];
    while (in.read(sink) >= 0) {
      // discard whatever the client sends until it closes
    }
  }

  /** Decodes the GTID set data of COM_BINLOG_DUMP_GTID (classic or MySQL 8.3 tagged format). */
  private static String describeGtidData(byte[] data) {
    if (data.length == 0) {
      return "";
    }
    In in = new In(data);
    long header = in.int8();
    int format = (int) (header >>> 56);
    long count = format == 0 ? header : (header >>> 8) & 0xFFFFFFFFFFFFL;
    if (format > 1 || (format == 1 && (header & 0xFF) != 1)) {
      throw new ProtocolViolation("unknown GTID set format in header " + Long.toHexString(header));
    }
    StringBuilder text = new StringBuilder();
    for (long s = 0; s < count; s++) {
      String hex = HexFormat.of().formatHex(in.bytes(16));
      if (s > 0) {
        text.append(',');
      }
      text.append(hex, 0, 8)
          .append('-')
          .append(hex, 8, 12)
          .append('-')
          .append(hex, 12, 16)
          .append('-')
          .append(hex, 16, 20)
          .append('-')
          .append(hex, 20, 32);
      if (format == 1) {
        int length = in.int1() >> 1;
        if (length > 0) {
          text.append(':').append(new String(in.bytes(length), StandardCharsets.US_ASCII));
        }
      }
      long intervals = in.int8();
      for (long i = 0; i < intervals; i++) {
        long start = in.int8();
        long end = in.int8();
        text.append(':').append(start).append('-').append(end - 1);
      }
    }
    if (in.remaining() != 0) {
      throw new ProtocolViolation(in.remaining() + " bytes after the encoded GTID set");
    }
    return text.toString();
  }

  // ------------------------------------------------------------------------------------------
  // Packets

  private byte[] readPacket() throws IOException {
    ByteArrayOutputStream payload = null;
    while (true) {
      byte[] header = readExactly(4, true);
      int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
      int id = header[3] & 0xFF;
      if (id != sequence) {
        throw new ProtocolViolation("expected sequence id " + sequence + ", client sent " + id);
      }
      sequence = (sequence + 1) & 0xFF;
      byte[] chunk = readExactly(length, false);
      if (payload == null && length < MAX_PAYLOAD) {
        return chunk;
      }
      if (payload == null) {
        payload = new ByteArrayOutputStream();
      }
      payload.write(chunk);
      if (length < MAX_PAYLOAD) {
        return payload.toByteArray();
      }
    }
  }

  private byte[] readExactly(int length, boolean atBoundary) throws IOException {
    byte[] bytes = new byte[length];
    int read = 0;
    while (read < length) {
      int n = in.read(bytes, read, length - read);
      if (n < 0) {
        if (atBoundary && read == 0) {
          throw new EOFException("client closed the connection");
        }
        throw new ProtocolViolation("client closed the connection inside a packet");
      }
      read += n;
    }
    return bytes;
  }

  private void writePacket(byte[] payload) throws IOException {
    int offset = 0;
    while (true) {
      int chunk = Math.min(payload.length - offset, MAX_PAYLOAD);
      out.write(chunk & 0xFF);
      out.write((chunk >>> 8) & 0xFF);
      out.write((chunk >>> 16) & 0xFF);
      out.write(sequence);
      sequence = (sequence + 1) & 0xFF;
      out.write(payload, offset, chunk);
      offset += chunk;
      if (chunk < MAX_PAYLOAD) {
        return;
      }
    }
  }

  private void sendError(QueryAnswer.Error error) throws IOException {
    Out packet = new Out();
    packet.int1(0xFF);
    packet.int2(error.code());
    packet.int1('#');
    byte[] state = error.sqlState().getBytes(StandardCharsets.US_ASCII);
    packet.bytes(state, 0, state.length);
    byte[] message = utf8(error.message());
    packet.bytes(message, 0, message.length);
    writePacket(packet.toByteArray());
  }

  private static byte[] ok() {
    Out packet = new Out();
    packet.int1(0x00);
    packet.lenenc(0); // affected rows
    packet.lenenc(0); // last insert id
    packet.int2(SERVER_STATUS_AUTOCOMMIT);
    packet.int2(0); // warnings
    return packet.toByteArray();
  }

  /** The OK packet that replaces EOF when CLIENT_DEPRECATE_EOF is in effect. */
  private static byte[] okWithEofHeader() {
    byte[] packet = ok();
    packet[0] = (byte) 0xFE;
    return packet;
  }

  private static byte[] eof() {
    Out packet = new Out();
    packet.int1(0xFE);
    packet.int2(0); // warnings
    packet.int2(SERVER_STATUS_AUTOCOMMIT);
    return packet.toByteArray();
  }

  private byte[] newNonce(int length) {
    byte[] nonce = new byte[length];
    for (int i = 0; i < length; i++) {
      int b;
      do {
        b = random.nextInt(1, 128);
      } while (b == '$');
      nonce[i] = (byte) b;
    }
    return nonce;
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] stripNul(byte[] bytes) {
    return bytes.length > 0 && bytes[bytes.length - 1] == 0
        ? Arrays.copyOf(bytes, bytes.length - 1)
        : bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] result = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      result[i] = (byte) (a[i] ^ b[i]);
    }
    return result;
  }

  private static byte[] sha1(byte[] data) {
    return digest("SHA-1", data);
  }

  private static byte[] sha256(byte[] data) {
    return digest("SHA-256", data);
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is missing from the JDK", e);
    }
  }

  /** The client broke the protocol; recorded in {@link ScriptedMySqlServer#protocolErrors()}. */
  private static final class ProtocolViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
      super(message);
    }
  }

  /** Reads protocol fields from a payload. */
  private static final class In {
    private final byte[] data;
    private int position;

    In(byte[] data) {
      this.data = data;
    }

    int remaining() {
      return data.length - position;
    }

    private void need(int n) {
      if (n < 0 || remaining() < n) {
        throw new ProtocolViolation(
            "packet too short: needed " + n + " more bytes at offset " + position);
      }
    }

    int int1() {
      need(1);
      return data[position++] & 0xFF;
    }

    int int2() {
      return int1() | int1() << 8;
    }

    int int4() {
      return int2() | int2() << 16;
    }

    long int8() {
      return (int4() & 0xFFFFFFFFL) | (long) int4() << 32;
    }

    long lenenc() {
      int first = int1();
      return switch (first) {
        case 0xFC -> int2();
        case 0xFD -> int2() | (long) int1() << 16;
        case 0xFE -> int8();
        default -> {
          if (first >= 0xFB) {
            throw new ProtocolViolation("invalid length-encoded integer prefix " + first);
          }
          yield first;
        }
      };
    }

    byte[] bytes(int n) {
      need(n);
      byte[] result = Arrays.copyOfRange(data, position, position + n);
      position += n;
      return result;
    }

    void skip(int n) {
      need(n);
      position += n;
    }

    byte[] rest() {
      return bytes(remaining());
    }

    String nulString() {
      int end = position;
      while (end < data.length && data[end] != 0) {
        end++;
      }
      if (end == data.length) {
        throw new ProtocolViolation("string at offset " + position + " lacks its NUL terminator");
      }
      String text = new String(data, position, end - position, StandardCharsets.UTF_8);
      position = end + 1;
      return text;
    }

    String lenencString() {
      return new String(bytes((int) lenenc()), StandardCharsets.UTF_8);
    }

    String shortString() {
      return new String(bytes(int1()), StandardCharsets.UTF_8);
    }
  }

  /** Builds a payload. */
  private static final class Out extends ByteArrayOutputStream {
    void int1(int value) {
      write(value);
    }

    void int2(int value) {
      write(value);
      write(value >>> 8);
    }

    void int4(int value) {
      int2(value);
      int2(value >>> 16);
    }

    void bytes(byte[] bytes, int offset, int length) {
      write(bytes, offset, length);
    }

    void nulString(String text) {
      byte[] bytes = utf8(text);
      write(bytes, 0, bytes.length);
      write(0);
    }

    void lenenc(long value) {
      if (value < 251) {
        write((int) value);
      } else if (value < 1 << 16) {
        write(0xFC);
        int2((int) value);
      } else if (value < 1 << 24) {
        write(0xFD);
        int2((int) value);
        write((int) (value >>> 16));
      } else {
        write(0xFE);
        int4((int) value);
        int4((int) (value >>> 32));
      }
    }

    void lenencString(String text) {
      byte[] bytes = utf8(text);
      lenenc(bytes.length);
      write(bytes, 0, bytes.length);
    }
  }
}
