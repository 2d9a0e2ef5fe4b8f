package dev.hamal.listener;

import dev.hamal.binlog.Checkpoint;

/**
 * Where a pipe's committed checkpoints go. In a cluster this is the pipe's position node in
 * ZooKeeper, written conditionally on the owner's epoch: an implementation throws when the caller
 * is no longer the owner, and the pipe stops.
 */
@FunctionalInterface
public interface CheckpointStore {
  /** Records that everything before {@code checkpoint} was durably handled. */
  void commit(Checkpoint checkpoint);
}
