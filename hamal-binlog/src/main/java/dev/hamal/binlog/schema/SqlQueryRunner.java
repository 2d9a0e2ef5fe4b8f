package dev.hamal.binlog.schema;

import java.util.List;

/**
 * Runs a SQL query against the source server and returns its rows, each a list of column values as
 * text; SQL NULL is {@code null}. The schema history uses it only to read {@code
 * information_schema} when it is seeded; failures propagate unchanged to the caller of {@link
 * SchemaHistory#seed}.
 */
@FunctionalInterface
public interface SqlQueryRunner {
  List<List<String>> query(String sql);
}
