package dev.hamal.order;

/**
 * The unified life-cycle state of an order. Every business line maps its own status codes onto
 * these values (see {@code fields.status.codes} in a business-line file); a code that is not mapped
 * is a {@link MappingException}, never a guess.
 */
public enum OrderStatus {
  /** Placed, waiting for payment. */
  CREATED,
  /** Paid, not yet handed to the supplier. */
  PAID,
  /** Handed to the supplier (carrier, oil company, airline, game publisher). */
  FULFILLING,
  /** Delivered. */
  SUCCEEDED,
  /** The supplier failed to deliver. */
  FAILED,
  /** Cancelled by the user or the merchant. */
  CANCELLED,
  /** A refund was requested and is on its way. */
  REFUNDING,
  /** The money is back with the user. */
  REFUNDED,
  /** Closed without payment (timed out) or otherwise finished with no further change expected. */
  CLOSED
}
