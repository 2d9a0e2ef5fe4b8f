package dev.hamal.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hamal.binlog.BinlogTable;
import dev.hamal.binlog.RowChange;
import dev.hamal.binlog.RowImage;
import dev.hamal.binlog.RowMapper;
import dev.hamal.binlog.TableName;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.MappingException;
import dev.hamal.order.OrderChange;
import dev.hamal.order.OrderChangeCodec;
import dev.hamal.order.SourceColumn;
import dev.hamal.order.SourceRowJson;
import dev.hamal.order.UnifiedOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a pipe's row changes into Kafka records, on the stream's decode workers: the business line
 * that claims the table maps the row images to unified orders, which are serialised as an {@link
 * OrderChange} keyed by the order id, to the line's topic.
 *
 * <p>Two kinds of failure, told apart by where they arise:
 *
 * <ul>
 *   <li>The table's columns do not fit the line's mapping (checked once per table schema, when the
 *       first row of it arrives): a {@link MappingMismatchException} stops the pipe, which is then
 *       FAILED with the reason until an operator fixes the mapping. No row of the table is
 *       published under a mapping that does not fit it.
 *   <li>One row's values cannot be mapped (a status code the mapping does not know, an amount with
 *       too many decimals): the change goes to the dead-letter topic with the reason and the row's
 *       values, and the stream goes on. It is published, so accounted for, never silently lost.
 * </ul>
 *
 * <p>Thread-safe: business lines and the codec are immutable; the per-table check uses a concurrent
 * map keyed by the stream's table objects (a table whose schema changes gets a new one).
 */
final class OrderRowMapper implements RowMapper {
  static final String DEAD_LETTER_FORMAT = "hamal.dead-letter/1";

  private final String pipe;
  private final BusinessLines lines;
  private final Topics topics;
  private final OrderChangeCodec codec = new OrderChangeCodec();
  private final ObjectMapper json = new ObjectMapper();
  private final Map<BinlogTable, Boolean> checked = new ConcurrentHashMap<>();

  OrderRowMapper(String pipe, BusinessLines lines, Topics topics) {
    this.pipe = Objects.requireNonNull(pipe, "pipe");
    this.lines = Objects.requireNonNull(lines, "lines");
    this.topics = Objects.requireNonNull(topics, "topics");
  }

  @Override
  public Object map(RowChange change) {
    BinlogTable table = change.table();
    TableName name = table.name();
    Optional<BusinessLine> claimed = lines.forTable(name.schema(), name.table());
    if (claimed.isEmpty()) {
      return null;
    }
    BusinessLine line = claimed.get();
    if (!checked.containsKey(table)) {
      check(line, table, change);
      checked.put(table, Boolean.TRUE);
    }
    OrderChange order;
    try {
      order = toOrderChange(line, change);
    } catch (MappingException | IllegalArgumentException e) {
      return deadLetter(line, change, e);
    }
    return new Outgoing(
        topics.forLine(line.name()),
        order.orderId().getBytes(StandardCharsets.UTF_8),
        codec.encode(order));
  }

  private void check(BusinessLine line, BinlogTable table, RowChange change) {
    if (!table.hasColumnNames()) {
      throw new MappingMismatchException(
          "pipe "
              + pipe
              + ": table "
              + table.name()
              + " has no column names (the source writes binlog_row_metadata=MINIMAL and no"
              + " schema history is configured), so business line "
              + line.name()
              + " cannot be mapped safely; at "
              + change.position(),
          null);
    }
    List<SourceColumn> columns = new ArrayList<>(table.columnCount());
    for (int c = 0; c < table.columnCount(); c++) {
      columns.add(new SourceColumn(table.columnName(c), table.columnType(c).name()));
    }
    try {
      line.validateAgainst(table.name().schema(), table.name().table(), columns);
    } catch (MappingException e) {
      throw new MappingMismatchException(
          "pipe "
              + pipe
              + ": business line "
              + line.name()
              + " does not fit table "
              + table.name()
              + " as of binlog "
              + change.position()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private OrderChange toOrderChange(BusinessLine line, RowChange change) {
    OrderChange.SourcePosition source =
        new OrderChange.SourcePosition(
            pipe,
            change.position().file(),
            change.position().position(),
            change.rowIndex(),
            change.transaction().gtid(),
            transactionId(change));
    Optional<UnifiedOrder> before = change.before().map(image -> line.map(new ImageRow(image)));
    Optional<UnifiedOrder> after = change.after().map(image -> line.map(new ImageRow(image)));
    return switch (change.operation()) {
      case INSERT -> OrderChange.insert(after.orElseThrow(), source, commitTime(change));
      case UPDATE ->
          OrderChange.update(before.orElseThrow(), after.orElseThrow(), source, commitTime(change));
      case DELETE -> OrderChange.delete(before.orElseThrow(), source, commitTime(change));
    };
  }

  private static java.time.Instant commitTime(RowChange change) {
    return change.transaction().commitTime();
  }

  /**
   * The transaction's begin position as one number: the binlog file's sequence in the high 32 bits
   * and the offset (below 4 GiB: a server's {@code max_binlog_size} is at most 1 GiB) in the low.
   */
  static long transactionId(RowChange change) {
    var begin = change.transaction().begin();
    String file = begin.file();
    long sequence = 0;
    int dot = file.lastIndexOf('.');
    if (dot >= 0) {
      try {
        sequence = Long.parseLong(file.substring(dot + 1));
      } catch (NumberFormatException e) {
        sequence = 0;
      }
    }
    return (sequence << 32) | (begin.position() & 0xFFFF_FFFFL);
  }

  private Outgoing deadLetter(BusinessLine line, RowChange change, RuntimeException reason) {
    ObjectNode letter = json.createObjectNode();
    letter.put("format", DEAD_LETTER_FORMAT);
    letter.put("kind", "row");
    letter.put("reason", reason.getMessage());
    letter.put("pipe", pipe);
    letter.put("businessLine", line.name());
    letter.put("schema", change.table().name().schema());
    letter.put("table", change.table().name().table());
    letter.put("operation", change.operation().name());
    letter.put("binlogFile", change.position().file());
    letter.put("position", change.position().position());
    letter.put("rowIndex", change.rowIndex());
    change.transaction().gtid().ifPresent(gtid -> letter.put("gtid", gtid));
    letter.put("commitTime", change.transaction().commitTime().toString());
    change.before().ifPresent(image -> letter.set("before", values(image)));
    change.after().ifPresent(image -> letter.set("after", values(image)));
    byte[] key =
        (pipe + "/" + change.table().name().schema() + "." + change.table().name().table())
            .getBytes(StandardCharsets.UTF_8);
    try {
      return new Outgoing(topics.deadLetters(), key, json.writeValueAsBytes(letter));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a dead letter", e);
    }
  }

  /**
   * The image's values by column name, typed as {@link SourceRowJson} writes them (so a replay maps
   * exactly what the listener saw); SQL NULL as JSON null.
   */
  private static ObjectNode values(RowImage image) {
    BinlogTable table = image.table();
    ImageRow row = new ImageRow(image);
    Map<String, Optional<Object>> values = new LinkedHashMap<>();
    for (int c = 0; c < table.columnCount(); c++) {
      if (!image.isPresent(c)) {
        continue;
      }
      if (table.hasColumnNames()) {
        values.put(table.columnName(c), row.value(table.columnName(c)));
      } else {
        values.put(
            "@" + (c + 1), image.isNull(c) ? Optional.empty() : Optional.of(image.getText(c)));
      }
    }
    return SourceRowJson.write(values);
  }
}
