package dev.hamal.gateway;

import dev.hamal.order.SortKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque, tamper-proof page cursors.
 *
 * <p>A cursor is the sort position after the last order of a page (creation instant and order id),
 * bound to the query that produced it and the key that asked: {@code base64url(version, seconds,
 * nanos, orderId, fingerprint) + HMAC-SHA256 (first 16 bytes)} under a secret shared by every
 * gateway instance. A cursor that was altered, truncated, made for another query (other filters or
 * page size) or by another key is refused with a 400; a cursor never widens what a query may see,
 * because the filters come from the request, not from the cursor.
 *
 * <p>Thread-safe ({@link Mac} instances are per thread).
 */
public final class Cursors {
  private static final byte VERSION = 1;
  private static final int TAG_BYTES = 16;
  private static final int MAX_CURSOR_CHARS = 1_024;

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  /**
   * Cursors signed with {@code secret}.
   *
   * @throws IllegalArgumentException if the secret is shorter than 32 bytes
   */
  public Cursors(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException(
          "cursor-secret must be at least 32 bytes, was " + secret.length);
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.macs =
        ThreadLocal.withInitial(() -> {
          try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
          }
        });
  }

  /** The cursor continuing after {@code position} for the query with {@code fingerprint}. */
  public String encode(SortKey position, String fingerprint) {
    var bytes = new ByteArrayOutputStream(64);
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(position.createdAt().getEpochSecond());
      out.writeInt(position.createdAt().getNano());
      out.writeUTF(position.orderId());
      out.writeLong(fingerprintHash(fingerprint));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    byte[] body = bytes.toByteArray();
    byte[] tag = Arrays.copyOf(macs.get().doFinal(body), TAG_BYTES);
    byte[] all = Arrays.copyOf(body, body.length + TAG_BYTES);
    System.arraycopy(tag, 0, all, body.length, TAG_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(all);
  }

  /**
   * The position a cursor continues after.
   *
   * @throws ApiProblem 400 when the cursor is malformed, altered, or belongs to another query
   */
  public SortKey decode(String cursor, String fingerprint) {
    if (cursor.isEmpty() || cursor.length() > MAX_CURSOR_CHARS) {
      throw invalid("it is empty or too long");
    }
    byte[] all;
    try {
      all = Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      throw invalid("it is not a cursor this gateway issued");
    }
    if (all.length <= TAG_BYTES + 1) {
      throw invalid("it is not a cursor this gateway issued");
    }
    byte[] body = Arrays.copyOf(all, all.length - TAG_BYTES);
    byte[] tag = Arrays.copyOfRange(all, all.length - TAG_BYTES, all.length);
    byte[] expected = Arrays.copyOf(macs.get().doFinal(body), TAG_BYTES);
    if (!MessageDigest.isEqual(tag, expected)) {
      throw invalid("it was altered or not issued by this gateway");
    }
    try (var in = new DataInputStream(new ByteArrayInputStream(body))) {
      if (in.readByte() != VERSION) {
        throw invalid("its version is not supported");
      }
      long seconds = in.readLong();
      int nanos = in.readInt();
      String orderId = in.readUTF();
      long hash = in.readLong();
      if (in.available() != 0) {
        throw invalid("it has trailing bytes");
      }
      if (hash != fingerprintHash(fingerprint)) {
        throw ApiProblem.invalidParameter(
            "cursor", "it belongs to another query (filters, page size or key differ)");
      }
      return new SortKey(Instant.ofEpochSecond(seconds, nanos), orderId);
    } catch (IOException | DateTimeException e) {
      throw invalid("it is not a cursor this gateway issued");
    }
  }

  private static ApiProblem invalid(String why) {
    return ApiProblem.invalidParameter("cursor", "invalid cursor: " + why);
  }

  private static long fingerprintHash(String fingerprint) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(fingerprint.getBytes(StandardCharsets.UTF_8));
      long hash = 0;
      for (int i = 0; i < 8; i++) {
        hash = (hash << 8) | (digest[i] & 0xff);
      }
      return hash;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
