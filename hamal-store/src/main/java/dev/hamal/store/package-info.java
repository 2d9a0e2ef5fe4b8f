/**
 * The order store: unified orders in sharded MySQL/MariaDB tables, written by version-guarded
 * upserts and read back exactly. See {@code docs/order-store.md}.
 */
package dev.hamal.store;
