package dev.hamal.gateway;

import com.dashjoin.jsonata.Jsonata;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The functions every template may call besides JSONata's built-ins, and the built-ins it may not.
 *
 * <p>Every function returns undefined (JSONata's "no value") when its first argument is undefined,
 * like JSONata's own, so a field reading an absent value is omitted rather than failing. A bad
 * argument throws {@link TemplateFunctionException}, which the renderer reports against the field.
 * Stateless and thread-safe.
 *
 * <ul>
 *   <li>{@code $decimal(minorUnits[, scale])}: an amount in minor units as a decimal string, {@code
 *       $decimal(1250)} = {@code "12.50"}; scale 0 to 18, default 2
 *   <li>{@code $formatTime(instant, zone, pattern)}: an ISO-8601 instant in a time zone with a
 *       {@link DateTimeFormatter} pattern
 *   <li>{@code $label(value, mapping[, default])}: {@code mapping[value]}, else {@code default},
 *       else the value itself
 *   <li>{@code $maskPhone(text)}, {@code $maskCard(text)}, {@code $maskEmail(text)}, {@code
 *       $mask(text, keepStart, keepEnd)}: the masks of {@link MaskingPolicy.Kind}
 * </ul>
 *
 * <p>Removed: {@code $eval}, which evaluates a string as an expression: it would escape the
 * template's static checks (reserved names, the known-function check) and it reads the evaluator's
 * per-thread state, which can hold another evaluation's input.
 */
final class TemplateFunctions {
  /** The names of the functions this class adds. */
  static final Set<String> CUSTOM =
      Set.of("decimal", "formatTime", "label", "maskPhone", "maskCard", "maskEmail", "mask");

  /** Built-ins templates may not use. */
  static final Set<String> REMOVED = Set.of("eval");

  /** JSONata's built-in functions (jsonata-java 0.9.x), minus {@link #REMOVED}. */
  static final Set<String> BUILT_IN =
      Set.of(
          "sum",
          "count",
          "max",
          "min",
          "average",
          "string",
          "substring",
          "substringBefore",
          "substringAfter",
          "lowercase",
          "uppercase",
          "length",
          "trim",
          "pad",
          "match",
          "contains",
          "replace",
          "split",
          "join",
          "formatNumber",
          "formatBase",
          "formatInteger",
          "parseInteger",
          "number",
          "floor",
          "ceil",
          "round",
          "abs",
          "sqrt",
          "power",
          "random",
          "boolean",
          "not",
          "map",
          "zip",
          "filter",
          "single",
          "reduce",
          "sift",
          "keys",
          "lookup",
          "append",
          "exists",
          "spread",
          "merge",
          "reverse",
          "each",
          "error",
          "assert",
          "type",
          "sort",
          "shuffle",
          "distinct",
          "base64encode",
          "base64decode",
          "encodeUrlComponent",
          "encodeUrl",
          "decodeUrlComponent",
          "decodeUrl",
          "toMillis",
          "fromMillis",
          "clone",
          "now",
          "millis");

  private static final int MAX_SCALE = 18;
  private static final LoadingCache<String, DateTimeFormatter> FORMATTERS =
      Caffeine.newBuilder().maximumSize(1_000).build(TemplateFunctions::formatter);

  private TemplateFunctions() {}

  /** Binds the custom functions and the removals into an expression's environment. */
  static void register(Jsonata expression) {
    expression.registerFunction("decimal", fn(TemplateFunctions::decimal));
    expression.registerFunction("formatTime", fn(TemplateFunctions::formatTime));
    expression.registerFunction("label", fn(TemplateFunctions::label));
    expression.registerFunction(
        "maskPhone", fn(args -> text("maskPhone", args, MaskingPolicy.Kind.PHONE)));
    expression.registerFunction(
        "maskCard", fn(args -> text("maskCard", args, MaskingPolicy.Kind.CARD)));
    expression.registerFunction(
        "maskEmail", fn(args -> text("maskEmail", args, MaskingPolicy.Kind.EMAIL)));
    expression.registerFunction("mask", fn(TemplateFunctions::mask));
    for (String name : REMOVED) {
      expression.registerFunction(
          name,
          fn(args -> {
            throw new TemplateFunctionException("$" + name + " is not available in templates");
          }));
    }
  }

  private interface Body {
    Object apply(List<?> args);
  }

  private static Jsonata.JFunction fn(Body body) {
    return new Jsonata.JFunction((input, args) -> body.apply(args), null);
  }

  private static Object arg(List<?> args, int i) {
    return i < args.size() ? args.get(i) : null;
  }

  static Object decimal(List<?> args) {
    Object value = arg(args, 0);
    if (value == null) {
      return null;
    }
    int scale = 2;
    Object s = arg(args, 1);
    if (s != null) {
      BigInteger n = integer(s);
      if (n == null || n.signum() < 0 || n.compareTo(BigInteger.valueOf(MAX_SCALE)) > 0) {
        throw new TemplateFunctionException(
            "$decimal: scale must be an integer from 0 to " + MAX_SCALE);
      }
      scale = n.intValue();
    }
    BigInteger units = integer(value);
    if (units == null) {
      throw new TemplateFunctionException(
          "$decimal: minorUnits must be an integer (or a string of one), was " + describe(value));
    }
    return new BigDecimal(units, scale).toPlainString();
  }

  /** An integral number, or a string holding one; null otherwise. */
  private static BigInteger integer(Object value) {
    try {
      return switch (value) {
        case Integer i -> BigInteger.valueOf(i);
        case Long l -> BigInteger.valueOf(l);
        case BigInteger b -> b;
        case BigDecimal d -> d.toBigIntegerExact();
        case Double d when d == Math.rint(d) && Math.abs(d) < 0x1p53 ->
            BigInteger.valueOf(d.longValue());
        case Number n -> new BigDecimal(n.toString()).toBigIntegerExact();
        case String t when t.length() <= 40 -> new BigInteger(t.trim());
        default -> null;
      };
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  static Object formatTime(List<?> args) {
    Object value = arg(args, 0);
    if (value == null) {
      return null;
    }
    if (!(arg(args, 1) instanceof String zone) || !(arg(args, 2) instanceof String pattern)) {
      throw new TemplateFunctionException(
          "$formatTime: takes (instant, zoneId, pattern) with zoneId and pattern as text");
    }
    if (!(value instanceof String text)) {
      throw new TemplateFunctionException(
          "$formatTime: instant must be ISO-8601 text, was " + describe(value));
    }
    Instant instant;
    try {
      instant = Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        instant = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e2) {
        throw new TemplateFunctionException(
            "$formatTime: \"" + clip(text) + "\" is not an ISO-8601 instant");
      }
    }
    ZoneId zoneId = zone(zone);
    try {
      return FORMATTERS.get(pattern).format(instant.atZone(zoneId));
    } catch (DateTimeException e) {
      throw new TemplateFunctionException(
          "$formatTime: pattern \""
              + clip(pattern)
              + "\" cannot format an instant: "
              + e.getMessage());
    }
  }

  /** The zone, or a clear error; also used to check a literal zone when compiling. */
  static ZoneId zone(String zone) {
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new TemplateFunctionException(
          "$formatTime: unknown time zone \""
              + clip(zone)
              + "\" (use a region id like Asia/Shanghai or an offset like +08:00)");
    }
  }

  /** The formatter, or a clear error; also used to check a literal pattern when compiling. */
  static DateTimeFormatter formatter(String pattern) {
    try {
      return DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new TemplateFunctionException(
          "$formatTime: invalid pattern \"" + clip(pattern) + "\": " + e.getMessage());
    }
  }

  static Object label(List<?> args) {
    Object value = arg(args, 0);
    if (value == null) {
      return null;
    }
    if (!(arg(args, 1) instanceof Map<?, ?> mapping)) {
      throw new TemplateFunctionException("$label: mapping must be an object");
    }
    String key = value instanceof String s ? s : scalarText(value, "$label");
    Object mapped = mapping.get(key);
    if (mapped != null) {
      return mapped;
    }
    Object fallback = arg(args, 2);
    return fallback != null ? fallback : value;
  }

  private static Object text(String function, List<?> args, MaskingPolicy.Kind kind) {
    Object value = arg(args, 0);
    if (value == null) {
      return null;
    }
    return kind.apply(value instanceof String s ? s : scalarText(value, "$" + function));
  }

  static Object mask(List<?> args) {
    Object value = arg(args, 0);
    if (value == null) {
      return null;
    }
    String text = value instanceof String s ? s : scalarText(value, "$mask");
    BigInteger start = arg(args, 1) == null ? null : integer(arg(args, 1));
    BigInteger end = arg(args, 2) == null ? null : integer(arg(args, 2));
    if (start == null
        || end == null
        || start.signum() < 0
        || end.signum() < 0
        || start.bitLength() > 16
        || end.bitLength() > 16) {
      throw new TemplateFunctionException(
          "$mask: takes (text, keepStart, keepEnd) with keepStart and keepEnd integers from 0 to 65535");
    }
    return MaskingPolicy.mask(text, start.intValue(), end.intValue());
  }

  private static String scalarText(Object value, String function) {
    return switch (value) {
      case Number n when integer(n) != null -> integer(n).toString();
      case Number n -> n.toString();
      case Boolean b -> b.toString();
      default ->
          throw new TemplateFunctionException(
              function + ": expects text or a number, was " + describe(value));
    };
  }

  static String describe(Object value) {
    return switch (value) {
      case String s -> "text";
      case Number n -> "a number";
      case Boolean b -> "a boolean";
      case List<?> l -> "an array";
      case Map<?, ?> m -> "an object";
      default -> "a function or other non-JSON value";
    };
  }

  private static String clip(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }
}
