/**
 * Instances, pipes, ownership with epochs and fenced positions in ZooKeeper (the only Curator
 * user).
 */
package dev.hamal.coordination;
