package dev.hamal.binlog;

/**
 * Work done on every row change right after it is decoded, on the decode worker that decoded it,
 * while its values are still in that core's cache: mapping a source row to another model,
 * filtering, hashing. The result travels with the change ({@link RowChange#mapped()}) to the
 * handler, which still receives changes in binlog order.
 *
 * <p>Called concurrently for rows of different batches: implementations must be thread-safe
 * (typically stateless). An exception thrown here reaches the caller of {@link BinlogStream#run}
 * unchanged, when the stream gets to that row, exactly as if the handler had thrown it.
 */
@FunctionalInterface
public interface RowMapper {
  /**
   * @return the result to attach to the change; {@code null} attaches nothing
   */
  Object map(RowChange change);
}
