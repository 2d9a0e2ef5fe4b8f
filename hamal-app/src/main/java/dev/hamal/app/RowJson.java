package dev.hamal.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.hamal.binlog.BinlogTable;
import dev.hamal.binlog.ColumnType;
import dev.hamal.binlog.RowChange;
import dev.hamal.binlog.RowImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Writes row changes as JSON lines, one object per row change:
 *
 * <pre>{@code
 * {"server":"db1:3306","schema":"topup","table":"orders","op":"update",
 *  "before":{"id":7,"status":1,...},"after":{"id":7,"status":2,...},
 *  "file":"mysql-bin.000003","pos":1234,"row":0,
 *  "gtid":"0-1-55","tx":"0-1-55","commitTs":"2026-11-24T18:12:09Z"}
 * }</pre>
 *
 * <p>Values by column type: integers, DECIMAL, FLOAT, DOUBLE, YEAR and BIT as JSON numbers (DECIMAL
 * and BIGINT UNSIGNED exactly, never through a double); text, ENUM labels and SET label lists as
 * strings; DATE, DATETIME and TIME as MySQL prints them ({@code 2024-01-02 03:04:05.120});
 * TIMESTAMP as an ISO-8601 instant in UTC; MySQL binary JSON as embedded JSON; bytes (BINARY, BLOB,
 * GEOMETRY, text of unknown charset) as base64 strings; SQL NULL as null. Columns absent from a
 * MINIMAL image are left out. {@code gtid} is omitted when the server writes none; {@code tx} is
 * the transaction id (the GTID, or the position of the transaction's first event).
 *
 * <p>Not thread-safe: one writer per output, used by the stream's consumer thread.
 */
final class RowJson implements AutoCloseable {
  private final JsonFactory factory = new JsonFactory();
  private final JsonGenerator json;

  RowJson(OutputStream out) {
    try {
      this.json =
          factory.createGenerator(out).configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.setRootValueSeparator(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void write(RowChange change) {
    try {
      BinlogTable table = change.table();
      json.writeStartObject();
      json.writeStringField("server", change.server());
      json.writeStringField("schema", table.name().schema());
      json.writeStringField("table", table.name().table());
      json.writeStringField("op", change.operation().name().toLowerCase(Locale.ROOT));
      if (change.before().isPresent()) {
        json.writeFieldName("before");
        image(change.before().get());
      }
      if (change.after().isPresent()) {
        json.writeFieldName("after");
        image(change.after().get());
      }
      json.writeStringField("file", change.position().file());
      json.writeNumberField("pos", change.position().position());
      json.writeNumberField("row", change.rowIndex());
      if (change.transaction().gtid().isPresent()) {
        json.writeStringField("gtid", change.transaction().gtid().get());
      }
      json.writeStringField("tx", change.transaction().id());
      json.writeStringField("commitTs", change.transaction().commitTime().toString());
      json.writeEndObject();
      json.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void image(RowImage row) throws IOException {
    BinlogTable table = row.table();
    json.writeStartObject();
    for (int c = 0; c < row.columnCount(); c++) {
      if (!row.isPresent(c)) {
        continue;
      }
      json.writeFieldName(table.columnName(c));
      if (row.isNull(c)) {
        json.writeNull();
        continue;
      }
      value(row, table.columnType(c), c);
    }
    json.writeEndObject();
  }

  private void value(RowImage row, ColumnType type, int c) throws IOException {
    switch (type) {
      case TINYINT, SMALLINT, MEDIUMINT, INT, YEAR, BIT -> json.writeNumber(row.getLong(c));
      case BIGINT -> {
        if (row.table().isUnsigned(c)) {
          json.writeNumber(Long.toUnsignedString(row.getLong(c)));
        } else {
          json.writeNumber(row.getLong(c));
        }
      }
      case FLOAT, DOUBLE -> {
        double d = row.getDouble(c);
        if (Double.isFinite(d)) {
          json.writeNumber(type == ColumnType.FLOAT ? (float) d : d);
        } else {
          json.writeString(Double.toString(d));
        }
      }
      case DECIMAL -> json.writeNumber(row.getDecimal(c));
      case TIMESTAMP -> json.writeString(row.getTimestamp(c).toString());
      case DATE, DATETIME, TIME, ENUM, SET -> json.writeString(row.getText(c));
      case JSON -> {
        String text = row.getString(c);
        if (isJson(text)) {
          json.writeRawValue(text);
        } else {
          json.writeString(text); // a JSON column without a validity check may hold anything
        }
      }
      case CHAR, VARCHAR, TEXT -> json.writeString(row.getString(c));
      default -> {
        Object v = row.getValue(c);
        if (v instanceof byte[] bytes) {
          json.writeBinary(bytes);
        } else {
          json.writeString(String.valueOf(v));
        }
      }
    }
  }

  private boolean isJson(String text) {
    try (com.fasterxml.jackson.core.JsonParser p = factory.createParser(text)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  void flush() {
    try {
      json.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      json.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
