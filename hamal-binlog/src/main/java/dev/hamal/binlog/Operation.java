package dev.hamal.binlog;

/** What a row change did. */
public enum Operation {
  INSERT,
  UPDATE,
  DELETE
}
