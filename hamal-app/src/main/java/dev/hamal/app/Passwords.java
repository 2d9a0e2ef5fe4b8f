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

  /**
   * Reads a pipe's password reference as the listener does: {@code env:VARIABLE}, or {@code
   * file:PATH} (its first line).
   *
   * @throws IllegalArgumentException naming the reference if it cannot be read
   */
  static String resolve(String reference, Map<String, String> environment) {
    if (reference.startsWith("env:")) {
      String value = environment.get(reference.substring(4));
      if (value == null) {
        throw new IllegalArgumentException(
            "environment variable " + reference.substring(4) + " is not set");
      }
      return value;
    }
    if (!reference.startsWith("file:")) {
      throw new IllegalArgumentException(
          "a password reference must be env:VARIABLE or file:PATH, not '" + reference + "'");
    }
    return read(null, Path.of(reference.substring(5)), environment);
  }
}
