package dev.hamal.coordination;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The live listener instances: one ephemeral node each under {@code /instances}, gone when the
 * instance's session ends. Registration happens through {@link InstanceCoordinator}; anyone can
 * list. Thread-safe.
 */
public final class ClusterMembership {
  private final Zk zk;

  ClusterMembership(Zk zk) {
    this.zk = zk;
  }

  /** The live instances, by id. */
  public List<InstanceInfo> members() {
    List<InstanceInfo> members = new ArrayList<>();
    for (String id : zk.children(Layout.INSTANCES)) {
      member(id).ifPresent(members::add);
    }
    members.sort(Comparator.comparing(InstanceInfo::id));
    return members;
  }

  /** One live instance. */
  public Optional<InstanceInfo> member(String id) {
    return zk.read(Layout.instance(id), Stored.Instance.class).map(n -> n.value().toInfo());
  }

  /**
   * The id of the instance that leads (computes assignments), if any: the participant of the leader
   * latch with the lowest sequence number.
   */
  public Optional<String> leader() {
    List<String> nodes = new ArrayList<>(zk.children(Layout.LEADER));
    nodes.sort(Comparator.comparing(n -> n.substring(n.lastIndexOf('-') + 1)));
    for (String node : nodes) {
      try {
        byte[] id =
            zk.call(
                "read the leader", () -> zk.client().getData().forPath(Layout.LEADER + "/" + node));
        return Optional.of(new String(id, java.nio.charset.StandardCharsets.UTF_8));
      } catch (KeeperException e) {
        // that participant just left; try the next one
      }
    }
    return Optional.empty();
  }

  /**
   * Creates this instance's ephemeral node, or confirms it exists under this session.
   *
   * @return false when the node still belongs to this instance's previous, expired session (the
   *     server has not deleted it yet): try again later
   * @throws CoordinationException when another live instance holds the same id
   */
  boolean register(InstanceInfo self) {
    String path = Layout.instance(self.id());
    Stored.Instance mine = Stored.Instance.of(self);
    byte[] data = zk.encode(mine);
    try {
      zk.call(
          "register instance " + self.id(),
          () -> zk.client().create().withMode(CreateMode.EPHEMERAL).forPath(path, data));
      return true;
    } catch (KeeperException.NodeExistsException e) {
      Optional<Zk.Node<Stored.Instance>> existing = zk.read(path, Stored.Instance.class);
      if (existing.isEmpty()) {
        return register(self);
      }
      if (existing.get().stat().getEphemeralOwner() == zk.sessionId()) {
        return true;
      }
      Stored.Instance other = existing.get().value();
      if (other.equals(mine)) {
        return false;
      }
      throw new CoordinationException(
          "instance id '"
              + self.id()
              + "' is already registered by a live instance on "
              + other.host()
              + " (pid "
              + other.pid()
              + "); give every instance its own id");
    } catch (KeeperException e) {
      throw Zk.failure("register instance " + self.id(), e);
    }
  }

  /** Deletes this instance's node if this session holds it. */
  void deregister(String id) {
    Optional<Zk.Node<Stored.Instance>> existing =
        zk.read(Layout.instance(id), Stored.Instance.class);
    if (existing.isEmpty() || existing.get().stat().getEphemeralOwner() != zk.sessionId()) {
      return;
    }
    try {
      zk.call(
          "deregister instance " + id,
          () ->
              zk.client()
                  .delete()
                  .withVersion(existing.get().stat().getVersion())
                  .forPath(Layout.instance(id)));
    } catch (KeeperException e) {
      // already gone
    }
  }
}
