/**
 * Reconciliation: compares a product-line database, through its business line's mapping, with the
 * order stores (counts and per-order checksums), and re-publishes missing or stale orders.
 */
package dev.hamal.reconcile;
