package dev.hamal.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/**
 * A blocking client for proxy tests. Every read has a timeout (10 s by default) so a broken proxy
 * fails the test instead of hanging it; {@link #assertSilentFor} uses a short one to prove that
 * nothing arrives.
 */
final class TestClient implements AutoCloseable {

  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final InputStream in;

  TestClient(FaultProxy proxy) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), 5_000);
    socket.setTcpNoDelay(true);
    socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    in = socket.getInputStream();
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  byte[] read(int n) throws IOException {
    return in.readNBytes(n);
  }

  /** Sends the bytes and reads back as many (plus {@code extra}) from the echo behind the proxy. */
  byte[] roundTrip(byte[] bytes, int extra) throws IOException {
    send(bytes);
    byte[] back = read(bytes.length + extra);
    if (back.length != bytes.length + extra) {
      throw new IOException(
          "end of stream after " + back.length + " of " + (bytes.length + extra) + " bytes");
    }
    return back;
  }

  byte[] roundTrip(byte[] bytes) throws IOException {
    return roundTrip(bytes, 0);
  }

  /** Everything until end of stream. */
  byte[] readToEnd() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    return all.toByteArray();
  }

  /** Throws unless the read times out (no byte arrives and the stream does not end). */
  void assertSilentFor(Duration duration) throws IOException {
    socket.setSoTimeout((int) duration.toMillis());
    try {
      int b = in.read();
      throw new AssertionError("expected silence, got " + (b < 0 ? "end of stream" : "a byte"));
    } catch (java.net.SocketTimeoutException expected) {
      // silence, as expected
    } finally {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    }
  }

  static int differingIndex(byte[] a, byte[] b) {
    return Arrays.mismatch(a, b);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
