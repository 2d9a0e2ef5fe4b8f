package dev.hamal.bench;

import java.util.List;

/** One unit of the benchmark workload: a DML transaction or a DDL statement. */
sealed interface Work {

  /** Row changes that commit together; statements run in list order. */
  record Transaction(List<Statement> statements, int inserts, int updates, int deletes)
      implements Work {
    public Transaction {
      statements = List.copyOf(statements);
    }

    int rows() {
      return inserts + updates + deletes;
    }
  }

  /** A schema change (it commits by itself). */
  record Ddl(String table, String sql) implements Work {}

  /** One statement's worth of row changes, all in one table. */
  sealed interface Statement {
    String table();

    int rows();
  }

  /**
   * A multi-row INSERT; {@code rows} hold values in {@code columns} order, {@code null} for NULL.
   */
  record Insert(String table, List<String> columns, List<Object[]> values) implements Statement {
    @Override
    public int rows() {
      return values.size();
    }
  }

  /**
   * Updates rows by primary key, in one statement: {@code values} hold, per row, the new values in
   * {@code columns} order ({@code null}: this row leaves the column as it is) followed by the key.
   */
  record Update(String table, List<String> columns, String keyColumn, List<Object[]> values)
      implements Statement {
    @Override
    public int rows() {
      return values.size();
    }
  }

  /** Deletes by primary key. */
  record Delete(String table, String keyColumn, long[] keys) implements Statement {
    @Override
    public int rows() {
      return keys.length;
    }
  }
}
