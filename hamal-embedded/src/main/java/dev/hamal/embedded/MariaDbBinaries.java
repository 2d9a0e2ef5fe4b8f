package dev.hamal.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the executables of one distribution are and how they initialise a data directory. One
 * implementation per {@link MariaDbServer.Distribution}; instances are immutable and may be shared
 * by any number of servers.
 */
interface MariaDbBinaries {

  /** The {@code mariadbd} executable. */
  Path server();

  /** The value for {@code --basedir} (where {@code share/} with error messages and charsets is). */
  Path baseDir();

  /** Environment variables the executables need (for example a library path). */
  Map<String, String> environment();

  /**
   * Creates the system tables in an empty data directory.
   *
   * @throws MariaDbStartException with the installer's output when it fails or times out
   */
  void initialize(Path dataDir, Duration timeout);

  /** Finds (and for the bundled distribution, unpacks once) the binaries of a distribution. */
  static MariaDbBinaries of(MariaDbServer.Distribution distribution) {
    return switch (distribution) {
      case BUNDLED -> BundledBinaries.get();
      case SYSTEM -> SystemBinaries.find();
    };
  }
}
