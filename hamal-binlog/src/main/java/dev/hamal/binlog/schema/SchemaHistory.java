package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.TableName;
import dev.hamal.binlog.TableSchema;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Placeholder with the agreed signatures; replaced by the schema history. */
public final class SchemaHistory {
  public sealed interface Lookup permits Known, Unknown, Absent {}

  public record Known(TableSchema schema) implements Lookup {}

  public record Unknown(String reason, BinlogPosition since) implements Lookup {}

  public record Absent() implements Lookup {}

  public static SchemaHistory open(SchemaHistoryStore store) {
    throw new UnsupportedOperationException();
  }

  public static SchemaHistory inMemory() {
    throw new UnsupportedOperationException();
  }

  public boolean isEmpty() {
    throw new UnsupportedOperationException();
  }

  public void seed(BinlogPosition at, SqlQueryRunner source, Predicate<TableName> tables) {
    throw new UnsupportedOperationException();
  }

  public Lookup lookup(TableName table, BinlogPosition position) {
    throw new UnsupportedOperationException();
  }

  public List<TableName> applyDdl(
      BinlogPosition position, String defaultSchema, String sql, Optional<String> charset) {
    throw new UnsupportedOperationException();
  }

  public static boolean isDdl(String sql) {
    throw new UnsupportedOperationException();
  }
}
