package dev.hamal.binlog.wire;

import dev.hamal.binlog.AuthenticationException;
import dev.hamal.binlog.BinlogConfigurationException;
import dev.hamal.binlog.BinlogSource;
import dev.hamal.binlog.CorruptEventException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * The authentication exchange of one connection, from the first answer in the handshake response to
 * the server's OK.
 *
 * <p>Plugins: {@code mysql_native_password}; {@code caching_sha2_password} (the SHA-256 scramble;
 * when the server asks for full authentication, the password in clear over TLS, else encrypted with
 * the server's RSA key from {@link BinlogSource#serverPublicKeyPem()} or, if {@link
 * BinlogSource#allowPublicKeyRetrieval()}, asked from the server; otherwise an {@link
 * AuthenticationException} that says what to configure); {@code sha256_password} likewise; MariaDB
 * {@code client_ed25519} (see {@link Ed25519}). The server may switch plugins at any point before
 * OK (auth switch request); every other plugin fails with an {@link AuthenticationException} naming
 * it.
 *
 * <p>Single use, on the connecting thread. The packet sequence continues from the handshake
 * response: every answer is the next packet of the same exchange.
 */
final class Authenticator {

  static final String NATIVE = "mysql_native_password";
  static final String CACHING_SHA2 = "caching_sha2_password";
  static final String SHA256 = "sha256_password";
  static final String ED25519 = "client_ed25519";

  private static final int SCRAMBLE_LENGTH = 20;

  private final String server;
  private final BinlogSource source;
  private final PacketChannel channel;
  private final boolean secure;
  private final boolean legacyRsaPadding;
  private final byte[] password;

  private String plugin;
  private byte[] nonce;
  private boolean awaitingPublicKey;
  private PublicKey configuredKey;

