package dev.hamal.binlog.wire;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Ed25519 signatures (RFC 8032) with a secret of any length, for MariaDB's {@code client_ed25519}
 * authentication plugin.
 *
 * <p>Why not the JDK's {@code Ed25519} signature: MariaDB signs the server's nonce with a key
 * derived from SHA-512 of the password itself, where standard Ed25519 hashes a 32-byte seed; the
 * JDK only accepts 32-byte seeds, so it cannot sign for a password of another length. The
 * arithmetic below is the textbook one of RFC 8032 (extended twisted Edwards coordinates, {@link
 * BigInteger}); for a 32-byte secret it produces exactly the JDK's signatures, which the tests
 * check. It is not constant-time; it runs once per login on the client with the client's own
 * password.
 */
final class Ed25519 {

  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
  private static final BigInteger D =
      BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  private static final BigInteger D2 = D.shiftLeft(1).mod(P);
  private static final Point BASE;

  static {
    BigInteger y = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
    BigInteger x = recoverX(y);
    BASE = new Point(x, y, BigInteger.ONE, x.multiply(y).mod(P));
  }

  private Ed25519() {}

  /** The 64-byte signature of {@code message} under the key derived from {@code secret}. */
  static byte[] sign(byte[] secret, byte[] message) {
    byte[] hash = Scrambles.digest("SHA-512", secret);
    BigInteger a = scalar(hash);
    byte[] publicKey = encode(multiply(BASE, a));
    return sign(hash, a, publicKey, message);
  }

  /** The 32-byte encoded public key belonging to {@code secret}. */
  static byte[] publicKey(byte[] secret) {
    return encode(multiply(BASE, scalar(Scrambles.digest("SHA-512", secret))));
  }

  private static BigInteger scalar(byte[] hash) {
    byte[] scalarBytes = Arrays.copyOf(hash, 32);
    scalarBytes[0] &= (byte) 248;
    scalarBytes[31] &= 127;
    scalarBytes[31] |= 64;
    return littleEndian(scalarBytes);
  }

  private static byte[] sign(byte[] hash, BigInteger a, byte[] publicKey, byte[] message) {
    byte[] prefix = Arrays.copyOfRange(hash, 32, 64);
    BigInteger r =
        littleEndian(Scrambles.digest("SHA-512", Scrambles.concat(prefix, message))).mod(L);
    byte[] encodedR = encode(multiply(BASE, r));
    byte[] challenge =
        Scrambles.digest(
            "SHA-512", Scrambles.concat(Scrambles.concat(encodedR, publicKey), message));
    BigInteger k = littleEndian(challenge).mod(L);
    BigInteger s = r.add(k.multiply(a)).mod(L);

    byte[] signature = Arrays.copyOf(encodedR, 64);
    byte[] encodedS = toLittleEndian32(s);
    System.arraycopy(encodedS, 0, signature, 32, 32);
    return signature;
  }

  /** A point in extended coordinates: x = X/Z, y = Y/Z, x*y = T/Z. */
  private record Point(BigInteger x, BigInteger y, BigInteger z, BigInteger t) {}

  private static Point add(Point p, Point q) {
    BigInteger a = p.y.subtract(p.x).multiply(q.y.subtract(q.x)).mod(P);
    BigInteger b = p.y.add(p.x).multiply(q.y.add(q.x)).mod(P);
    BigInteger c = p.t.multiply(D2).multiply(q.t).mod(P);
    BigInteger d = p.z.shiftLeft(1).multiply(q.z).mod(P);
    BigInteger e = b.subtract(a);
    BigInteger f = d.subtract(c);
    BigInteger g = d.add(c);
    BigInteger h = b.add(a);
    return new Point(
        e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P), e.multiply(h).mod(P));
  }

  private static Point multiply(Point point, BigInteger scalar) {
    Point result = new Point(BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO);
    Point addend = point;
    for (int i = 0; i < scalar.bitLength(); i++) {
      if (scalar.testBit(i)) {
        result = add(result, addend);
      }
      addend = add(addend, addend);
    }
    return result;
  }

  private static byte[] encode(Point point) {
    BigInteger zInverse = point.z.modInverse(P);
    BigInteger x = point.x.multiply(zInverse).mod(P);
    BigInteger y = point.y.multiply(zInverse).mod(P);
    byte[] bytes = toLittleEndian32(y);
    bytes[31] |= (byte) (x.testBit(0) ? 0x80 : 0);
    return bytes;
  }

  /** The x coordinate with even parity for {@code y} (the base point's sign is 0). */
  private static BigInteger recoverX(BigInteger y) {
    BigInteger y2 = y.multiply(y);
    BigInteger x2 =
        y2.subtract(BigInteger.ONE)
            .multiply(D.multiply(y2).add(BigInteger.ONE).modInverse(P))
            .mod(P);
    BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
    if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
      BigInteger sqrtMinusOne = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
      x = x.multiply(sqrtMinusOne).mod(P);
    }
    return x.testBit(0) ? P.subtract(x) : x;
  }

  private static BigInteger littleEndian(byte[] bytes) {
    byte[] bigEndian = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      bigEndian[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, bigEndian);
  }

  private static byte[] toLittleEndian32(BigInteger value) {
    byte[] bigEndian = value.toByteArray();
    byte[] result = new byte[32];
    for (int i = 0; i < 32 && i < bigEndian.length; i++) {
      result[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return result;
  }
}
