package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Readiness checks: all up is ready; a down, failing or hanging check names itself and why. */
class ReadinessTest {

  @Test
  void shouldBeReadyOnlyWhenEveryCheckAnswersTrue() {
    AtomicBoolean kafka = new AtomicBoolean(true);
    try (Readiness readiness =
        new Readiness(
            List.of(
                new Readiness.Check("zookeeper", () -> true),
                new Readiness.Check("kafka", kafka::get)),
            Duration.ofSeconds(5))) {
      Readiness.Report up = readiness.check();
      assertThat(up.ready()).isTrue();
      assertThat(up.checks())
          .containsExactly(
              java.util.Map.entry("zookeeper", "UP"), java.util.Map.entry("kafka", "UP"));
      assertThat(up.reasons()).isEmpty();

      kafka.set(false);
      Readiness.Report down = readiness.check();
      assertThat(down.ready()).isFalse();
      assertThat(down.checks()).containsEntry("zookeeper", "UP").containsEntry("kafka", "DOWN");
      assertThat(down.reasons()).containsOnlyKeys("kafka").containsEntry("kafka", "not usable");
    }
  }

  @Test
  void shouldReportWhyACheckThatThrowsIsDown() {
    try (Readiness readiness =
        new Readiness(
            List.of(
                new Readiness.Check(
                    "store",
                    () -> {
                      throw new IllegalStateException("shard 2 refused the connection");
                    })),
            Duration.ofSeconds(5))) {
      Readiness.Report report = readiness.check();
      assertThat(report.ready()).isFalse();
      assertThat(report.reasons())
          .containsEntry("store", "IllegalStateException: shard 2 refused the connection");
    }
  }

  @Test
  void shouldCountAHangingCheckAsDownWithinTheLimitAndNeverStartASecondCallOfIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    try (Readiness readiness =
        new Readiness(
            List.of(
                new Readiness.Check("fast", () -> true),
                new Readiness.Check(
                    "slow",
                    () -> {
                      calls.incrementAndGet();
                      release.await();
                      return true;
                    })),
            Duration.ofMillis(100))) {
      long started = System.nanoTime();
      Readiness.Report first = readiness.check();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(first.checks()).containsEntry("fast", "UP").containsEntry("slow", "DOWN");
      assertThat(first.reasons()).containsEntry("slow", "no answer within 100ms");

      assertThat(readiness.check().ready()).isFalse();
      assertThat(calls).as("the hanging call is waited for, not repeated").hasValue(1);

      release.countDown();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> readiness.check().ready());
    }
  }
}
