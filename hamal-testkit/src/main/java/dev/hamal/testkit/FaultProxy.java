package dev.hamal.testkit;

import dev.hamal.embedded.MariaDbServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on a free loopback port in front of one target, for fault tests: it forwards bytes
 * both ways for any number of connections and, on request, breaks the server-to-client stream in
 * precise, repeatable ways.
 *
 * <p><b>Faults.</b> {@link #cutAll()} resets every open connection (RST). {@link #blackhole()}
 * stops forwarding in both directions without closing anything, as a dead network path would;
 * {@link #resume()} continues with every byte intact. The byte faults act on the bytes the server
 * sends, at an offset counted from the moment the fault is armed: {@link #flipByteToClient} XORs
 * one byte with {@code 0x01} (a CRC32 mismatch), {@link #injectToClient} inserts bytes, {@link
 * #truncateToClient} forwards exactly that many more bytes and then closes the connection. Each
 * returns a future that completes when the fault has been applied (the bytes written, the
 * connection closed), so tests wait for it instead of sleeping.
 *
 * <p><b>Which connection.</b> With {@link Scope#CURRENT_CONNECTION} (the default) a byte fault
 * applies once, to the most recently accepted open connection, or to the next connection when none
 * is open (counting from its first byte); a reconnect therefore gets clean bytes. If that
 * connection closes before the fault fires, the future fails with {@link IllegalStateException}.
 * With {@link Scope#EVERY_CONNECTION} it applies to the current connection and to every later one
 * (counting from each one's first byte) until {@link #clearFaults()}; its future completes at the
 * first application.
 *
 * <p><b>Invariants.</b> Offsets and counters count the target's bytes, never injected ones. A fault
 * at offset {@code n} changes the stream exactly at byte {@code n}; bytes before it pass unchanged.
 * At most one read buffer (64 KiB) per direction and connection is held while blackholed.
 *
 * <p><b>Threading.</b> Every method is thread-safe. Each connection has two virtual threads (one
 * per direction) plus one that connects to the target; one lock guards faults, offsets and the
 * blackhole flag, and a per-connection write lock orders injected bytes with forwarded ones.
 *
 * <p><b>Failure.</b> A target that refuses the connection makes the proxy reset the client
 * connection. An I/O error on either side closes that connection only. {@link #close()} closes the
 * listening socket and every connection, fails pending fault futures, and waits for its threads to
 * end.
 */
public final class FaultProxy implements AutoCloseable {

  /** Which connections a byte fault applies to. */
  public enum Scope {
    /** Once, to the current connection (or the next one when none is open). */
    CURRENT_CONNECTION,
    /** To the current connection and to every later connection, until {@link #clearFaults()}. */
    EVERY_CONNECTION
  }

  private enum Kind {
    FLIP,
    INJECT,
    TRUNCATE
  }

  private static final String HOST = "127.0.0.1";
  private static final int BUFFER_BYTES = 64 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong bytesToClient = new AtomicLong();
  private final AtomicLong bytesToServer = new AtomicLong();
  private final AtomicLong acceptedConnections = new AtomicLong();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition gateChanged = lock.newCondition();
  // guarded by lock
  private final List<Link> links = new ArrayList<>();
  private final List<Fault> forNextConnection = new ArrayList<>();
  private final List<Fault> forEveryConnection = new ArrayList<>();
  private final List<AcceptWaiter> acceptWaiters = new ArrayList<>();
  private boolean blackholed;
  private long nextLinkId = 1;

  private FaultProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0), 50);
    spawn("fault-proxy-" + listener.getLocalPort() + "-accept", this::acceptLoop);
  }

  /** A proxy in front of {@code targetHost:targetPort}, listening on a free loopback port. */
  public static FaultProxy start(String targetHost, int targetPort) {
    Objects.requireNonNull(targetHost, "targetHost");
    if (targetPort < 1 || targetPort > 65_535) {
      throw new IllegalArgumentException("targetPort must be 1-65535, was " + targetPort);
    }
    try {
      return new FaultProxy(new InetSocketAddress(targetHost, targetPort));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a listening socket on " + HOST, e);
    }
  }

  /** A proxy in front of a MariaDB server. */
  public static FaultProxy start(MariaDbServer server) {
    return start(server.host(), server.port());
  }

  /** Always {@code 127.0.0.1}. */
  public String host() {
    return HOST;
  }

  /** The port clients connect to instead of the target's. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Bytes forwarded from the target to clients, over all connections (injected ones excluded). */
  public long bytesToClient() {
    return bytesToClient.get();
  }

  /** Bytes forwarded from clients to the target, over all connections. */
  public long bytesToServer() {
    return bytesToServer.get();
  }

  /**
   * Client connections accepted so far, each counted once it is connected to the target (and so the
   * current connection for new faults) or was refused by it.
   */
  public long acceptedConnections() {
    return acceptedConnections.get();
  }

  /** Connections currently open through the proxy. */
  public int openConnections() {
    lock.lock();
    try {
      return links.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Completes once at least {@code count} client connections have been accepted in total (see
   * {@link #acceptedConnections()}): after a reconnect, a fault armed then applies to the new one.
   */
  public CompletableFuture<Void> whenAccepted(long count) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    lock.lock();
    try {
      if (acceptedConnections.get() >= count) {
        future.complete(null);
      } else {
        acceptWaiters.add(new AcceptWaiter(count, future));
      }
    } finally {
      lock.unlock();
    }
    return future.copy();
  }

  /** Resets every open connection (the client sees a connection reset); returns how many. */
  public int cutAll() {
    List<Link> open;
    lock.lock();
    try {
      open = List.copyOf(links);
    } finally {
      lock.unlock();
    }
    open.forEach(link -> link.close(true));
    return open.size();
  }

  /**
   * Stops forwarding in both directions, for open and new connections, without closing anything:
   * clients see silence. Bytes stay queued until {@link #resume()}.
   */
  public void blackhole() {
    lock.lock();
    try {
      blackholed = true;
    } finally {
      lock.unlock();
    }
  }

  /** Forwards again after {@link #blackhole()}, with every held byte intact. */
  public void resume() {
    lock.lock();
    try {
      blackholed = false;
      gateChanged.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether forwarding is stopped by {@link #blackhole()}. */
  public boolean isBlackholed() {
    lock.lock();
    try {
      return blackholed;
    } finally {
      lock.unlock();
    }
  }

  /** XORs with 0x01 the target's byte {@code afterBytes} from now, on the current connection. */
  public CompletableFuture<Void> flipByteToClient(long afterBytes) {
    return flipByteToClient(afterBytes, Scope.CURRENT_CONNECTION);
  }

  /** XORs with 0x01 the target's byte {@code afterBytes} from now (see {@link Scope}). */
  public CompletableFuture<Void> flipByteToClient(long afterBytes, Scope scope) {
    return arm(new Fault(Kind.FLIP, afterBytes, new byte[0], scope));
  }

  /**
   * Inserts {@code garbage} before the target's byte {@code afterBytes} from now, on the current
   * connection; with 0 the bytes are written at once.
   */
  public CompletableFuture<Void> injectToClient(long afterBytes, byte[] garbage) {
    return injectToClient(afterBytes, garbage, Scope.CURRENT_CONNECTION);
  }

  /** Inserts {@code garbage} before the target's byte {@code afterBytes} from now. */
  public CompletableFuture<Void> injectToClient(long afterBytes, byte[] garbage, Scope scope) {
    Objects.requireNonNull(garbage, "garbage");
    if (garbage.length == 0) {
      throw new IllegalArgumentException("garbage must not be empty");
    }
    return arm(new Fault(Kind.INJECT, afterBytes, garbage.clone(), scope));
  }

  /**
   * Forwards exactly {@code afterBytes} more bytes of the target to the client, then closes the
   * current connection (a clean close, so the client sees end-of-stream mid-packet).
   */
  public CompletableFuture<Void> truncateToClient(long afterBytes) {
    return truncateToClient(afterBytes, Scope.CURRENT_CONNECTION);
  }

  /** Forwards exactly {@code afterBytes} more bytes, then closes the connection. */
  public CompletableFuture<Void> truncateToClient(long afterBytes, Scope scope) {
    return arm(new Fault(Kind.TRUNCATE, afterBytes, new byte[0], scope));
  }

  /** Disarms every fault that has not fired yet; their futures fail with a cancellation. */
  public void clearFaults() {
    List<Fault> dropped = new ArrayList<>();
    lock.lock();
    try {
      dropped.addAll(forNextConnection);
      dropped.addAll(forEveryConnection);
      forNextConnection.clear();
      forEveryConnection.clear();
      for (Link link : links) {
        link.armed.forEach(a -> dropped.add(a.fault));
        link.armed.clear();
      }
    } finally {
      lock.unlock();
    }
    dropped.forEach(f -> f.fired.cancel(false));
  }

  /** Closes the listening socket and every connection; waits for the proxy's threads to end. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    List<Link> open;
    lock.lock();
    try {
      open = List.copyOf(links);
      gateChanged.signalAll();
    } finally {
      lock.unlock();
    }
    open.forEach(link -> link.close(false));
    clearFaults();
    lock.lock();
    try {
      acceptWaiters.forEach(w -> w.future.cancel(false));
      acceptWaiters.clear();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
    for (Thread thread : List.copyOf(threads)) {
      try {
        thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FaultProxy{" + HOST + ":" + port() + " -> " + target + "}";
  }

  // ---- arming -------------------------------------------------------------------------------

  private CompletableFuture<Void> arm(Fault fault) {
    if (fault.afterBytes < 0) {
      throw new IllegalArgumentException("afterBytes must be at least 0, was " + fault.afterBytes);
    }
    Objects.requireNonNull(fault.scope, "scope");
    if (closed.get()) {
      throw new IllegalStateException(this + " is closed");
    }
    Link current;
    lock.lock();
    try {
      current = links.stream().max(Comparator.comparingLong(l -> l.id)).orElse(null);
      if (fault.scope == Scope.EVERY_CONNECTION) {
        forEveryConnection.add(fault);
      } else if (current == null) {
        forNextConnection.add(fault);
      }
    } finally {
      lock.unlock();
    }
    if (current != null) {
      current.armFromNow(fault);
    }
    return fault.fired.copy();
  }

  // ---- connections ------------------------------------------------------------------------

  private void acceptLoop() {
    while (!closed.get()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      long id;
      lock.lock();
      try {
        id = nextLinkId++;
      } finally {
        lock.unlock();
      }
      spawn(threadName(id, "connect"), () -> connect(id, client));
    }
  }

  /** Counts a client connection once it is proxied (or refused by the target). */
  private void countAccepted() {
    completeAcceptWaiters(acceptedConnections.incrementAndGet());
  }

  private void completeAcceptWaiters(long accepted) {
    List<AcceptWaiter> done = new ArrayList<>();
    lock.lock();
    try {
      acceptWaiters.removeIf(w -> {
        if (w.count <= accepted) {
          done.add(w);
          return true;
        }
        return false;
      });
    } finally {
      lock.unlock();
    }
    done.forEach(w -> w.future.complete(null));
  }

  private void connect(long id, Socket client) {
    Socket server = new Socket();
    try {
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      server.connect(target, CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      reset(client);
      closeQuietly(server);
      countAccepted();
      return;
    }
    Link link = new Link(id, client, server);
    lock.lock();
    try {
      if (closed.get()) {
        link.closed.set(true);
      } else {
        links.add(link);
        for (Fault fault : forNextConnection) {
          link.armed.add(new Armed(fault, fault.afterBytes));
        }
        forNextConnection.clear();
        for (Fault fault : forEveryConnection) {
          link.armed.add(new Armed(fault, fault.afterBytes));
        }
      }
    } finally {
      lock.unlock();
    }
    countAccepted();
    if (link.closed.get()) {
      closeQuietly(client);
      closeQuietly(server);
      return;
    }
    spawn(threadName(id, "up"), link::pumpToServer);
    link.pumpToClient();
  }

  /** Starts a virtual thread that {@link #close()} waits for; it forgets itself when done. */
  private Thread spawn(String name, Runnable body) {
    Thread thread =
        Thread.ofVirtual()
            .name(name)
            .unstarted(() -> {
              try {
                body.run();
              } finally {
                threads.remove(Thread.currentThread());
              }
            });
    threads.add(thread);
    thread.start();
    return thread;
  }

  private String threadName(long id, String role) {
    return "fault-proxy-" + port() + "-" + id + "-" + role;
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // closing anyway
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }

  /** Waits while blackholed; false when the connection or the proxy closed meanwhile. */
  private boolean awaitGate(Link link) {
    lock.lock();
    try {
      while (blackholed && !link.closed.get() && !closed.get()) {
        gateChanged.awaitUninterruptibly();
      }
      return !link.closed.get();
    } finally {
      lock.unlock();
    }
  }

  /** A fault as requested; one instance per call, shared by every connection it applies to. */
  private static final class Fault {
    final Kind kind;
    final long afterBytes;
    final byte[] garbage;
    final Scope scope;
    final CompletableFuture<Void> fired = new CompletableFuture<>();

    Fault(Kind kind, long afterBytes, byte[] garbage, Scope scope) {
      this.kind = kind;
      this.afterBytes = afterBytes;
      this.garbage = garbage;
      this.scope = scope;
    }
  }

  /** A fault bound to one connection at an absolute offset of the target's bytes. */
  private record Armed(Fault fault, long offset) {}

  private record AcceptWaiter(long count, CompletableFuture<Void> future) {}

  /** One proxied connection. */
  private final class Link {
    final long id;
    final Socket client;
    final Socket server;
    final AtomicBoolean closed = new AtomicBoolean();

    /** Orders writes to the client: forwarded chunks and immediately injected bytes. */
    final ReentrantLock clientWrite = new ReentrantLock();

    // guarded by FaultProxy.lock
    final List<Armed> armed = new ArrayList<>();
    long toClientOffset;

    Link(long id, Socket client, Socket server) {
      this.id = id;
      this.client = client;
      this.server = server;
    }

    void armFromNow(Fault fault) {
      boolean immediate;
      clientWrite.lock();
      try {
        lock.lock();
        try {
          if (closed.get()) {
            immediate = false;
            if (fault.scope == Scope.CURRENT_CONNECTION) {
              fault.fired.completeExceptionally(
                  new IllegalStateException("connection #" + id + " closed before the fault"));
            }
          } else {
            immediate = fault.afterBytes == 0 && fault.kind != Kind.FLIP;
            if (!immediate) {
              armed.add(new Armed(fault, toClientOffset + fault.afterBytes));
            }
          }
        } finally {
          lock.unlock();
        }
        if (immediate) {
          try {
            if (fault.kind == Kind.INJECT) {
              OutputStream out = client.getOutputStream();
              out.write(fault.garbage);
              out.flush();
            } else {
              close(false);
            }
            fault.fired.complete(null);
          } catch (IOException e) {
            fault.fired.completeExceptionally(e);
            close(false);
          }
        }
      } finally {
        clientWrite.unlock();
      }
    }

    void pumpToServer() {
      byte[] buffer = new byte[BUFFER_BYTES];
      try (InputStream in = client.getInputStream();
          OutputStream out = server.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (!awaitGate(this)) {
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
          bytesToServer.addAndGet(n);
        }
      } catch (IOException e) {
        // either side went away
      } finally {
        close(false);
      }
    }

    void pumpToClient() {
      byte[] buffer = new byte[BUFFER_BYTES];
      try (InputStream in = server.getInputStream()) {
        OutputStream out = client.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (!awaitGate(this) || !forwardToClient(out, buffer, n)) {
            return;
          }
        }
      } catch (IOException e) {
        // either side went away
      } finally {
        close(false);
      }
    }

    /** Writes one chunk, applying the faults that fall into it; false once truncated. */
    private boolean forwardToClient(OutputStream out, byte[] buffer, int n) throws IOException {
      clientWrite.lock();
      try {
        long start;
        List<Armed> due = new ArrayList<>();
        lock.lock();
        try {
          if (closed.get()) {
            return false;
          }
          start = toClientOffset;
          // a flip needs its byte in this chunk; an insert or a cut may sit right after it
          armed.removeIf(a -> {
            long end = a.fault.kind == Kind.FLIP ? start + n - 1 : start + n;
            if (a.offset <= end) {
              due.add(a);
              return true;
            }
            return false;
          });
          toClientOffset = start + n;
        } finally {
          lock.unlock();
        }
        due.sort(Comparator.comparingLong(Armed::offset));
        int written = 0;
        for (Armed a : due) {
          int at = (int) (a.offset - start);
          switch (a.fault.kind) {
            case FLIP -> buffer[at] ^= 0x01;
            case INJECT -> {
              out.write(buffer, written, at - written);
              bytesToClient.addAndGet(at - written);
              written = at;
              out.write(a.fault.garbage);
            }
            case TRUNCATE -> {
              out.write(buffer, written, at - written);
              out.flush();
              bytesToClient.addAndGet(at - written);
              close(false);
              completeAll(due);
              return false;
            }
          }
        }
        out.write(buffer, written, n - written);
        out.flush();
        bytesToClient.addAndGet(n - written);
        completeAll(due);
        return true;
      } finally {
        clientWrite.unlock();
      }
    }

    private void completeAll(List<Armed> due) {
      due.forEach(a -> a.fault.fired.complete(null));
    }

    /** Closes both sockets (with a reset towards the client when asked); idempotent. */
    void close(boolean resetClient) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      if (resetClient) {
        reset(client);
      } else {
        closeQuietly(client);
      }
      closeQuietly(server);
      List<Armed> unfired;
      lock.lock();
      try {
        links.remove(this);
        unfired = List.copyOf(armed);
        armed.clear();
        gateChanged.signalAll();
      } finally {
        lock.unlock();
      }
      for (Armed a : unfired) {
        if (a.fault.scope == Scope.CURRENT_CONNECTION) {
          a.fault.fired.completeExceptionally(
              new IllegalStateException(
                  "connection #"
                      + id
                      + " closed before the "
                      + a.fault.kind.name().toLowerCase(java.util.Locale.ROOT)
                      + " at byte "
                      + a.offset
                      + " of the target's stream fired"));
        }
      }
    }

    @Override
    public String toString() {
      return "connection #" + id + " " + Arrays.asList(client, server);
    }
  }
}
