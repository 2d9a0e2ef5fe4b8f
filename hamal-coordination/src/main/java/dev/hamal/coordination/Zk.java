package dev.hamal.coordination;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.TransactionOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The one place that calls Curator for reads, writes and transactions, and turns its checked
 * exceptions into this module's: a {@link KeeperException} that states a rule (no node, node
 * exists, bad version) reaches the caller, which decides what it means; a connection loss, an
 * expired session, a timeout or an interrupt becomes a {@link CoordinationException} (the interrupt
 * flag restored). Thread-safe: Curator is.
 */
final class Zk {
  private final CuratorFramework client;
  private final ObjectMapper mapper;
  private final Clock clock;

  Zk(CuratorFramework client, Clock clock) {
    this.client = client;
    this.clock = clock;
    this.mapper =
        new ObjectMapper()
            .setDefaultPropertyInclusion(
                JsonInclude.Value.construct(
                    JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  record Node<T>(T value, Stat stat) {}

  @FunctionalInterface
  interface Call<T> {
    T call() throws Exception;
  }

  CuratorFramework client() {
    return client;
  }

  Clock clock() {
    return clock;
  }

  TransactionOp op() {
    return client.transactionOp();
  }

  long sessionId() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      throw failure("read the session id", e);
    }
  }

  /** Runs a Curator call; rule violations pass through as {@link KeeperException}. */
  <T> T call(String what, Call<T> call) throws KeeperException {
    try {
      return call.call();
    } catch (KeeperException.ConnectionLossException
        | KeeperException.SessionExpiredException
        | KeeperException.OperationTimeoutException
        | KeeperException.SessionMovedException e) {
      throw failure(what, e);
    } catch (KeeperException e) {
      throw e;
    } catch (Exception e) {
      throw failure(what, e);
    }
  }

  /** Like {@link #call} for calls whose rule violations are already handled. */
  <T> T unchecked(String what, Call<T> call) {
    try {
      return call(what, call);
    } catch (KeeperException e) {
      throw failure(what, e);
    }
  }

  static CoordinationException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new CoordinationException("interrupted while trying to " + what, e);
    }
    if (e instanceof CoordinationException c) {
      return c;
    }
    return new CoordinationException("could not " + what + ": " + e, e);
  }

  void transaction(String what, List<CuratorOp> ops) throws KeeperException {
    call(what, () -> client.transaction().forOperations(ops));
  }

  <T extends Stored.Versioned> Optional<Node<T>> read(String path, Class<T> type) {
    Stat stat = new Stat();
    byte[] data;
    try {
      data = call("read " + path, () -> client.getData().storingStatIn(stat).forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return Optional.empty();
    } catch (KeeperException e) {
      throw failure("read " + path, e);
    }
    return Optional.of(new Node<>(decode(path, data, type), stat));
  }

  List<String> children(String path) {
    try {
      return call("list " + path, () -> client.getChildren().forPath(path));
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    } catch (KeeperException e) {
      throw failure("list " + path, e);
    }
  }

  boolean exists(String path) {
    return unchecked("check " + path, () -> client.checkExists().forPath(path)) != null;
  }

  byte[] encode(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new CoordinationException("could not encode " + value, e);
    }
  }

  <T extends Stored.Versioned> T decode(String path, byte[] data, Class<T> type) {
    T value;
    try {
      value = mapper.readValue(data, type);
    } catch (IOException | RuntimeException e) {
      throw new CoordinationException(
          "znode " + path + " does not hold a readable " + type.getSimpleName() + ": " + e, e);
    }
    if (value.format() > Stored.FORMAT) {
      throw new CoordinationException(
          "znode "
              + path
              + " was written in format "
              + value.format()
              + " by a newer Hamal; this one reads up to format "
              + Stored.FORMAT);
    }
    return value;
  }
}
