package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final byte[] BODY = "{\"orderId\":\"a:1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void shouldVerifyItsOwnSignatureAndRejectAnyChange() {
    String header = WebhookSignature.header("whsec_secret", 1_750_000_000L, BODY);
    assertThat(header).matches("t=1750000000,v1=[0-9a-f]{64}");
    assertThat(WebhookSignature.verify("whsec_secret", header, BODY)).isTrue();
    assertThat(WebhookSignature.verify("whsec_other", header, BODY)).isFalse();
    assertThat(WebhookSignature.verify("whsec_secret", header.replace("t=17", "t=18"), BODY))
        .isFalse();
    byte[] changed = BODY.clone();
    changed[3] ^= 1;
    assertThat(WebhookSignature.verify("whsec_secret", header, changed)).isFalse();
    assertThat(WebhookSignature.verify("whsec_secret", "garbage", BODY)).isFalse();
  }

  @Test
  void shouldBackOffExponentiallyWithinHalfToFullOfTheCappedDelay() {
    var policy = new DeliveryRetryPolicy(Duration.ofMillis(500), 2.0, Duration.ofSeconds(60), 8);
    var random = new SplittableRandom(1);
    long[] bases = {500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000};
    for (int failed = 1; failed <= bases.length; failed++) {
      for (int i = 0; i < 50; i++) {
        long ms = policy.backoff(failed, random).toMillis();
        assertThat(ms).isBetween(bases[failed - 1] / 2, bases[failed - 1]);
      }
    }
  }
}
