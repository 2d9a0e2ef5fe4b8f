package dev.hamal.binlog.wire;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * The client side of the password transformations of the authentication plugins. Stateless.
 *
 * <ul>
 *   <li>{@code mysql_native_password}: SHA1(password) XOR SHA1(nonce + SHA1(SHA1(password)));
 *   <li>{@code caching_sha2_password} fast path: SHA256(password) XOR
 *       SHA256(SHA256(SHA256(password)) + nonce);
 *   <li>full authentication without TLS: (password + NUL) XOR the nonce (repeated), encrypted with
 *       the server's RSA public key, OAEP padding (PKCS#1 v1.5 for {@code caching_sha2_password}
 *       before MySQL 8.0.5).
 * </ul>
 */
final class Scrambles {

  private Scrambles() {}

  static byte[] nativePassword(byte[] password, byte[] nonce) {
    byte[] stage1 = digest("SHA-1", password);
    byte[] stage2 = digest("SHA-1", stage1);
    byte[] mask = digest("SHA-1", concat(nonce, stage2));
    return xor(stage1, mask);
  }

  static byte[] cachingSha2(byte[] password, byte[] nonce) {
    byte[] stage1 = digest("SHA-256", password);
    byte[] stage2 = digest("SHA-256", stage1);
    byte[] mask = digest("SHA-256", concat(stage2, nonce));
    return xor(stage1, mask);
  }

  /** The password with its NUL terminator, XOR the nonce repeated to its length. */
  static byte[] xorWithNonce(byte[] password, byte[] nonce) {
    byte[] result = Arrays.copyOf(password, password.length + 1);
    for (int i = 0; i < result.length; i++) {
      result[i] ^= nonce[i % nonce.length];
    }
    return result;
  }

  static byte[] rsaEncrypt(byte[] plain, PublicKey key, boolean oaep)
      throws GeneralSecurityException {
    Cipher cipher =
        Cipher.getInstance(oaep ? "RSA/ECB/OAEPWithSHA-1AndMGF1Padding" : "RSA/ECB/PKCS1Padding");
    cipher.init(Cipher.ENCRYPT_MODE, key);
    return cipher.doFinal(plain);
  }

  /**
   * Parses an RSA public key in PEM: {@code BEGIN PUBLIC KEY} (X.509 SubjectPublicKeyInfo, what
   * MySQL writes) or {@code BEGIN RSA PUBLIC KEY} (PKCS#1).
   *
   * @throws GeneralSecurityException when the text is not such a key
   */
  static PublicKey parseRsaPublicKeyPem(String pem) throws GeneralSecurityException {
    boolean pkcs1 = pem.contains("BEGIN RSA PUBLIC KEY");
    int begin = pem.indexOf("-----BEGIN");
    int bodyStart = begin < 0 ? -1 : pem.indexOf('\n', begin);
    int end = pem.indexOf("-----END");
    if (bodyStart < 0 || end < bodyStart) {
      throw new GeneralSecurityException("not a PEM public key (no BEGIN/END lines)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(bodyStart + 1, end));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("PEM public key is not valid base64", e);
    }
    KeyFactory factory = KeyFactory.getInstance("RSA");
    if (!pkcs1) {
      return factory.generatePublic(new X509EncodedKeySpec(der));
    }
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    int[] cursor = {0};
    expectTag(der, cursor, 0x30);
    readLength(der, cursor);
    BigInteger modulus = readInteger(der, cursor);
    BigInteger exponent = readInteger(der, cursor);
    return factory.generatePublic(new RSAPublicKeySpec(modulus, exponent));
  }

  private static BigInteger readInteger(byte[] der, int[] cursor) throws GeneralSecurityException {
    expectTag(der, cursor, 0x02);
    int length = readLength(der, cursor);
    if (cursor[0] + length > der.length) {
      throw new GeneralSecurityException("truncated PKCS#1 public key");
    }
    BigInteger value = new BigInteger(1, Arrays.copyOfRange(der, cursor[0], cursor[0] + length));
    cursor[0] += length;
    return value;
  }

  private static void expectTag(byte[] der, int[] cursor, int tag) throws GeneralSecurityException {
    if (cursor[0] >= der.length || (der[cursor[0]] & 0xFF) != tag) {
      throw new GeneralSecurityException("malformed PKCS#1 public key");
    }
    cursor[0]++;
  }

  private static int readLength(byte[] der, int[] cursor) throws GeneralSecurityException {
    if (cursor[0] >= der.length) {
      throw new GeneralSecurityException("truncated PKCS#1 public key");
    }
    int first = der[cursor[0]++] & 0xFF;
    if (first < 0x80) {
      return first;
    }
    int bytes = first & 0x7F;
    if (bytes > 3 || cursor[0] + bytes > der.length) {
      throw new GeneralSecurityException("malformed PKCS#1 length");
    }
    int length = 0;
    for (int i = 0; i < bytes; i++) {
      length = length << 8 | (der[cursor[0]++] & 0xFF);
    }
    return length;
  }

  static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
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
}
