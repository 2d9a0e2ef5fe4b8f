package dev.hamal.listener;

import dev.hamal.binlog.RowImage;
import dev.hamal.order.SourceRow;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Optional;

/**
 * A decoded row image seen as a business line's {@link SourceRow}: values by column name, in the
 * Java types the mapping expects. TIME values within a day become {@link LocalTime}; others (and
 * MySQL's zero dates, which the decoder gives as text) stay as their text, which a mapping that
 * needs a time rejects with a clear error.
 */
final class ImageRow implements SourceRow {
  private final RowImage image;

  ImageRow(RowImage image) {
    this.image = image;
  }

  @Override
  public String schema() {
    return image.table().name().schema();
  }

  @Override
  public String table() {
    return image.table().name().table();
  }

  @Override
  public boolean has(String column) {
    int ordinal = image.table().ordinalOf(column);
    return ordinal >= 0 && image.isPresent(ordinal);
  }

  @Override
  public Optional<Object> value(String column) {
    int ordinal = image.table().ordinalOf(column);
    if (ordinal < 0 || !image.isPresent(ordinal) || image.isNull(ordinal)) {
      return Optional.empty();
    }
    Object value = image.getValue(ordinal);
    if (value instanceof Duration time) {
      return Optional.of(
          time.isNegative() || time.toDays() > 0
              ? image.getText(ordinal)
              : LocalTime.ofNanoOfDay(time.toNanos()));
    }
    return Optional.of(value);
  }
}
