package dev.hamal.order;

import java.util.Optional;

/**
 * One row image of a source table, as the listener hands it to {@link BusinessLine#map}.
 *
 * <p>Values are plain Java objects: {@link Long}, {@link Integer} (and {@link Short}, {@link
 * Byte}), {@link java.math.BigInteger} for unsigned 64-bit values above {@link Long#MAX_VALUE},
 * {@link java.math.BigDecimal}, {@link Double}/{@link Float}, {@link String} (CHAR, VARCHAR, TEXT,
 * JSON, and ENUM/SET as their labels), {@code byte[]}, {@link java.time.LocalDate}, {@link
 * java.time.LocalDateTime}, {@link java.time.LocalTime}, and {@link java.time.Instant} for
 * TIMESTAMP columns. SQL {@code NULL} is an empty {@link Optional} from {@link #value} while {@link
 * #has} is true.
 *
 * <p>Implementations are read from one thread at a time but must not be mutated while {@link
 * BusinessLine#map} runs.
 */
public interface SourceRow {
  /** The schema (database) the row belongs to. */
  String schema();

  /** The table the row belongs to. */
  String table();

  /** Whether the row image carries the column (a MINIMAL or NOBLOB image may leave some out). */
  boolean has(String column);

  /** The column's value; empty for SQL {@code NULL} and for a column the image does not carry. */
  Optional<Object> value(String column);
}
