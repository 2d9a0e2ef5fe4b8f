package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A role's stop on SIGTERM: its own status when it finishes in time, 0 when the grace runs out. */
class GracefulShutdownTest {

  @Test
  void shouldExitWithTheStopsStatusWhenItFinishesWithinTheGrace() {
    assertThat(GracefulShutdown.stopWithin("test", Duration.ofSeconds(10), () -> 0)).isZero();
    assertThat(GracefulShutdown.stopWithin("test", Duration.ofSeconds(10), () -> 1)).isOne();
  }

  @Test
  void shouldExitWithOneWhenTheStopThrows() {
    assertThat(
            GracefulShutdown.stopWithin(
                "test",
                Duration.ofSeconds(10),
                () -> {
                  throw new IllegalStateException("closing the store failed");
                }))
        .isOne();
  }

  @Test
  void shouldExitWithZeroOnceTheGraceRunsOutAndInterruptTheStop() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    long started = System.nanoTime();
    int status =
        GracefulShutdown.stopWithin(
            "test",
            Duration.ofMillis(200),
            () -> {
              try {
                never.await();
              } catch (InterruptedException e) {
                interrupted.countDown();
                Thread.currentThread().interrupt();
              }
              return 1;
            });
    assertThat(status).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200))
        .isLessThan(Duration.ofSeconds(10));
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
  }
}
