package dev.hamal.coordination;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes a balanced, sticky assignment of pipes to instances: every instance gets {@code
 * floor(P/N)} or {@code ceil(P/N)} pipes, and a pipe stays where it is unless its holder is over
 * its quota or gone. The {@code P mod N} larger quotas go to the instances that already hold the
 * most, so the number of moves is the minimum any balanced assignment needs. Pure and deterministic
 * (ties broken by name), so every leader computes the same result from the same input.
 */
final class Balancer {
  private Balancer() {}

  /**
   * @param instances the live instances
   * @param pipes the pipes to place (paused and failed ones excluded by the caller)
   * @param current where each pipe is now (assignment or owner); entries for dead instances or
   *     unknown pipes are ignored
   * @return every live instance with its pipes
   */
  static Map<String, TreeSet<String>> assign(
      Set<String> instances, Set<String> pipes, Map<String, String> current) {
    Map<String, TreeSet<String>> held = new TreeMap<>();
    for (String instance : instances) {
      held.put(instance, new TreeSet<>());
    }
    if (instances.isEmpty()) {
      return held;
    }
    TreeSet<String> pool = new TreeSet<>();
    for (String pipe : pipes) {
      String holder = current.get(pipe);
      if (holder != null && held.containsKey(holder)) {
        held.get(holder).add(pipe);
      } else {
        pool.add(pipe);
      }
    }
    int base = pipes.size() / instances.size();
    int larger = pipes.size() % instances.size();
    List<String> byLoad = new ArrayList<>(held.keySet());
    byLoad.sort(
        Comparator.comparing((String i) -> held.get(i).size())
            .reversed()
            .thenComparing(Comparator.naturalOrder()));
    Map<String, Integer> quota = new TreeMap<>();
    for (int k = 0; k < byLoad.size(); k++) {
      quota.put(byLoad.get(k), base + (k < larger ? 1 : 0));
    }
    for (Map.Entry<String, TreeSet<String>> e : held.entrySet()) {
      while (e.getValue().size() > quota.get(e.getKey())) {
        pool.add(e.getValue().pollLast());
      }
    }
    for (String pipe : pool) {
      String target = null;
      for (String instance : held.keySet()) {
        if (held.get(instance).size() < quota.get(instance)
            && (target == null || held.get(instance).size() < held.get(target).size())) {
          target = instance;
        }
      }
      held.get(target).add(pipe);
    }
    return held;
  }
}
