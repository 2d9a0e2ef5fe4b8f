package dev.hamal.binlog.schema;

/** Placeholder with the agreed signatures; replaced by the schema history. */
public interface SchemaHistoryStore {}
