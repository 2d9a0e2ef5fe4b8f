package dev.hamal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class ShardFunctionTest {

  @Test
  void shouldKeepTheDocumentedShardOfKnownIdsAcrossReleases() {
    // CRC32 (IEEE 802.3, as java.util.zip computes it) of the UTF-8 bytes: "topup:1" is
    // 0xf95c90bb, "fuel:42" 0x54c64864. A change of these numbers would move stored orders.
    assertThat(OrderStore.shardOf("topup:1", 1)).isZero();
    for (String id : new String[] {"topup:1", "fuel:42", "门票:7"}) {
      var crc = new CRC32();
      crc.update(id.getBytes(StandardCharsets.UTF_8));
      for (int shards = 1; shards <= 16; shards++) {
        assertThat(OrderStore.shardOf(id, shards)).isEqualTo((int) (crc.getValue() % shards));
      }
    }
    assertThat(OrderStore.shardOf("topup:1", 3)).isEqualTo(KNOWN_TOPUP_1_OF_3);
    assertThat(OrderStore.shardOf("fuel:42", 8)).isEqualTo(KNOWN_FUEL_42_OF_8);
  }

  @Test
  void shouldSpreadSequentialIdsEvenlyOverShards() {
    int shards = 4;
    int[] counts = new int[shards];
    int ids = 40_000;
    for (int i = 0; i < ids; i++) {
      counts[OrderStore.shardOf("topup:" + i, shards)]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(ids / shards * 95 / 100, ids / shards * 105 / 100);
    }
  }

  private static final int KNOWN_TOPUP_1_OF_3 = 0;
  private static final int KNOWN_FUEL_42_OF_8 = 4;
}
