package dev.hamal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.binlog.BinlogPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The small JSON file {@code hamal bench generate --manifest FILE} writes for the benchmarks that
 * read the workload back (format {@value #FORMAT}):
 *
 * <pre>{@code
 * {
 *   "format" : "hamal-workload/1",
 *   "seed" : 1, "rows" : 2000000, "connections" : 2, "schemaPrefix" : "bench_",
 *   "server" : "11.4.5-MariaDB-log",
 *   "binlog" : { "from" : "mysql-bin.000001:1234", "to" : "mysql-bin.000003:567",
 *                "gtidFrom" : "0-1-40", "gtidTo" : "0-1-42133" },
 *   "counts" : { "inserts" : 1000000, "updates" : 950000, "deletes" : 50000,
 *                "rowChanges" : 2000000, "transactions" : 42093, "ddl" : 21 },
 *   "elapsedMillis" : 61234, "rowsPerSecond" : 32661.7,
 *   "tables" : [ "bench_topup.tp_order", ... ],
 *   "checksums" : { "bench_topup.tp_order" : 1234567, ... }
 * }
 * }</pre>
 */
public final class WorkloadManifest {
  /** The format name written into every manifest. */
  public static final String FORMAT = "hamal-workload/1";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private WorkloadManifest() {}

  /** Writes {@code result} to {@code file}, replacing it. */
  public static void write(WorkloadResult result, Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("seed", result.config().seed());
    root.put("rows", result.config().rows());
    root.put("connections", result.config().connections());
    root.put("schemaPrefix", result.config().schemaPrefix());
    root.put("server", result.server());
    ObjectNode binlog = root.putObject("binlog");
    binlog.put("from", result.from().toString());
    binlog.put("to", result.to().toString());
    binlog.put("gtidFrom", result.gtidFrom());
    binlog.put("gtidTo", result.gtidTo());
    ObjectNode counts = root.putObject("counts");
    counts.put("inserts", result.inserts());
    counts.put("updates", result.updates());
    counts.put("deletes", result.deletes());
    counts.put("rowChanges", result.rowChanges());
    counts.put("transactions", result.transactions());
    counts.put("ddl", result.ddl());
    root.put("elapsedMillis", result.elapsed().toMillis());
    root.put("rowsPerSecond", Math.round(result.rowsPerSecond() * 10) / 10.0);
    var tables = root.putArray("tables");
    result.tables().forEach(tables::add);
    ObjectNode checksums = root.putObject("checksums");
    new TreeMap<>(result.checksums()).forEach(checksums::put);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), root);
  }

  /**
   * Reads a manifest.
   *
   * @throws IllegalArgumentException naming the file and field when it is not a {@value #FORMAT}
   *     manifest
   */
  public static WorkloadResult read(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException(file + ": not a " + FORMAT + " manifest");
    }
    var config =
        new WorkloadConfig(
            required(file, root, "seed").asLong(),
            required(file, root, "rows").asLong(),
            required(file, root, "connections").asInt(),
            required(file, root, "schemaPrefix").asText(),
            !root.path("checksums").isEmpty());
    JsonNode binlog = required(file, root, "binlog");
    JsonNode counts = required(file, root, "counts");
    List<String> tables = new ArrayList<>();
    required(file, root, "tables").forEach(t -> tables.add(t.asText()));
    Map<String, Long> checksums = new LinkedHashMap<>();
    root.path("checksums")
        .properties()
        .forEach(e -> checksums.put(e.getKey(), e.getValue().asLong()));
    return new WorkloadResult(
        config,
        required(file, root, "server").asText(),
        BinlogPosition.parse(required(file, binlog, "from").asText()),
        BinlogPosition.parse(required(file, binlog, "to").asText()),
        binlog.path("gtidFrom").asText(""),
        binlog.path("gtidTo").asText(""),
        required(file, counts, "inserts").asLong(),
        required(file, counts, "updates").asLong(),
        required(file, counts, "deletes").asLong(),
        required(file, counts, "transactions").asLong(),
        required(file, counts, "ddl").asLong(),
        Duration.ofMillis(required(file, root, "elapsedMillis").asLong()),
        tables,
        checksums);
  }

  private static JsonNode required(Path file, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException(file + ": manifest has no '" + field + "'");
    }
    return value;
  }
}
