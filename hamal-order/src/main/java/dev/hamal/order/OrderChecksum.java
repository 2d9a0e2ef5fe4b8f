package dev.hamal.order;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A per-order checksum for reconciliation: SHA-256 of the order's canonical JSON ({@link
 * OrderChangeCodec#encodeOrder}), in hex. Two orders have the same checksum exactly when every
 * field, {@code ext} included, is equal.
 */
public final class OrderChecksum {
  private static final OrderChangeCodec CODEC = new OrderChangeCodec();

  private OrderChecksum() {}

  /** The checksum of {@code order}. */
  public static String of(UnifiedOrder order) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(CODEC.encodeOrder(order)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
