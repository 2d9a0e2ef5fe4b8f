package dev.hamal.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a secret of the configuration is (a password, the cursor-signing secret, a Kafka client
 * credential): {@code env:VARIABLE} or {@code file:PATH}, never the secret itself. The settings
 * records hold these references only; a role {@link #resolve resolves} the ones it uses when it
 * starts, so a secret's value lives in no settings object and appears in no {@code toString}, log
 * line or error message.
 *
 * <p>A file is read whole, as UTF-8, with its trailing line breaks removed (a file written by
 * {@code echo} ends with one); an empty secret is refused. Every failure names the key and the
 * reference, never the content.
 */
sealed interface SecretRef {

  /** The key the reference was given for ({@code store.password}). */
  String key();

  /**
   * Reads the secret.
   *
   * @throws SettingsException naming the key and the reference when the variable is not set, the
   *     file cannot be read, or the secret is empty
   */
  String resolve(Map<String, String> environment);

  /**
   * The secret in an environment variable.
   *
   * @param key the key it was given for
   * @param name the variable
   */
  record Variable(String key, String name) implements SecretRef {
    /** Checks the parts are present. */
    public Variable {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String resolve(Map<String, String> environment) {
      String value = environment.get(name);
      if (value == null) {
        throw failure(this, "the environment variable " + name + " is not set");
      }
      if (value.isEmpty()) {
        throw failure(this, "the environment variable " + name + " is empty");
      }
      return value;
    }

    @Override
    public String toString() {
      return "env:" + name;
    }
  }

  /**
   * The secret in a file.
   *
   * @param key the key it was given for
   * @param path the file, absolute
   */
  record File(String key, Path path) implements SecretRef {
    /** Checks the parts are present. */
    public File {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String resolve(Map<String, String> environment) {
      String content;
      try {
        content = Files.readString(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw failure(this, "cannot be read (" + e.getClass().getSimpleName() + ")");
      }
      int end = content.length();
      while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
        end--;
      }
      if (end == 0) {
        throw failure(this, "the file is empty");
      }
      return content.substring(0, end);
    }

    @Override
    public String toString() {
      return "file:" + path;
    }
  }

  private static SettingsException failure(SecretRef ref, String reason) {
    return new SettingsException(List.of(ref.key() + " (" + ref + "): " + reason));
  }
}
