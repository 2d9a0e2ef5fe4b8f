package dev.hamal.binlog.schema;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.binlog.TableSchema;
import java.util.Objects;

/** What the schema history knows about one table at one binlog position. */
public sealed interface Lookup permits Lookup.Known, Lookup.Unknown, Lookup.Absent {

  /** The table's columns and primary key at that position. */
  record Known(TableSchema schema) implements Lookup {
    public Known {
      Objects.requireNonNull(schema, "schema");
    }
  }

  /**
   * The table exists but its columns are not known: a DDL statement the history could not
   * interpret, a table excluded from the seed, or a position before the history starts. Rows of
   * such a table must not be decoded; the stream stops naming the table and the position.
   *
   * @param reason why, for the operator (often with the statement that was not understood)
   * @param since the position from which the columns are unknown
   */
  record Unknown(String reason, BinlogPosition since) implements Lookup {
    public Unknown {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(since, "since");
    }
  }

  /** The table does not exist at that position (never created, or dropped). */
  record Absent() implements Lookup {
    /** The only value anyone needs. */
    public static final Absent INSTANCE = new Absent();
  }
}
