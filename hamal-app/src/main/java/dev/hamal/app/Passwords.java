package dev.hamal.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where commands read passwords from: an environment variable ({@code --password-env}) or the first
 * line of a file ({@code --password-file}), never the command line, where shell history and {@code
 * ps} would show it.
 */
public final class Passwords {
  private Passwords() {}

  /**
   * The password named by at most one of the two options; empty when neither is given.
   *
   * @param variable the {@code --password-env} value, or {@code null}
   * @param file the {@code --password-file} value, or {@code null}
   * @throws IllegalArgumentException naming the option when both are given, the variable is not set
   *     or the file cannot be read
   */
  public static String read(String variable, Path file, Map<String, String> environment) {
    if (variable != null && file != null) {
      throw new IllegalArgumentException("give either --password-env or --password-file, not both");
    }
    if (variable != null) {
      String value = environment.get(variable);
      if (value == null) {
        throw new IllegalArgumentException(
            "--password-env: environment variable " + variable + " is not set");
      }
      return value;
    }
    if (file != null) {
      try {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        int newline = content.indexOf('\n');
        return (newline >= 0 ? content.substring(0, newline) : content).stripTrailing();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--password-file: cannot read " + file + ": " + e.getMessage());
      }
    }
    return "";
  }
}
