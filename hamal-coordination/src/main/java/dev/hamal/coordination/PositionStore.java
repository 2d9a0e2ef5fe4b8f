package dev.hamal.coordination;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/**
 * Committed positions, one per pipe, written only under a valid ownership.
 *
 * <p><b>Fencing.</b> A commit is one ZooKeeper {@code multi}: {@code check} that the epoch node's
 * version still equals the token's epoch, {@code check} that the owner node exists, and {@code
 * setData} of the position. A claim, a reset and a removal all bump the epoch, and the owner node
 * is ephemeral, so a writer whose session expired (a paused or partitioned old owner) or whose
 * epoch was superseded fails with {@link FencedException} and nothing is written. Thread-safe.
 */
public final class PositionStore {
  private final Zk zk;

  PositionStore(Zk zk) {
    this.zk = zk;
  }

  /**
   * The committed position of a pipe; empty when nothing was committed since the pipe was added or
   * reset.
   *
   * @throws PipeNotFoundException when no such pipe is defined
   */
  public Optional<PipePosition> read(String pipe) {
    return zk.read(Layout.position(pipe), Stored.Position.class)
        .orElseThrow(() -> new PipeNotFoundException(pipe))
        .value()
        .toPosition();
  }

  /**
   * Commits a position under an ownership.
   *
   * @throws FencedException when the token's epoch is no longer current or its owner node is gone
   * @throws CoordinationException when ZooKeeper could not be reached; the outcome is then unknown
   *     and the next commit overwrites it
   */
  public void commit(OwnershipToken token, PipePosition position) {
    commit(token, position, null);
  }

  void commit(OwnershipToken token, PipePosition position, String instance) {
    List<CuratorOp> ops = guard(token);
    ops.add(
        zk.unchecked(
            "prepare commit",
            () ->
                zk.op()
                    .setData()
                    .forPath(
                        Layout.position(token.pipe()),
                        zk.encode(Stored.Position.committed(position, token, instance)))));
    fenced(token, "commit position " + position, ops);
  }

  /** The checks every fenced write starts with. */
  List<CuratorOp> guard(OwnershipToken token) {
    List<CuratorOp> ops = new ArrayList<>();
    ops.add(
        zk.unchecked(
            "prepare fence",
            () ->
                zk.op()
                    .check()
                    .withVersion(Math.toIntExact(token.epoch()))
                    .forPath(Layout.epoch(token.pipe()))));
    ops.add(
        zk.unchecked(
            "prepare fence",
            () -> zk.op().check().withVersion(0).forPath(Layout.owner(token.pipe()))));
    return ops;
  }

  /** Runs a guarded transaction; a failed guard becomes a {@link FencedException}. */
  void fenced(OwnershipToken token, String what, List<CuratorOp> ops) {
    try {
      zk.transaction(what + " for " + token, ops);
    } catch (KeeperException.BadVersionException e) {
      throw new FencedException(
          "pipe "
              + token.pipe()
              + ": epoch "
              + token.epoch()
              + " is no longer current (another owner claimed it, or it was reset); refused to "
              + what,
          e);
    } catch (KeeperException.NoNodeException e) {
      throw new FencedException(
          "pipe "
              + token.pipe()
              + ": the owner node of epoch "
              + token.epoch()
              + " is gone (session expired, released, failed or removed); refused to "
              + what,
          e);
    } catch (KeeperException e) {
      throw Zk.failure(what + " for " + token, e);
    }
  }
}
