package dev.hamal.binlog.schema;

import java.util.ArrayList;
import java.util.List;

/** A store that keeps records in memory: for {@link SchemaHistory#inMemory()} and for tests. */
final class MemorySchemaHistoryStore implements SchemaHistoryStore {

  private final List<String> records = new ArrayList<>();

  @Override
  public List<String> load() {
    return List.copyOf(records);
  }

  @Override
  public void append(String record) {
    records.add(record);
  }

  @Override
  public String locate(int index) {
    return "in-memory record " + index;
  }

  @Override
  public void close() {}
}
