package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class EventStreamPositionTest {
  private static Map<TopicPartition, Long> offsets(int topics) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (int t = 0; t < topics; t++) {
      for (int p = 0; p < 3; p++) {
        offsets.put(new TopicPartition("hamal.orders.line" + t, p), 1_000_000L * t + p * 7L);
      }
    }
    return offsets;
  }

  @Test
  void shouldReadBackWhatItWrote() {
    var position = EventStreamPosition.of(offsets(30));
    String id = position.encode("sub_1");
    assertThat(EventStreamPosition.decode("sub_1", id).offsets()).isEqualTo(position.offsets());
    assertThat(id.length()).isLessThan(700); // 90 partitions, compact
  }

  @Test
  void shouldRefuseEveryEditedCharacterAndIdsOfOtherSubscriptions() {
    String id = EventStreamPosition.of(offsets(2)).encode("sub_1");
    for (int i = 0; i < id.length(); i++) {
      char replacement = id.charAt(i) == 'A' ? 'B' : 'A';
      String edited = id.substring(0, i) + replacement + id.substring(i + 1);
      assertThatThrownBy(() -> EventStreamPosition.decode("sub_1", edited))
          .as("edit at %d", i)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> EventStreamPosition.decode("sub_2", id))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventStreamPosition.decode("sub_1", id.substring(0, 5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventStreamPosition.decode("sub_1", "%%%"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
