package dev.hamal.order;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normalises {@code ext} values to the JSON-compatible set the rest of Hamal relies on, so that a
 * value survives a JSON round trip unchanged: {@link String}, {@link Boolean}, {@link Long}, {@link
 * BigInteger} (only outside the long range), {@link BigDecimal} (only with a positive scale, i.e. a
 * fraction), unmodifiable {@link List}s and insertion-ordered {@link Map}s of those.
 *
 * <p>Other source types are converted: smaller integers to {@code Long}; an integral {@code
 * BigDecimal} to an integer; {@code Double}/{@code Float} through their shortest decimal form;
 * temporal values to ISO-8601 strings; {@code byte[]} to UTF-8 text when it is valid UTF-8,
 * otherwise to Base64.
 */
final class ExtValues {
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private ExtValues() {}

  /** An unmodifiable, insertion-ordered copy of {@code ext} with every value normalised. */
  static Map<String, Object> copyOf(Map<String, ?> ext) {
    if (ext.isEmpty()) {
      return Map.of();
    }
    var copy = new LinkedHashMap<String, Object>(ext.size() * 2);
    for (Map.Entry<String, ?> entry : ext.entrySet()) {
      copy.put(requireKey(entry.getKey()), normalize(entry.getValue()));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static String requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("ext keys must be non-empty strings");
    }
    return key;
  }

  /**
   * The normalised form of one value.
   *
   * @throws IllegalArgumentException for null, a non-finite double, or a type with no JSON form
   */
  static Object normalize(Object value) {
    return switch (value) {
      case null -> throw new IllegalArgumentException("ext values must not be null");
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> (long) i;
      case Short s -> (long) s;
      case Byte b -> (long) b;
      case BigInteger b -> integer(b);
      case BigDecimal d -> decimal(d);
      case Double d -> floating(d);
      case Float f -> floating(Double.parseDouble(f.toString()));
      case byte[] bytes -> bytes(bytes);
      case LocalDate d -> d.toString();
      case LocalDateTime t -> t.toString();
      case LocalTime t -> t.toString();
      case Instant t -> t.toString();
      case List<?> list -> list(list);
      case Map<?, ?> map -> map(map);
      default ->
          throw new IllegalArgumentException(
              "ext value of type " + value.getClass().getName() + " has no JSON form");
    };
  }

  private static Object integer(BigInteger b) {
    return b.compareTo(LONG_MIN) >= 0 && b.compareTo(LONG_MAX) <= 0 ? (Object) b.longValue() : b;
  }

  private static Object decimal(BigDecimal d) {
    if (d.scale() <= 0) {
      return integer(d.toBigIntegerExact());
    }
    return d;
  }

  private static Object floating(double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("ext value " + d + " has no JSON form");
    }
    return decimal(BigDecimal.valueOf(d));
  }

  private static String bytes(byte[] bytes) {
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return Base64.getEncoder().encodeToString(bytes);
    }
  }

  private static List<Object> list(List<?> list) {
    var copy = new ArrayList<Object>(list.size());
    for (Object element : list) {
      copy.add(normalize(element));
    }
    return Collections.unmodifiableList(copy);
  }

  private static Map<String, Object> map(Map<?, ?> map) {
    var copy = new LinkedHashMap<String, Object>(map.size() * 2);
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new IllegalArgumentException("ext map keys must be strings");
      }
      copy.put(requireKey(key), normalize(entry.getValue()));
    }
    return Collections.unmodifiableMap(copy);
  }
}
