package dev.hamal.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hamal.testkit.FaultProxy.Scope;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy in front of a local echo server: every byte the client sends comes back. */
class FaultProxyTest {

  private static final Duration SILENCE = Duration.ofMillis(300);

  private EchoServer echo;
  private FaultProxy proxy;

  @BeforeEach
  void startProxy() throws IOException {
    echo = new EchoServer();
    proxy = FaultProxy.start("127.0.0.1", echo.port());
  }

  @AfterEach
  void stopProxy() throws IOException {
    proxy.close();
    echo.close();
  }

  private static byte[] flipped(byte[] bytes, int index) {
    byte[] copy = bytes.clone();
    copy[index] ^= 0x01;
    return copy;
  }

  @Test
  void shouldForwardBothDirectionsForManyConcurrentConnections() throws Exception {
    int clients = 8;
    int size = 200_000;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        long seed = i;
        results.add(
            pool.submit(() -> {
              byte[] sent = TestClient.randomBytes(size, seed);
              try (TestClient client = new TestClient(proxy)) {
                return java.util.Arrays.equals(client.roundTrip(sent), sent);
              }
            }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
      }
    }

    await().until(() -> proxy.bytesToClient() == (long) clients * size);
    assertThat(proxy.bytesToServer()).isEqualTo((long) clients * size);
    assertThat(proxy.acceptedConnections()).isEqualTo(clients);
    await().until(() -> proxy.openConnections() == 0);
  }

  @Test
  void shouldFlipExactlyTheByteAtTheOffsetCountedFromNow() throws Exception {
    try (TestClient client = new TestClient(proxy)) {
      client.roundTrip(TestClient.randomBytes(50, 1));

      CompletableFuture<Void> fired = proxy.flipByteToClient(10);
      assertThat(fired).isNotDone();
      byte[] sent = TestClient.randomBytes(100, 2);
      byte[] received = client.roundTrip(sent);

      assertThat(received).isEqualTo(flipped(sent, 10));
      fired.get(10, TimeUnit.SECONDS);
      assertThat(client.roundTrip(sent)).as("one-shot: later bytes are clean").isEqualTo(sent);
    }
  }

  @Test
  void shouldGiveAReconnectCleanBytesAfterAOneShotFault() throws Exception {
    byte[] sent = TestClient.randomBytes(100, 3);
    try (TestClient first = new TestClient(proxy)) {
      first.send(new byte[1]);
      first.read(1);
      CompletableFuture<Void> fired = proxy.flipByteToClient(500);
      first.roundTrip(sent);
      assertThat(fired).isNotDone();
    }
    try (TestClient second = new TestClient(proxy)) {
      assertThat(second.roundTrip(sent)).isEqualTo(sent);
      assertThat(second.roundTrip(TestClient.randomBytes(1_000, 4)))
          .isEqualTo(TestClient.randomBytes(1_000, 4));
    }
  }

