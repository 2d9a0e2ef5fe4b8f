package dev.hamal.app;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life-cycle states the simulator drives orders through, in Hamal's unified vocabulary. Each
 * {@link ProductLine} stores them in its own codes ({@link ProductLine#statusCode}).
 *
 * <pre>
 *   CREATED ──▶ PAID ──▶ FULFILLING ──▶ SUCCEEDED ──▶ REFUNDING ──▶ REFUNDED
 *      │                      │                          ▲
 *      ▼                      └──────▶ FAILED ───────────┘
 *   CLOSED (never paid)
 * </pre>
 */
public enum OrderStatus {
  /** Placed, waiting for payment. */
  CREATED,
  /** Paid, not yet handed to the supplier. */
  PAID,
  /** Handed to the supplier (carrier, oil company, airline, game publisher). */
  FULFILLING,
  /** Delivered: topped up, tickets issued, card codes sent. */
  SUCCEEDED,
  /** The supplier gave up; the money has to go back. */
  FAILED,
  /** A refund was requested and is on its way. */
  REFUNDING,
  /** The money is back with the user; terminal. */
  REFUNDED,
  /** Never paid and timed out; terminal. */
  CLOSED;

  /** The states an order in this state may move to next; empty for terminal states. */
  public Set<OrderStatus> successors() {
    return switch (this) {
      case CREATED -> EnumSet.of(PAID, CLOSED);
      case PAID -> EnumSet.of(FULFILLING);
      case FULFILLING -> EnumSet.of(SUCCEEDED, FAILED);
      case SUCCEEDED, FAILED -> EnumSet.of(REFUNDING);
      case REFUNDING -> EnumSet.of(REFUNDED);
      case REFUNDED, CLOSED -> EnumSet.noneOf(OrderStatus.class);
    };
  }

  /** Whether {@code next} is a legal next state. */
  public boolean canMoveTo(OrderStatus next) {
    return successors().contains(next);
  }

  /** Whether no further transition is possible. */
  public boolean isTerminal() {
    return successors().isEmpty();
  }
}
