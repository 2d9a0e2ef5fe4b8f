package dev.hamal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hamal.order.OrderQuery;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.SortKey;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SearchStatementTest {
  private static final Instant T = Instant.parse("2025-06-18T02:00:00.123456Z");
  private static final LocalDateTime T_COLUMN = LocalDateTime.parse("2025-06-18T02:00:00.123456");

  @Test
  void shouldContinueByKeysetFromAPositionAtAWholeMicrosecond() {
    SearchStatement s =
        SearchStatement.of(
            OrderQuery.all(10).withAfter(Optional.of(new SortKey(T, "a:1"))), Optional.empty(), 11);
    assertThat(s.sql())
        .contains("AND (created_at < ? OR (created_at = ? AND order_id < ?))")
        .endsWith("ORDER BY created_at DESC, order_id DESC LIMIT ?");
    assertThat(s.parameters()).containsExactly(T_COLUMN, T_COLUMN, "a:1", 11);
  }

  @Test
  void shouldTakeTheWholeMicrosecondAfterAPositionBetweenMicroseconds() {
    SearchStatement s =
        SearchStatement.of(
            OrderQuery.all(10).withAfter(Optional.of(new SortKey(T.plusNanos(1), "a:1"))),
            Optional.empty(),
            11);
    assertThat(s.sql()).contains("AND created_at <= ?").doesNotContain("order_id <");
    assertThat(s.parameters()).containsExactly(T_COLUMN, 11);
  }

  @Test
  void shouldContinueAfterTheLastStoredRowWhenReadingOn() {
    var row = new SearchStatement.Position(T_COLUMN, "b:2");
    SearchStatement s =
        SearchStatement.of(
            OrderQuery.all(10).withAfter(Optional.of(new SortKey(T.plusSeconds(5), "a:1"))),
            Optional.of(row),
            11);
    assertThat(s.parameters()).containsExactly(T_COLUMN, T_COLUMN, "b:2", 11);
  }

  @Test
  void shouldWidenCreationBoundsToWholeMicrosecondsAndClampThemToTheColumnRange() {
    SearchStatement exact =
        SearchStatement.of(
            OrderQuery.all(10).withCreated(Optional.of(T), Optional.of(T)), Optional.empty(), 11);
    assertThat(exact.sql()).contains("created_at >= ? AND created_at < ?");
    SearchStatement between =
        SearchStatement.of(
            OrderQuery.all(10)
                .withCreated(Optional.of(T.plusNanos(1)), Optional.of(T.plusNanos(1))),
            Optional.empty(),
            11);
    assertThat(between.sql()).contains("created_at >= ? AND created_at <= ?");
    assertThat(between.parameters()).containsExactly(T_COLUMN, T_COLUMN, 11);
    SearchStatement far =
        SearchStatement.of(
            OrderQuery.all(10)
                .withCreated(
                    Optional.of(Instant.parse("0001-01-01T00:00:00Z")),
                    Optional.of(Instant.parse("+20000-01-01T00:00:00Z"))),
            Optional.empty(),
            11);
    assertThat(far.sql()).contains("created_at >= ? AND created_at <= ?");
    assertThat(far.parameters())
        .containsExactly(OrderRows.MIN_DATETIME, OrderRows.MAX_DATETIME, 11);
  }

  @Test
  void shouldBindEveryValueAsAParameterAndEscapeLikeMetacharacters() {
    String hostile = "x' OR '1'='1";
    SearchStatement s =
        SearchStatement.of(
            OrderQuery.all(10)
                .withUserId(hostile)
                .withBusinessLines(Set.of(hostile))
                .withProductText("100%  a_b\tC!d"),
            Optional.empty(),
            11);
    assertThat(s.sql()).doesNotContain(hostile).doesNotContain("100");
    assertThat(s.parameters()).containsExactly(hostile, hostile, "%100!%%", "%a!_b%", "%c!!d%", 11);
    assertThat(s.sql())
        .contains("AND product_name COLLATE utf8mb4_unicode_ci LIKE ? ESCAPE '!'")
        .contains("state <> 'DELETED'");
  }

  @Test
  void shouldSplitLinesAndStatusesIntoOneIndexOrderedStatementEach() {
    OrderQuery lines = OrderQuery.all(10).withBusinessLines(Set.of("b", "a"));
    assertThat(SearchStatement.branches(lines))
        .containsExactly(
            lines.withBusinessLines(Set.of("a")), lines.withBusinessLines(Set.of("b")));
    OrderQuery both = lines.withStatuses(Set.of(OrderStatus.PAID, OrderStatus.CREATED));
    assertThat(SearchStatement.branches(both))
        .hasSize(4)
        .allSatisfy(q -> {
          assertThat(q.businessLines()).hasSize(1);
          assertThat(q.statuses()).hasSize(1);
        });
    // Kept whole: a user leads its own index; statuses alone lead none; too many branches.
    assertThat(SearchStatement.branches(both.withUserId("u1"))).hasSize(1);
    OrderQuery statuses =
        OrderQuery.all(10).withStatuses(Set.of(OrderStatus.PAID, OrderStatus.FAILED));
    assertThat(SearchStatement.branches(statuses)).containsExactly(statuses);
    OrderQuery many =
        OrderQuery.all(10)
            .withBusinessLines(Set.of("a", "b", "c"))
            .withStatuses(Set.of(OrderStatus.values()));
    assertThat(SearchStatement.branches(many)).containsExactly(many);
  }

  @Test
  void shouldSplitProductTextIntoWordsAsTheQueryDoes() {
    assertThat(SearchStatement.words("  Steam\tWALLET  王者 "))
        .isEqualTo(List.of("steam", "wallet", "王者"));
    assertThat(SearchStatement.words("   ")).isEmpty();
  }
}
