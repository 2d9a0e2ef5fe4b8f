package dev.hamal.order;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One order in Hamal's unified model, whatever business line and table it came from.
 *
 * <p>Amounts are in minor units of {@link #currency()} (fen for CNY) and never negative. Times are
 * instants; a source {@code DATETIME} is interpreted in the business line's time zone. Fields a
 * line does not map, or whose column is {@code NULL}, are empty. {@link #ext()} keeps further
 * attributes in the order the business-line file lists them, with JSON-compatible values only
 * (strings, booleans, {@link Long}, {@link java.math.BigInteger} beyond the long range, {@link
 * java.math.BigDecimal} with a fraction, lists and maps of those).
 *
 * <p>Build one with {@link #builder()}; the canonical constructor checks the same invariants.
 *
 * @param orderId the unified order id, composed per business line (e.g. {@code topup:1001})
 * @param businessLine the business line's name
 * @param sourceSchema the schema of the source row
 * @param sourceTable the table of the source row (one shard of a sharded set)
 * @param sourceId the source row's id column, as text
 * @param userId the user (buyer, member) id, as text
 * @param status the unified status
 * @param totalAmount the order amount before discounts, in minor units
 * @param paidAmount the amount actually paid, in minor units
 * @param discountAmount discounts and promotions, in minor units
 * @param refundedAmount the amount refunded so far, in minor units
 * @param currency ISO 4217 code
 * @param paymentChannel how it was paid (alipay, wxpay, points, game coins, ...), as the source
 *     says
 * @param settlementState the settlement state, as the source says
 * @param product what was bought
 * @param createdAt when the order was placed
 * @param paidAt when it was paid
 * @param finishedAt when it reached a final state
 * @param updatedAt when the source row was last modified
 * @param ext further attributes, insertion-ordered, unmodifiable
 */
public record UnifiedOrder(
    String orderId,
    String businessLine,
    String sourceSchema,
    String sourceTable,
    String sourceId,
    Optional<String> userId,
    OrderStatus status,
    long totalAmount,
    OptionalLong paidAmount,
    OptionalLong discountAmount,
    OptionalLong refundedAmount,
    String currency,
    Optional<String> paymentChannel,
    Optional<String> settlementState,
    Product product,
    Instant createdAt,
    Optional<Instant> paidAt,
    Optional<Instant> finishedAt,
    Optional<Instant> updatedAt,
    Map<String, Object> ext) {

  /**
   * Checks the invariants and copies {@code ext}.
   *
   * @throws NullPointerException if a part is missing
   * @throws IllegalArgumentException if an amount is negative, the currency is not three capital
   *     letters, or an ext value has no JSON form
   */
  public UnifiedOrder {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(businessLine, "businessLine");
    Objects.requireNonNull(sourceSchema, "sourceSchema");
    Objects.requireNonNull(sourceTable, "sourceTable");
    Objects.requireNonNull(sourceId, "sourceId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(status, "status");
    requireAmount("totalAmount", totalAmount);
    requireAmount("paidAmount", paidAmount);
    requireAmount("discountAmount", discountAmount);
    requireAmount("refundedAmount", refundedAmount);
    requireCurrency(currency);
    Objects.requireNonNull(paymentChannel, "paymentChannel");
    Objects.requireNonNull(settlementState, "settlementState");
    Objects.requireNonNull(product, "product");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(paidAt, "paidAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    ext = ExtValues.copyOf(Objects.requireNonNull(ext, "ext"));
  }

  private static void requireAmount(String name, OptionalLong amount) {
    Objects.requireNonNull(amount, name);
    if (amount.isPresent()) {
      requireAmount(name, amount.getAsLong());
    }
  }

  private static void requireAmount(String name, long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + amount);
    }
  }

  static boolean isCurrencyCode(String code) {
    if (code.length() != 3) {
      return false;
    }
    for (int i = 0; i < 3; i++) {
      char c = code.charAt(i);
      if (c < 'A' || c > 'Z') {
        return false;
      }
    }
    return true;
  }

  private static void requireCurrency(String currency) {
    Objects.requireNonNull(currency, "currency");
    if (!isCurrencyCode(currency)) {
      throw new IllegalArgumentException("currency must be an ISO 4217 code: " + currency);
    }
  }

  /** A builder; {@link Builder#build()} says which required part is missing. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What was bought.
   *
   * @param sku the product or SKU code
   * @param name the product name
   * @param faceValue the face value in minor units (of a top-up, a card, a ticket)
   */
  public record Product(Optional<String> sku, Optional<String> name, OptionalLong faceValue) {
    /** A product about which nothing is known. */
    public static final Product UNKNOWN =
        new Product(Optional.empty(), Optional.empty(), OptionalLong.empty());

    /** Checks the parts are present and the face value is not negative. */
    public Product {
      Objects.requireNonNull(sku, "sku");
      Objects.requireNonNull(name, "name");
      requireAmount("faceValue", faceValue);
    }
  }

  /** Builds a {@link UnifiedOrder}; not thread-safe. Optional parts default to empty. */
  public static final class Builder {
    private String orderId;
    private String businessLine;
    private String sourceSchema;
    private String sourceTable;
    private String sourceId;
    private String userId;
    private OrderStatus status;
    private long totalAmount = -1;
    private long paidAmount = -1;
    private long discountAmount = -1;
    private long refundedAmount = -1;
    private String currency;
    private String paymentChannel;
    private String settlementState;
    private String productSku;
    private String productName;
    private long faceValue = -1;
    private Instant createdAt;
    private Instant paidAt;
    private Instant finishedAt;
    private Instant updatedAt;
    private Map<String, Object> ext;

    private Builder() {}

    /** Sets the unified order id. */
    public Builder orderId(String value) {
      orderId = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the business line's name. */
    public Builder businessLine(String value) {
      businessLine = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the source schema and table. */
    public Builder source(String schema, String table) {
      sourceSchema = Objects.requireNonNull(schema);
      sourceTable = Objects.requireNonNull(table);
      return this;
    }

    /** Sets the source row's id, as text. */
    public Builder sourceId(String value) {
      sourceId = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the user id. */
    public Builder userId(String value) {
      userId = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the status. */
    public Builder status(OrderStatus value) {
      status = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the total amount in minor units. */
    public Builder totalAmount(long value) {
      totalAmount = nonNegative(value);
      return this;
    }

    /** Sets the paid amount in minor units. */
    public Builder paidAmount(long value) {
      paidAmount = nonNegative(value);
      return this;
    }

    /** Sets the discount amount in minor units. */
    public Builder discountAmount(long value) {
      discountAmount = nonNegative(value);
      return this;
    }

    /** Sets the refunded amount in minor units. */
    public Builder refundedAmount(long value) {
      refundedAmount = nonNegative(value);
      return this;
    }

    /** Sets the ISO 4217 currency code. */
    public Builder currency(String value) {
      currency = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the payment channel. */
    public Builder paymentChannel(String value) {
      paymentChannel = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the settlement state. */
    public Builder settlementState(String value) {
      settlementState = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the product's SKU. */
    public Builder productSku(String value) {
      productSku = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the product's name. */
    public Builder productName(String value) {
      productName = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the product's face value in minor units. */
    public Builder faceValue(long value) {
      faceValue = nonNegative(value);
      return this;
    }

    /** Sets the creation time. */
    public Builder createdAt(Instant value) {
      createdAt = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the payment time. */
    public Builder paidAt(Instant value) {
      paidAt = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the time the order reached a final state. */
    public Builder finishedAt(Instant value) {
      finishedAt = Objects.requireNonNull(value);
      return this;
    }

    /** Sets the last-modified time. */
    public Builder updatedAt(Instant value) {
      updatedAt = Objects.requireNonNull(value);
      return this;
    }

    /** Adds (or replaces) one ext attribute; order of first insertion is kept. */
    public Builder ext(String key, Object value) {
      if (ext == null) {
        ext = new LinkedHashMap<>();
      }
      ext.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /** Whether a currency was set. */
    boolean hasCurrency() {
      return currency != null;
    }

    private static long nonNegative(long value) {
      if (value < 0) {
        throw new IllegalArgumentException("amounts must not be negative: " + value);
      }
      return value;
    }

    /**
     * The order.
     *
     * @throws IllegalStateException if the id, business line, source, status, total amount,
     *     currency or creation time was not set
     */
    public UnifiedOrder build() {
      require(orderId, "orderId");
      require(businessLine, "businessLine");
      require(sourceSchema, "source");
      require(sourceId, "sourceId");
      require(status, "status");
      if (totalAmount < 0) {
        throw new IllegalStateException("totalAmount was not set");
      }
      require(currency, "currency");
      require(createdAt, "createdAt");
      Product product =
          productSku == null && productName == null && faceValue < 0
              ? Product.UNKNOWN
              : new Product(
                  Optional.ofNullable(productSku),
                  Optional.ofNullable(productName),
                  amount(faceValue));
      return new UnifiedOrder(
          orderId,
          businessLine,
          sourceSchema,
          sourceTable,
          sourceId,
          Optional.ofNullable(userId),
          status,
          totalAmount,
          amount(paidAmount),
          amount(discountAmount),
          amount(refundedAmount),
          currency,
          Optional.ofNullable(paymentChannel),
          Optional.ofNullable(settlementState),
          product,
          createdAt,
          Optional.ofNullable(paidAt),
          Optional.ofNullable(finishedAt),
          Optional.ofNullable(updatedAt),
          ext == null ? Map.of() : ext);
    }

    private static OptionalLong amount(long value) {
      return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
    }

    private static void require(Object value, String name) {
      if (value == null) {
        throw new IllegalStateException(name + " was not set");
      }
    }
  }
}
