package dev.hamal.order;

import java.io.Serial;
import java.util.List;

/**
 * A business-line file is invalid, does not fit a source table, or a source row cannot be mapped.
 *
 * <p>Configuration problems name the file, the key path inside it (e.g. {@code
 * fields.total_amount.unit}) and the reason, one problem per line of the message; {@link
 * #problems()} lists them separately. Row problems name the business line, the table, the column
 * and the offending value; such a row goes to a dead-letter path and is never mapped to a guess.
 */
public final class MappingException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final List<String> problems;

  MappingException(String message) {
    super(message);
    this.problems = List.of(message);
  }

  MappingException(String message, Throwable cause) {
    super(message, cause);
    this.problems = List.of(message);
  }

  /** One exception for several configuration problems, each already naming file and key. */
  MappingException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, one {@code "<file>: <key>: <reason>"} (or row description) each. */
  public List<String> problems() {
    return problems;
  }
}
