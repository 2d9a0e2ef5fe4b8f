package dev.hamal.gateway;

import java.util.Locale;

/** The levels an order is looked for in, in the order they are tried. */
public enum SearchLevel {
  /** Redis with the in-process near cache; answers lookups by id only. */
  CACHE,
  /** The search index (OpenSearch). */
  INDEX,
  /** The order store (MySQL/MariaDB), the system of record for reads. */
  STORE,
  /** The product line's own database, read through the reverse of its mapping. */
  PRODUCT_LINE;

  /**
   * The name in responses and settings: {@code cache}, {@code index}, {@code store}, {@code
   * product-line}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
