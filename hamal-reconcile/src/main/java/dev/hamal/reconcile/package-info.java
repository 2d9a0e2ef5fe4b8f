/**
 * Reconciliation: compares a product-line database, through its business line's mapping, with the
 * order stores (counts and per-order checksums), and re-publishes missing or stale orders; and the
 * gateway's product-line level ({@link dev.hamal.reconcile.ProductLineOrders}), which finds and
 * searches orders in a product-line database through the same mapping, reversed.
 */
package dev.hamal.reconcile;