  @Test
  void shouldApplyAOneShotFaultToTheMostRecentlyAcceptedConnection() throws Exception {
    byte[] sent = TestClient.randomBytes(30, 12);
    try (TestClient older = new TestClient(proxy)) {
      older.roundTrip(new byte[1]);
      try (TestClient newer = new TestClient(proxy)) {
        proxy.whenAccepted(2).get(10, TimeUnit.SECONDS);

        CompletableFuture<Void> fired = proxy.flipByteToClient(0);

        assertThat(older.roundTrip(sent)).isEqualTo(sent);
        assertThat(newer.roundTrip(sent)).isEqualTo(flipped(sent, 0));
        fired.get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void shouldFailAOneShotFaultWhoseConnectionClosesBeforeItFires() throws Exception {
    CompletableFuture<Void> fired;
    try (TestClient client = new TestClient(proxy)) {
      client.roundTrip(new byte[10]);
      fired = proxy.flipByteToClient(1_000);
    }

    assertThatThrownBy(() -> fired.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldApplyAOneShotFaultToTheNextConnectionWhenNoneIsOpen() throws Exception {
    CompletableFuture<Void> fired = proxy.flipByteToClient(3);
    byte[] sent = TestClient.randomBytes(20, 5);

    try (TestClient client = new TestClient(proxy)) {
      assertThat(client.roundTrip(sent)).isEqualTo(flipped(sent, 3));
    }
    fired.get(10, TimeUnit.SECONDS);
    try (TestClient client = new TestClient(proxy)) {
      assertThat(client.roundTrip(sent)).isEqualTo(sent);
    }
  }

  @Test
  void shouldApplyAnEveryConnectionFaultToEachNewConnectionUntilCleared() throws Exception {
    byte[] sent = TestClient.randomBytes(40, 6);
    CompletableFuture<Void> fired = proxy.flipByteToClient(5, Scope.EVERY_CONNECTION);

    for (int i = 0; i < 3; i++) {
      try (TestClient client = new TestClient(proxy)) {
        assertThat(client.roundTrip(sent)).isEqualTo(flipped(sent, 5));
        assertThat(client.roundTrip(sent)).as("once per connection").isEqualTo(sent);
      }
    }
    assertThat(fired).isCompleted();

    proxy.clearFaults();
    try (TestClient client = new TestClient(proxy)) {
      assertThat(client.roundTrip(sent)).isEqualTo(sent);
    }
  }

  @Test
  void shouldInsertBytesAtTheOffsetCountedFromNow() throws Exception {
    byte[] garbage = "GARBAGE".getBytes(StandardCharsets.US_ASCII);
    try (TestClient client = new TestClient(proxy)) {
      client.roundTrip(new byte[7]);
      CompletableFuture<Void> fired = proxy.injectToClient(20, garbage);
      byte[] sent = TestClient.randomBytes(100, 7);

      byte[] received = client.roundTrip(sent, garbage.length);

      byte[] expected = new byte[sent.length + garbage.length];
      System.arraycopy(sent, 0, expected, 0, 20);
      System.arraycopy(garbage, 0, expected, 20, garbage.length);
      System.arraycopy(sent, 20, expected, 20 + garbage.length, sent.length - 20);
      assertThat(received).isEqualTo(expected);
      fired.get(10, TimeUnit.SECONDS);
      await().until(() -> proxy.bytesToClient() == 107);
    }
  }

  @Test
  void shouldInjectAtOnceWhenNoBytesAreToBeWaitedFor() throws Exception {
    byte[] garbage = {(byte) 0xFE, 0x00, 0x17};
    try (TestClient client = new TestClient(proxy)) {
      client.roundTrip(new byte[3]);

      proxy.injectToClient(0, garbage).get(10, TimeUnit.SECONDS);

      assertThat(client.read(3)).isEqualTo(garbage);
    }
  }

  @Test
  void shouldForwardExactlyTheRequestedBytesThenCloseTheConnection() throws Exception {
    try (TestClient client = new TestClient(proxy)) {
      client.roundTrip(new byte[5]);
      CompletableFuture<Void> fired = proxy.truncateToClient(30);
      byte[] sent = TestClient.randomBytes(100, 8);

      client.send(sent);
      byte[] received = client.readToEnd();

      assertThat(received).isEqualTo(java.util.Arrays.copyOf(sent, 30));
      fired.get(10, TimeUnit.SECONDS);
    }
    await().until(() -> proxy.openConnections() == 0);
    try (TestClient next = new TestClient(proxy)) {
      assertThat(next.roundTrip(new byte[100])).hasSize(100);
    }
  }

  @Test
  void shouldCloseAtOnceWhenTruncatingAfterZeroBytes() throws Exception {
    try (TestClient client = new TestClient(proxy)) {
      client.roundTrip(new byte[5]);

      proxy.truncateToClient(0).get(10, TimeUnit.SECONDS);

      assertThat(client.readToEnd()).isEmpty();
    }
  }

  @Test
  void shouldResetEveryOpenConnectionAndStillAcceptNewOnes() throws Exception {
    try (TestClient first = new TestClient(proxy);
        TestClient second = new TestClient(proxy)) {
      first.roundTrip(new byte[10]);
      second.roundTrip(new byte[10]);

      assertThat(proxy.cutAll()).isEqualTo(2);

      for (TestClient cut : List.of(first, second)) {
        assertThatThrownBy(
                () -> {
                  cut.send(new byte[10]);
                  if (cut.read(10).length < 10) {
                    throw new IOException("end of stream");
                  }
                })
            .isInstanceOf(IOException.class);
      }
    }
    assertThat(proxy.openConnections()).isZero();
    try (TestClient fresh = new TestClient(proxy)) {
      byte[] sent = TestClient.randomBytes(64, 9);
      assertThat(fresh.roundTrip(sent)).isEqualTo(sent);
    }
  }

  @Test
  void shouldHoldBytesWhileBlackholedAndDeliverThemIntactAfterResume() throws Exception {
    try (TestClient client = new TestClient(proxy)) {
      client.roundTrip(new byte[10]);
      // the echo can reach the client before the proxy's upstream pump has counted the bytes
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.bytesToServer() == 10);
      long forwardedToServer = proxy.bytesToServer();

      proxy.blackhole();
      byte[] sent = TestClient.randomBytes(100, 10);
      client.send(sent);

      client.assertSilentFor(SILENCE);
      assertThat(proxy.bytesToServer()).isEqualTo(forwardedToServer);
      assertThat(proxy.openConnections()).isEqualTo(1);

      proxy.resume();
      assertThat(client.read(100)).isEqualTo(sent);
    }
  }

  @Test
  void shouldStallNewConnectionsWhileBlackholed() throws Exception {
    proxy.blackhole();
    try (TestClient client = new TestClient(proxy)) {
      byte[] sent = TestClient.randomBytes(10, 11);
      client.send(sent);
      client.assertSilentFor(SILENCE);

      proxy.resume();

      assertThat(client.read(10)).isEqualTo(sent);
    }
  }

  @Test
  void shouldCompleteWhenTheRequestedNumberOfConnectionsWasAccepted() throws Exception {
    CompletableFuture<Void> secondAccepted = proxy.whenAccepted(2);
    try (TestClient first = new TestClient(proxy)) {
      first.roundTrip(new byte[1]);
      assertThat(secondAccepted).isNotDone();
      try (TestClient second = new TestClient(proxy)) {
        secondAccepted.get(10, TimeUnit.SECONDS);
        assertThat(proxy.whenAccepted(1)).isCompleted();
        assertThat(second.roundTrip(new byte[1])).hasSize(1);
      }
    }
  }

  @Test
  void shouldCancelPendingFaultsWhenCleared() {
    CompletableFuture<Void> fired = proxy.flipByteToClient(10);

    proxy.clearFaults();

    assertThatThrownBy(() -> fired.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CancellationException.class);
  }

  @Test
  void shouldRejectANegativeOffset() {
    assertThatThrownBy(() -> proxy.flipByteToClient(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("afterBytes");
  }

  @Test
  void shouldReleaseThePortAndEndItsConnectionsOnClose() throws Exception {
    TestClient client = new TestClient(proxy);
    client.roundTrip(new byte[10]);
    int port = proxy.port();

    proxy.close();

    assertThat(client.readToEnd()).isEmpty();
    client.close();
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
              }
            })
        .isInstanceOf(ConnectException.class);
    proxy.close(); // idempotent
  }

  @Test
  void shouldResetClientsWhenTheTargetRefusesConnections() throws Exception {
    // a bound socket that does not listen: connections to its port are refused, and no other
    // socket (not even the proxy's own, by a TCP self-connect) can take the port meanwhile
    try (Socket notListening = new Socket()) {
      notListening.bind(new InetSocketAddress("127.0.0.1", 0));
      try (FaultProxy refused = FaultProxy.start("127.0.0.1", notListening.getLocalPort())) {

        // the reset may already hit the set-up of the client socket, or only its first read
        assertThatThrownBy(
                () -> {
                  try (TestClient client = new TestClient(refused)) {
                    client.send(new byte[1]);
                    if (client.read(1).length == 0) {
                      throw new IOException("end of stream");
                    }
                  }
                })
            .isInstanceOf(IOException.class);
        assertThat(refused.openConnections()).isZero();
      }
    }
  }
}
