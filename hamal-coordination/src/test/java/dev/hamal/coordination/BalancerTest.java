package dev.hamal.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BalancerTest {

  private static Set<String> pipes(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> String.format("p%02d", i))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Map<String, String> holders(Map<String, TreeSet<String>> assignment) {
    Map<String, String> current = new HashMap<>();
    assignment.forEach((instance, ps) -> ps.forEach(p -> current.put(p, instance)));
    return current;
  }

  private static int moves(Map<String, String> before, Map<String, String> after) {
    return (int)
        after.entrySet().stream()
            .filter(e -> before.containsKey(e.getKey()))
            .filter(e -> !e.getValue().equals(before.get(e.getKey())))
            .count();
  }

  @Test
  void shouldSpreadPipesEvenlyWithinOne() {
    var result = Balancer.assign(Set.of("a", "b", "c"), pipes(10), Map.of());
    assertThat(result.values()).allSatisfy(ps -> assertThat(ps.size()).isBetween(3, 4));
    assertThat(result.values().stream().mapToInt(Set::size).sum()).isEqualTo(10);
  }

  @Test
  void shouldMoveOnlyWhatAJoiningInstanceNeeds() {
    var before = Balancer.assign(Set.of("a", "b"), pipes(10), Map.of());
    var after = Balancer.assign(Set.of("a", "b", "c"), pipes(10), holders(before));
    assertThat(after.get("c")).hasSize(3);
    assertThat(moves(holders(before), holders(after))).isEqualTo(3);
  }

  @Test
  void shouldMoveOnlyTheLeavingInstancesPipes() {
    var before = Balancer.assign(Set.of("a", "b", "c"), pipes(9), Map.of());
    var after = Balancer.assign(Set.of("a", "b"), pipes(9), holders(before));
    assertThat(after.get("a").size() + after.get("b").size()).isEqualTo(9);
    assertThat(after.get("a")).containsAll(before.get("a"));
    assertThat(after.get("b")).containsAll(before.get("b"));
  }

  @Test
  void shouldKeepABalancedAssignmentAsItIs() {
    var before = Balancer.assign(Set.of("a", "b", "c"), pipes(7), Map.of());
    var again = Balancer.assign(Set.of("a", "b", "c"), pipes(7), holders(before));
    assertThat(again).isEqualTo(before);
  }

  @Test
  void shouldDropPipesThatAreNoLongerPlaceable() {
    var before = Balancer.assign(Set.of("a"), pipes(3), Map.of());
    var after = Balancer.assign(Set.of("a"), Set.of("p00"), holders(before));
    assertThat(after.get("a")).containsExactly("p00");
  }

  @Test
  void shouldAssignNothingWithoutInstances() {
    assertThat(Balancer.assign(Set.of(), pipes(3), Map.of())).isEmpty();
  }
}
