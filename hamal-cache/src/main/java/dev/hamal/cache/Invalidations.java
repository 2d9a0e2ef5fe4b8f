package dev.hamal.cache;

import dev.hamal.order.OrderVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages writers publish on the invalidation channel: which orders changed, and to which
 * version, so a subscriber drops only near-cache entries older than that.
 *
 * <p>Format {@code 1}: the line {@code 1}, then per order the version (33 characters), a space, the
 * order id's length in UTF-16 units, a space, the id and a newline. The length makes any id safe,
 * newlines included. A message that does not parse is ignored whole (logged by the caller); the
 * near cache's time to live bounds what a lost message costs.
 *
 * @param orderId the order
 * @param version the version it was written with
 */
record Invalidations(String orderId, OrderVersion version) {

  private static final String HEADER = "1\n";
  private static final int VERSION_LENGTH = 33;

  /** One message for all of {@code changes}. */
  static String encode(List<Invalidations> changes) {
    StringBuilder text = new StringBuilder(HEADER.length() + changes.size() * 56);
    text.append(HEADER);
    for (Invalidations change : changes) {
      text.append(change.version())
          .append(' ')
          .append(change.orderId().length())
          .append(' ')
          .append(change.orderId())
          .append('\n');
    }
    return text.toString();
  }

  /**
   * The changes of one message.
   *
   * @throws IllegalArgumentException if it is not in format 1
   */
  static List<Invalidations> decode(String message) {
    if (!message.startsWith(HEADER)) {
      throw new IllegalArgumentException("not an invalidation message of format 1");
    }
    List<Invalidations> changes = new ArrayList<>();
    int i = HEADER.length();
    while (i < message.length()) {
      OrderVersion version = OrderVersion.parse(message.substring(i, i + VERSION_LENGTH));
      i += VERSION_LENGTH;
      expect(message, i++, ' ');
      int space = message.indexOf(' ', i);
      if (space < 0) {
        throw new IllegalArgumentException("an id length without its id at " + i);
      }
      int length = Integer.parseInt(message, i, space, 10);
      i = space + 1;
      if (length < 0 || i + length >= message.length()) {
        throw new IllegalArgumentException("an id running past the message at " + i);
      }
      changes.add(new Invalidations(message.substring(i, i + length), version));
      i += length;
      expect(message, i++, '\n');
    }
    return changes;
  }

  private static void expect(String message, int at, char c) {
    if (at >= message.length() || message.charAt(at) != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + at);
    }
  }
}
