package dev.hamal.reconcile;

import java.io.Serial;

/**
 * A reconciliation could not be completed: the source database cannot be read, a table does not fit
 * the business line's mapping, or Kafka did not acknowledge a repair. Differences between source
 * and stores are never exceptions; they are the report.
 */
public final class ReconcileException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  ReconcileException(String message) {
    super(message);
  }

  ReconcileException(String message, Throwable cause) {
    super(message, cause);
  }
}
