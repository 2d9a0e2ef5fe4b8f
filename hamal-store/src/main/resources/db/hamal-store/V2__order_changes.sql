-- Every order's change history, on the order's shard, written in the same transaction as the order
-- row (see docs/order-store.md, "Change history"). Accepted by MariaDB 10.5+ and MySQL 8.0.
-- One row per distinct change: the unique key (order_id, version) makes a redelivered or replayed
-- change a no-op and serves "an order's changes, newest first" (a backward range on it). The
-- primary key is a sequence, so rows are appended to the clustered index instead of being inserted
-- among an order's older changes (page splits; a table half as large again, measured).
-- `doc` is the order after the change as OrderChangeCodec.encodeOrder wrote it (exact, as
-- orders.doc); NULL for a delete. The purge deletes rows by commit_time (ix_order_changes_commit).
CREATE TABLE order_changes (
  change_id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  order_id          VARCHAR(191) NOT NULL,
  version           CHAR(33)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  business_line     VARCHAR(64)  NOT NULL,
  binlog_file       VARCHAR(255) NOT NULL,
  operation         ENUM('INSERT', 'UPDATE', 'DELETE') CHARACTER SET ascii NOT NULL,
  status            VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  total_amount      BIGINT       NOT NULL,
  currency          CHAR(3)      CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  commit_time       DATETIME(6)  NOT NULL,
  commit_nanos      INT          NOT NULL,
  applied_at        DATETIME(6)  NOT NULL,
  doc               LONGTEXT     NULL,
  PRIMARY KEY (change_id),
  UNIQUE KEY ux_order_changes_order_version (order_id, version),
  KEY ix_order_changes_commit (commit_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
