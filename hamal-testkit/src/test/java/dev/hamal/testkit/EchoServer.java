package dev.hamal.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A loopback TCP server that writes back every byte it reads, on any number of connections. */
final class EchoServer implements AutoCloseable {

  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

  EchoServer() throws IOException {
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    Thread.ofVirtual().name("echo-accept").start(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (true) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException closed) {
        return;
      }
      sockets.add(socket);
      Thread.ofVirtual().name("echo-" + socket.getPort()).start(() -> echo(socket));
    }
  }

  private void echo(Socket socket) {
    byte[] buffer = new byte[8192];
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException gone) {
      // the peer went away
    } finally {
      sockets.remove(socket);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
