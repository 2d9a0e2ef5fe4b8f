package dev.hamal.binlog.wire;

import java.util.List;

/** Placeholder with the agreed signatures; replaced by the protocol client. */
public record QueryResult(List<String> columns, List<List<String>> rows) {}
