package dev.hamal.app;

import java.io.Serial;
import java.util.List;

/**
 * A configuration file (or an environment variable overriding it) has bad values. Each problem
 * names the file or the variable, the key and what is accepted, one per line of the message; the
 * command line reports it as a usage error (exit code 2).
 */
final class SettingsException extends IllegalArgumentException {
  @Serial private static final long serialVersionUID = 1L;

  private final List<String> problems;

  SettingsException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, one {@code "<file>: <key>: <reason>"} each. */
  List<String> problems() {
    return problems;
  }
}
