package dev.hamal.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports for embedded servers: free ones, and whether one is free or accepting. */
final class Ports {

  static final String HOST = "127.0.0.1";

  private Ports() {}

  /** A port nobody listens on now; another process may still take it before the server binds. */
  static int free() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0), 1);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + HOST, e);
    }
  }

  /** Whether a server could bind the port now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether something accepts connections on the port, trying for at most {@code timeoutMs}. */
  static boolean accepts(int port, int timeoutMs) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getByName(HOST), port), timeoutMs);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
