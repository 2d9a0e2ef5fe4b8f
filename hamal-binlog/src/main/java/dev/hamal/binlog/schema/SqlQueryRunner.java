package dev.hamal.binlog.schema;

import java.util.List;

/** Placeholder with the agreed signatures; replaced by the schema history. */
@FunctionalInterface
public interface SqlQueryRunner {
  List<List<String>> query(String sql);
}
