package dev.hamal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.app.ProductLine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WorkloadStreamTest {
  private static final WorkloadStream.Budget BUDGET = new WorkloadStream.Budget(10_000, 9_500, 500);

  /** A digest of every statement and value the stream produces, in order. */
  private static byte[] digest(WorkloadStream stream) throws Exception {
    var sha = MessageDigest.getInstance("SHA-256");
    while (stream.hasNext()) {
      Work work = stream.next();
      sha.update(describe(work).getBytes(StandardCharsets.UTF_8));
    }
    return sha.digest();
  }

  private static String describe(Work work) {
    return switch (work) {
      case Work.Ddl ddl -> ddl.sql();
      case Work.Transaction tx -> {
        var text = new StringBuilder("tx");
        for (Work.Statement statement : tx.statements()) {
          text.append('|').append(statement.table());
          switch (statement) {
            case Work.Insert insert -> {
              text.append(insert.columns());
              insert.values().forEach(v -> text.append(Arrays.deepToString(v)));
            }
            case Work.Update update -> {
              text.append(update.columns());
              update.values().forEach(v -> text.append(Arrays.deepToString(v)));
            }
            case Work.Delete delete -> text.append(Arrays.toString(delete.keys()));
          }
        }
        yield text.toString();
      }
    };
  }

  @ParameterizedTest
  @EnumSource(ProductLine.class)
  void shouldProduceTheSameWorkForTheSameSeed(ProductLine line) throws Exception {
    byte[] first = digest(new WorkloadStream(line, "a", 7, BUDGET));
    byte[] second = digest(new WorkloadStream(line, "a", 7, BUDGET));
    byte[] otherSeed = digest(new WorkloadStream(line, "a", 8, BUDGET));

    assertThat(second).isEqualTo(first);
    assertThat(otherSeed).isNotEqualTo(first);
  }

  @ParameterizedTest
  @EnumSource(ProductLine.class)
  void shouldSpendTheBudgetExactlyInTransactionsOfOneTo200RowsOnLiveRowsOnly(ProductLine line) {
    var stream = new WorkloadStream(line, "s", 3, BUDGET);
    Set<Long> live = new HashSet<>();
    Map<Long, String> tableOf = new HashMap<>();
    long inserts = 0;
    long updates = 0;
    long deletes = 0;
    int ddl = 0;
    int largest = 0;
    while (stream.hasNext()) {
      switch (stream.next()) {
        case Work.Ddl change -> {
          ddl++;
          assertThat(change.sql()).startsWith("ALTER TABLE `s`.");
        }
        case Work.Transaction tx -> {
          assertThat(tx.rows()).isBetween(1, 200);
          largest = Math.max(largest, tx.rows());
          int counted = 0;
          for (Work.Statement statement : tx.statements()) {
            counted += statement.rows();
            switch (statement) {
              case Work.Insert insert -> {
                int idColumn = insert.columns().indexOf(line.idColumn());
                for (Object[] row : insert.values()) {
                  long id = ((Number) row[idColumn]).longValue();
                  assertThat(live.add(id)).as("id %d inserted twice", id).isTrue();
                  tableOf.put(id, insert.table());
                  String ext = (String) row[insert.columns().indexOf(line.extColumn())];
                  assertThat(ext.getBytes(StandardCharsets.UTF_8).length).isBetween(100, 400);
                }
                inserts += insert.rows();
              }
              case Work.Update update -> {
                var ids = new HashSet<Long>();
                for (Object[] row : update.values()) {
                  long id = (Long) row[row.length - 1];
                  assertThat(live).contains(id);
                  assertThat(ids.add(id)).as("one update per row and statement").isTrue();
                  assertThat(tableOf.get(id)).isEqualTo(update.table());
                }
                assertThat(update.columns()).contains(line.modifiedColumn());
                updates += update.rows();
              }
              case Work.Delete delete -> {
                for (long id : delete.keys()) {
                  assertThat(live.remove(id)).as("deleted id %d is live", id).isTrue();
                  assertThat(tableOf.get(id)).isEqualTo(delete.table());
                }
                deletes += delete.rows();
              }
            }
          }
          assertThat(counted)
              .isEqualTo(tx.rows())
              .isEqualTo(tx.inserts() + tx.updates() + tx.deletes());
        }
      }
    }
    assertThat(inserts).isEqualTo(BUDGET.inserts());
    assertThat(updates).isEqualTo(BUDGET.updates());
    assertThat(deletes).isEqualTo(BUDGET.deletes());
    assertThat(ddl).isEqualTo(stream.plannedDdlCount()).isPositive();
    assertThat(largest).isGreaterThan(150);
  }

  @Test
  void shouldFillColumnsAddedByDdlInLaterInserts() {
    var stream = new WorkloadStream(ProductLine.TOPUP, "s", 1, BUDGET);
    boolean altered = false;
    boolean sawRiskLevel = false;
    while (stream.hasNext()) {
      Work work = stream.next();
      if (work instanceof Work.Ddl ddl && ddl.sql().contains("ADD COLUMN risk_level")) {
        altered = true;
      } else if (work instanceof Work.Transaction tx) {
        for (Work.Statement statement : tx.statements()) {
          if (statement instanceof Work.Insert insert) {
            assertThat(insert.columns().contains("risk_level")).isEqualTo(altered);
            sawRiskLevel |= altered;
          }
        }
      }
    }
    assertThat(sawRiskLevel).isTrue();
  }

  @Test
  void shouldAlterTicketShardsOneByOneBetweenTransactions() {
    var stream = new WorkloadStream(ProductLine.TICKET, "s", 1, BUDGET);
    var altered = new java.util.ArrayList<String>();
    int transactionsBetween = 0;
    while (stream.hasNext()) {
      Work work = stream.next();
      if (work instanceof Work.Ddl ddl) {
        altered.add(ddl.table());
      } else if (!altered.isEmpty() && altered.size() < 16) {
        transactionsBetween++;
      }
    }
    assertThat(altered)
        .hasSize(16)
        .doesNotHaveDuplicates()
        .isEqualTo(ProductLine.TICKET.orderTables());
    assertThat(transactionsBetween).isGreaterThan(15);
  }

  @Test
  void shouldSplitRowsHalfInsertsAndTwoAndAHalfPercentDeletesAcrossLines() {
    var config = new WorkloadConfig(1, 2_000_000, 4, "bench_", false);
    List<WorkloadStream> streams = WorkloadGenerator.streams(config);

    assertThat(config.inserts()).isEqualTo(1_000_000);
    assertThat(config.deletes()).isEqualTo(50_000);
    assertThat(config.updates()).isEqualTo(950_000);
    assertThat(streams).extracting(WorkloadStream::line).containsExactly(ProductLine.values());
    assertThat(streams.stream().mapToLong(WorkloadStream::rowsLeft).sum()).isEqualTo(2_000_000);
    assertThat(streams.getFirst().rowsLeft()).isEqualTo(600_000);
    assertThat(streams)
        .extracting(WorkloadStream::schema)
        .containsExactly("bench_topup", "bench_fuelcard", "bench_ticket", "bench_gamecard");
  }
}
