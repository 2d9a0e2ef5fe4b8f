package dev.hamal.binlog;

import dev.hamal.binlog.event.ControlEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The GTID set executed up to the current transaction boundary, for reporting in {@link
 * TransactionEnd#gtidState()}: MariaDB's list of the last GTID per domain, or MySQL's GTID set.
 * Unknown until a start position or event establishes it (a MySQL stream started by file and
 * position does not know which GTIDs precede it). Used by the reader thread only.
 */
final class GtidState {
  private final Map<Long, String> mariaDomains; // null unless MariaDB and known
  private MySqlGtidSet mySql; // null unless MySQL and known

  private GtidState(Map<Long, String> mariaDomains, MySqlGtidSet mySql) {
    this.mariaDomains = mariaDomains;
    this.mySql = mySql;
  }

  static GtidState unknown() {
    return new GtidState(null, null);
  }

  /** Parses MariaDB's {@code domain-server-seq,...} (empty text: nothing executed yet). */
  static GtidState mariaDb(String text) {
    Map<Long, String> domains = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String gtid = part.trim();
      if (gtid.isEmpty()) {
        continue;
      }
      String[] fields = gtid.split("-");
      if (fields.length != 3) {
        throw new IllegalArgumentException(
            "MariaDB GTID must be domain-server-sequence, got '" + gtid + "'");
      }
      try {
        domains.put(Long.parseLong(fields[0]), gtid);
        Long.parseLong(fields[1]);
        Long.parseUnsignedLong(fields[2]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("MariaDB GTID '" + gtid + "' is not numeric", e);
      }
    }
    return new GtidState(domains, null);
  }

  static GtidState mySql(MySqlGtidSet set) {
    return new GtidState(null, set);
  }

  /** Whether the text looks like a MariaDB GTID list rather than a MySQL GTID set. */
  static boolean looksLikeMariaDb(String text) {
    return !text.contains(":");
  }

  /** Records a committed transaction. */
  void commit(ControlEvents.Gtid gtid) {
    if (gtid.mariaDomain() >= 0) {
      if (mariaDomains != null) {
        mariaDomains.put(gtid.mariaDomain(), gtid.text());
      }
    } else if (mySql != null) {
      int colon = gtid.text().lastIndexOf(':');
      mySql =
          mySql.add(
              gtid.text().substring(0, colon), Long.parseLong(gtid.text().substring(colon + 1)));
    }
  }

  /** Adopts MariaDB's GTID_LIST when nothing else told the state yet. */
  GtidState orMariaDbList(Iterable<ControlEvents.Gtid> list) {
    if (mariaDomains != null || mySql != null) {
      return this;
    }
    Map<Long, String> domains = new LinkedHashMap<>();
    for (ControlEvents.Gtid g : list) {
      domains.put(g.mariaDomain(), g.text());
    }
    return new GtidState(domains, null);
  }

  Optional<String> text() {
    if (mariaDomains != null) {
      return Optional.of(String.join(",", mariaDomains.values()));
    }
    return mySql == null ? Optional.empty() : Optional.of(mySql.toString());
  }
}
