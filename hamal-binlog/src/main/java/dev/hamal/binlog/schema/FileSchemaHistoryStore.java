package dev.hamal.binlog.schema;

import java.nio.file.Path;

/** Placeholder with the agreed signatures; replaced by the schema history. */
public final class FileSchemaHistoryStore implements SchemaHistoryStore {
  public static FileSchemaHistoryStore open(Path file) {
    throw new UnsupportedOperationException();
  }
}