  /**
   * @param secure whether the connection is already TLS (passwords may then travel in clear)
   * @param legacyRsaPadding whether {@code caching_sha2_password} RSA uses PKCS#1 v1.5 (MySQL
   *     before 8.0.5) instead of OAEP
   */
  Authenticator(
      String server,
      BinlogSource source,
      PacketChannel channel,
      boolean secure,
      boolean legacyRsaPadding) {
    this.server = server;
    this.source = source;
    this.channel = channel;
    this.secure = secure;
    this.legacyRsaPadding = legacyRsaPadding;
    this.password = source.password().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Chooses the plugin for the handshake response: the greeting's if this client supports it there,
   * else {@code mysql_native_password} (the server then switches to the account's plugin).
   */
  String start(String greetingPlugin, byte[] greetingNonce) {
    boolean usable =
        greetingPlugin.equals(NATIVE)
            || greetingPlugin.equals(CACHING_SHA2)
            || greetingPlugin.equals(SHA256);
    plugin = usable ? greetingPlugin : NATIVE;
    nonce = greetingNonce;
    return plugin;
  }

  /** The auth data of the handshake response, for the plugin {@link #start} chose. */
  byte[] firstResponse() {
    return respond();
  }

  /** Reads the server's answers and replies until OK; throws on refusal. */
  void finish() throws IOException {
    while (true) {
      byte[] packet = channel.readPayload();
      if (packet.length == 0) {
        throw new CorruptEventException(server, null, "empty packet during authentication");
      }
      int type = packet[0] & 0xFF;
      switch (type) {
        case 0x00 -> {
          return; // OK
        }
        case 0xFF -> throw ServerErrors.toException(server, null, packet);
        case 0xFE -> switchPlugin(packet);
        case 0x01 -> moreData(Arrays.copyOfRange(packet, 1, packet.length));
        default ->
            throw new CorruptEventException(
                server,
                null,
                "unexpected packet 0x" + Integer.toHexString(type) + " during authentication");
      }
    }
  }

  private void switchPlugin(byte[] packet) throws IOException {
    if (packet.length == 1) {
      throw new AuthenticationException(
          server,
          "the server asks for the pre-4.1 password hash (mysql_old_password), which is not"
              + " supported: give the replication user a mysql_native_password or"
              + " caching_sha2_password password",
          null);
    }
    PayloadReader in = new PayloadReader(server, packet);
    in.int1();
    plugin = in.nulString();
    byte[] data = in.rest();
    if (!plugin.equals(ED25519) && data.length > SCRAMBLE_LENGTH) {
      data = Arrays.copyOf(data, SCRAMBLE_LENGTH); // drop the trailing NUL
    }
    nonce = data;
    awaitingPublicKey = false;
    send(respond());
  }

  /** The answer of the current plugin to the current nonce. */
  private byte[] respond() {
    return switch (plugin) {
      case NATIVE ->
          password.length == 0 ? new byte[0] : Scrambles.nativePassword(password, scramble());
      case CACHING_SHA2 ->
          password.length == 0 ? new byte[0] : Scrambles.cachingSha2(password, scramble());
      case SHA256 -> sha256PasswordAnswer();
      case ED25519 -> {
        if (nonce.length != 32) {
          throw new CorruptEventException(
              server, null, "client_ed25519 nonce has " + nonce.length + " bytes, expected 32");
        }
        yield Ed25519.sign(password, nonce);
      }
      default ->
          throw new AuthenticationException(
              server,
              "the server asks for authentication plugin '"
                  + plugin
                  + "', which Hamal does not support; give the replication user"
                  + " mysql_native_password, caching_sha2_password, sha256_password or"
                  + " (MariaDB) ed25519",
              null);
    };
  }

  private byte[] scramble() {
    return nonce.length > SCRAMBLE_LENGTH ? Arrays.copyOf(nonce, SCRAMBLE_LENGTH) : nonce;
  }

  private byte[] sha256PasswordAnswer() {
    if (secure) {
      return Arrays.copyOf(password, password.length + 1);
    }
    if (password.length == 0) {
      return new byte[] {0};
    }
    if (source.serverPublicKeyPem().isPresent()) {
      return encrypted(configuredKey(), true);
    }
    if (source.allowPublicKeyRetrieval()) {
      awaitingPublicKey = true;
      return new byte[] {0x01};
    }
    throw needsSecureChannel();
  }

  private void moreData(byte[] data) throws IOException {
    if (awaitingPublicKey) {
      awaitingPublicKey = false;
      PublicKey key;
      try {
        key = Scrambles.parseRsaPublicKeyPem(new String(data, StandardCharsets.US_ASCII));
      } catch (GeneralSecurityException e) {
        throw new CorruptEventException(
            server, null, "the server sent an unreadable RSA public key: " + e.getMessage(), e);
      }
      send(encrypted(key, plugin.equals(SHA256) || !legacyRsaPadding));
      return;
    }
    if (plugin.equals(CACHING_SHA2) && data.length == 1 && data[0] == 0x03) {
      return; // fast authentication succeeded; OK follows
    }
    if (plugin.equals(CACHING_SHA2) && data.length == 1 && data[0] == 0x04) {
      send(fullAuthentication());
      return;
    }
    throw new CorruptEventException(
        server,
        null,
        "unexpected authentication data from the server for plugin "
            + plugin
            + " ("
            + data.length
            + " bytes)");
  }

  /** caching_sha2_password after "perform full authentication". */
  private byte[] fullAuthentication() {
    if (secure) {
      return Arrays.copyOf(password, password.length + 1);
    }
    if (source.serverPublicKeyPem().isPresent()) {
      return encrypted(configuredKey(), !legacyRsaPadding);
    }
    if (source.allowPublicKeyRetrieval()) {
      awaitingPublicKey = true;
      return new byte[] {0x02};
    }
    throw needsSecureChannel();
  }

  private AuthenticationException needsSecureChannel() {
    return new AuthenticationException(
        server,
        "the server needs the password itself ("
            + plugin
            + " full authentication for user '"
            + source.user()
            + "'), which Hamal only sends over TLS or RSA-encrypted. Use sslMode PREFERRED or"
            + " stricter with a server that has TLS, or configure serverPublicKeyPem with the"
            + " server's RSA public key (caching_sha2_password_public_key_path), or set"
            + " allowPublicKeyRetrieval=true to fetch it from the server (open to a"
            + " man-in-the-middle)",
        null);
  }

  private byte[] encrypted(PublicKey key, boolean oaep) {
    try {
      return Scrambles.rsaEncrypt(Scrambles.xorWithNonce(password, scramble()), key, oaep);
    } catch (GeneralSecurityException e) {
      throw new AuthenticationException(
          server, "cannot encrypt the password with the server's RSA key: " + e.getMessage(), e);
    }
  }

  private PublicKey configuredKey() {
    if (configuredKey == null) {
      Path file = source.serverPublicKeyPem().orElseThrow();
      try {
        configuredKey = Scrambles.parseRsaPublicKeyPem(Files.readString(file));
      } catch (IOException | GeneralSecurityException e) {
        throw new BinlogConfigurationException(
            server,
            "serverPublicKeyPem " + file + " is not a readable RSA public key in PEM: " + e,
            e);
      }
    }
    return configuredKey;
  }

  private void send(byte[] answer) throws IOException {
    channel.write(answer, answer.length);
  }
}
