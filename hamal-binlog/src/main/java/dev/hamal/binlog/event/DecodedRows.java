package dev.hamal.binlog.event;

import dev.hamal.binlog.BinlogTable;
import dev.hamal.binlog.Operation;
import dev.hamal.binlog.RowImage;
import dev.hamal.binlog.ValueVisitor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The decoded rows of one rows event, stored column-wise in three parallel arrays indexed by {@code
 * slot = image * columns + column}, where images run row by row (two per row for updates: before,
 * then after):
 *
 * <ul>
 *   <li>{@code state}: 0 value, 1 SQL NULL, 2 not in the image;
 *   <li>{@code longs}: integers, bit patterns of floats, packed temporal values, unscaled small
 *       decimals, ENUM indexes and SET masks;
 *   <li>{@code refs}: strings, byte arrays, big decimals.
 * </ul>
 *
 * <p>Written once by the worker that decodes the event, then only read (publication happens through
 * the batch's completion, which is a happens-before edge). {@link RowImage} views are created on
 * demand and hold no state of their own besides their slot base.
 */
public final class DecodedRows {
  static final byte VALUE = 0;
  static final byte NULL = 1;
  static final byte ABSENT = 2;

  private final TableDecoder table;
  private final Operation operation;
  private final int imagesPerRow;
  private final int columns;
  int images;
  byte[] state;
  long[] longs;
  Object[] refs;

  DecodedRows(TableDecoder table, Operation operation, int expectedImages) {
    this.table = table;
    this.operation = operation;
    this.imagesPerRow = operation == Operation.UPDATE ? 2 : 1;
    this.columns = table.columnCount();
    int capacity = Math.max(1, expectedImages) * Math.max(1, columns);
    this.state = new byte[capacity];
    this.longs = new long[capacity];
    this.refs = new Object[capacity];
  }

  /** Makes room for one more image and returns its first slot. */
  int addImage() {
    int base = images * columns;
    if (base + columns > state.length) {
      int capacity = Math.max(state.length * 2, base + columns);
      state = java.util.Arrays.copyOf(state, capacity);
      longs = java.util.Arrays.copyOf(longs, capacity);
      refs = java.util.Arrays.copyOf(refs, capacity);
    }
    images++;
    return base;
  }

  public BinlogTable table() {
    return table;
  }

  public Operation operation() {
    return operation;
  }

  public int rowCount() {
    return images / imagesPerRow;
  }

  /** The image before the change (updates and deletes), or {@code null} for inserts. */
  public RowImage before(int row) {
    return operation == Operation.INSERT ? null : new Image(row * imagesPerRow * columns);
  }

  /** The image after the change (inserts and updates), or {@code null} for deletes. */
  public RowImage after(int row) {
    return switch (operation) {
      case INSERT -> new Image(row * columns);
      case UPDATE -> new Image((row * 2 + 1) * columns);
      case DELETE -> null;
    };
  }

  private final class Image implements RowImage {
    private final int base;

    Image(int base) {
      this.base = base;
    }

    @Override
    public BinlogTable table() {
      return table;
    }

    @Override
    public int columnCount() {
      return columns;
    }

    @Override
    public boolean isPresent(int column) {
      return state[slot(column)] != ABSENT;
    }

    @Override
    public boolean isNull(int column) {
      return state[slot(column)] == NULL;
    }

    private int slot(int column) {
      if (column < 0 || column >= columns) {
        throw new IndexOutOfBoundsException(
            "column " + column + " of " + table.name() + " with " + columns + " columns");
      }
      return base + column;
    }

    private int valueSlot(int column, String what) {
      int slot = slot(column);
      byte s = state[slot];
      if (s != VALUE) {
        throw new IllegalStateException(
            table.name()
                + "."
                + table.columnName(column)
                + " is "
                + (s == NULL ? "NULL" : "not in the image")
                + "; cannot read it as "
                + what);
      }
      return slot;
    }

    private IllegalStateException wrongType(int column, String what) {
      return new IllegalStateException(
          table.name()
              + "."
              + table.columnName(column)
              + " is "
              + table.columnType(column)
              + ", not readable as "
              + what);
    }

    @Override
    public long getLong(int column) {
      int slot = valueSlot(column, "long");
      return switch (table.kind[column]) {
        case TableDecoder.K_INT8,
            TableDecoder.K_INT16,
            TableDecoder.K_INT24,
            TableDecoder.K_INT32,
            TableDecoder.K_INT64,
            TableDecoder.K_YEAR,
            TableDecoder.K_BIT,
            TableDecoder.K_ENUM,
            TableDecoder.K_SET,
            TableDecoder.K_TIME,
            TableDecoder.K_TIME2,
            TableDecoder.K_TIMESTAMP,
            TableDecoder.K_TIMESTAMP2,
            TableDecoder.K_DATE,
            TableDecoder.K_DATETIME,
            TableDecoder.K_DATETIME2 ->
            longs[slot];
        default -> throw wrongType(column, "long");
      };
    }

    @Override
    public void accept(ValueVisitor visitor) {
      int[] kinds = table.kind;
      for (int c = 0, slot = base; c < columns; c++, slot++) {
        switch (state[slot]) {
          case ABSENT:
            continue;
          case NULL:
            visitor.nullValue(c);
            continue;
          default:
            break;
        }
        switch (kinds[c]) {
          case TableDecoder.K_FLOAT ->
              visitor.doubleValue(c, Float.intBitsToFloat((int) longs[slot]));
          case TableDecoder.K_DOUBLE ->
              visitor.doubleValue(c, Double.longBitsToDouble(longs[slot]));
          case TableDecoder.K_DECIMAL_LONG -> visitor.decimalValue(c, longs[slot], table.scale(c));
          case TableDecoder.K_DECIMAL_BIG,
              TableDecoder.K_CHAR,
              TableDecoder.K_VARCHAR,
              TableDecoder.K_BLOB,
              TableDecoder.K_JSON ->
              visitor.objectValue(c, refs[slot]);
          default -> visitor.longValue(c, longs[slot]);
        }
      }
    }

    @Override
    public double getDouble(int column) {
      int slot = valueSlot(column, "double");
      return switch (table.kind[column]) {
        case TableDecoder.K_FLOAT -> Float.intBitsToFloat((int) longs[slot]);
        case TableDecoder.K_DOUBLE -> Double.longBitsToDouble(longs[slot]);
        default -> throw wrongType(column, "double");
      };
    }

    @Override
    public BigDecimal getDecimal(int column) {
      int slot = valueSlot(column, "decimal");
      return switch (table.kind[column]) {
        case TableDecoder.K_DECIMAL_LONG -> BigDecimal.valueOf(longs[slot], table.scale(column));
        case TableDecoder.K_DECIMAL_BIG -> (BigDecimal) refs[slot];
        default -> throw wrongType(column, "decimal");
      };
    }

    @Override
    public String getString(int column) {
      int slot = valueSlot(column, "string");
      if (refs[slot] instanceof String s) {
        return s;
      }
      throw wrongType(column, "string");
    }

    @Override
    public byte[] getBytes(int column) {
      int slot = valueSlot(column, "bytes");
      if (refs[slot] instanceof byte[] b) {
        return b;
      }
      throw wrongType(column, "bytes");
    }

    @Override
    public Optional<LocalDateTime> getDateTime(int column) {
      int slot = valueSlot(column, "date/time");
      return switch (table.kind[column]) {
        case TableDecoder.K_DATE, TableDecoder.K_DATETIME, TableDecoder.K_DATETIME2 ->
            Temporals.toDateTime(longs[slot]);
        default -> throw wrongType(column, "date/time");
      };
    }

    @Override
    public Object getValue(int column) {
      int slot = valueSlot(column, "value");
      long v = longs[slot];
      return switch (table.kind[column]) {
        case TableDecoder.K_INT8,
            TableDecoder.K_INT16,
            TableDecoder.K_INT24,
            TableDecoder.K_INT32 ->
            v;
        case TableDecoder.K_INT64 ->
            table.unsigned[column] ? new BigInteger(Long.toUnsignedString(v)) : (Object) v;
        case TableDecoder.K_FLOAT -> Float.intBitsToFloat((int) v);
        case TableDecoder.K_DOUBLE -> Double.longBitsToDouble(v);
        case TableDecoder.K_DECIMAL_LONG, TableDecoder.K_DECIMAL_BIG -> getDecimal(column);
        case TableDecoder.K_YEAR -> (int) v;
        case TableDecoder.K_DATE -> {
          Optional<LocalDateTime> dt = Temporals.toDateTime(v);
          yield dt.isPresent() ? dt.get().toLocalDate() : getText(column);
        }
        case TableDecoder.K_DATETIME, TableDecoder.K_DATETIME2 -> {
          Optional<LocalDateTime> dt = Temporals.toDateTime(v);
          yield dt.isPresent() ? dt.get() : getText(column);
        }
        case TableDecoder.K_TIMESTAMP, TableDecoder.K_TIMESTAMP2 -> getTimestamp(column);
        case TableDecoder.K_TIME, TableDecoder.K_TIME2 -> getTime(column);
        case TableDecoder.K_BIT -> v;
        case TableDecoder.K_ENUM -> {
          String[] labels = table.labels(column);
          yield labels == null ? (Object) (int) v : enumLabel(labels, v);
        }
        case TableDecoder.K_SET -> table.labels(column) == null ? (Object) v : getText(column);
        default -> refs[slot];
      };
    }

    @Override
    public String getText(int column) {
      int slot = valueSlot(column, "text");
      long v = longs[slot];
      int fsp = table.scale(column);
      StringBuilder out;
      switch (table.kind[column]) {
        case TableDecoder.K_INT64:
          return table.unsigned[column] ? Long.toUnsignedString(v) : Long.toString(v);
        case TableDecoder.K_INT8, TableDecoder.K_INT16, TableDecoder.K_INT24, TableDecoder.K_INT32:
          return Long.toString(v);
        case TableDecoder.K_BIT:
          return Long.toUnsignedString(v);
        case TableDecoder.K_YEAR:
          return Temporals.pad(new StringBuilder(4), v, 4).toString();
        case TableDecoder.K_FLOAT:
          return Float.toString(Float.intBitsToFloat((int) v));
        case TableDecoder.K_DOUBLE:
          return Double.toString(Double.longBitsToDouble(v));
        case TableDecoder.K_DECIMAL_LONG, TableDecoder.K_DECIMAL_BIG:
          return getDecimal(column).toPlainString();
        case TableDecoder.K_DATE:
          out = new StringBuilder(10);
          Temporals.appendDate(out, v);
          return out.toString();
        case TableDecoder.K_DATETIME, TableDecoder.K_DATETIME2:
          out = new StringBuilder(26);
          Temporals.appendDateTime(out, v, fsp);
          return out.toString();
        case TableDecoder.K_TIMESTAMP, TableDecoder.K_TIMESTAMP2:
          out = new StringBuilder(26);
          if (v == 0) {
            out.append("0000-00-00 00:00:00");
            Temporals.appendFraction(out, 0, fsp);
          } else {
            LocalDateTime t =
                LocalDateTime.ofInstant(getTimestamp(column), java.time.ZoneOffset.UTC);
            Temporals.appendDateTime(
                out,
                Temporals.pack(
                    t.getYear(),
                    t.getMonthValue(),
                    t.getDayOfMonth(),
                    t.getHour(),
                    t.getMinute(),
                    t.getSecond(),
                    t.getNano() / 1000),
                fsp);
          }
          return out.toString();
        case TableDecoder.K_TIME, TableDecoder.K_TIME2:
          out = new StringBuilder(18);
          Temporals.appendTime(out, v, fsp);
          return out.toString();
        case TableDecoder.K_ENUM:
          {
            String[] labels = table.labels(column);
            return labels == null ? Long.toString(v) : enumLabel(labels, v);
          }
        case TableDecoder.K_SET:
          {
            String[] labels = table.labels(column);
            if (labels == null) {
              return Long.toString(v);
            }
            out = new StringBuilder();
            for (int bit = 0; bit < 64; bit++) {
              if ((v & (1L << bit)) != 0) {
                if (!out.isEmpty()) {
                  out.append(',');
                }
                out.append(bit < labels.length ? labels[bit] : "?" + (bit + 1));
              }
            }
            return out.toString();
          }
        default:
          Object ref = refs[slot];
          if (ref instanceof String s) {
            return s;
          }
          if (ref instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
          }
          throw wrongType(column, "text");
      }
    }

    private String enumLabel(String[] labels, long index) {
      return index >= 1 && index <= labels.length ? labels[(int) index - 1] : "";
    }

    @Override
    public Instant getTimestamp(int column) {
      int kind = table.kind[column];
      if (kind != TableDecoder.K_TIMESTAMP && kind != TableDecoder.K_TIMESTAMP2) {
        throw wrongType(column, "timestamp");
      }
      return RowImage.super.getTimestamp(column);
    }

    @Override
    public java.time.Duration getTime(int column) {
      int kind = table.kind[column];
      if (kind != TableDecoder.K_TIME && kind != TableDecoder.K_TIME2) {
        throw wrongType(column, "time");
      }
      return RowImage.super.getTime(column);
    }

    @Override
    public String toString() {
      StringBuilder out = new StringBuilder(table.name().toString()).append('{');
      for (int c = 0; c < columns; c++) {
        if (c > 0) {
          out.append(", ");
        }
        out.append(table.columnName(c)).append('=');
        byte s = state[base + c];
        out.append(s == NULL ? "NULL" : s == ABSENT ? "-" : getText(c));
      }
      return out.append('}').toString();
    }
  }
}
