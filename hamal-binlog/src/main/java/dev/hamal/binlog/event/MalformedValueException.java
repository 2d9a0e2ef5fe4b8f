package dev.hamal.binlog.event;

/**
 * The bytes of one column value are not what the server could have written: a decimal digit group
 * out of range, a JSON offset pointing outside its document, a length longer than the value. The
 * value codecs throw nothing else, whatever bytes they are given; the row decoder turns this into a
 * {@link dev.hamal.binlog.CorruptEventException} that names the event and the column.
 *
 * <p>It carries a message only: no cause and no stack trace, because it describes the input, not
 * the code path, and filling a stack trace would dominate the cost of rejecting a value.
 */
public final class MalformedValueException extends RuntimeException {
  public MalformedValueException(String message) {
    super(message, null, false, false);
  }
}
