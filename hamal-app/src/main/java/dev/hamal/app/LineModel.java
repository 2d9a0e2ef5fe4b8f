package dev.hamal.app;

import java.time.LocalDateTime;
import java.util.List;
import java.util.random.RandomGenerator;

/** One product line's tables, codes and row generation; see {@link ProductLine}. */
interface LineModel {
  /** Statements creating the line's tables in the already quoted {@code schema}. */
  List<String> createStatements(String quotedSchema);

  List<String> tables();

  List<String> orderTables();

  String orderTable(long userId);

  String idColumn();

  String statusColumn();

  String extColumn();

  String modifiedColumn();

  List<String> insertColumns();

  Object statusCode(OrderStatus status);

  LineOrder newOrder(OrderSpec spec, RandomGenerator random);

  List<RowWrite> transition(
      LineOrder order, OrderStatus from, OrderStatus to, LocalDateTime at, RandomGenerator random);
}
