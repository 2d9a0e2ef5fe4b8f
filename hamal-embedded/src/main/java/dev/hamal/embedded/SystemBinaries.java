package dev.hamal.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The distribution's own MariaDB server ({@code apt-get install mariadb-server} on Debian 12 gives
 * 10.11), run straight from its binaries with {@code --no-defaults}, so {@code /etc/mysql} and the
 * system service play no part.
 *
 * <p>Executables are looked up on {@code PATH}, then in {@code /usr/sbin} and {@code /usr/bin};
 * {@code --basedir} is the parent of the directory holding {@code mariadbd} ({@code /usr}).
 * Initialising a data directory runs {@code mariadb-install-db} with its output in {@code
 * mariadb-install-db.log} inside the data directory.
 */
record SystemBinaries(Path server, Path installDb, Path baseDir) implements MariaDbBinaries {

  static final String INSTALL_LOG = "mariadb-install-db.log";

  static SystemBinaries find() {
    Optional<Path> server = executable(List.of("mariadbd", "mysqld"));
    Optional<Path> installDb = executable(List.of("mariadb-install-db", "mysql_install_db"));
    if (server.isEmpty() || installDb.isEmpty()) {
      throw new MariaDbNotInstalledException(
          "the system MariaDB server is not installed (no "
              + (server.isEmpty() ? "mariadbd" : "mariadb-install-db")
              + " on PATH, /usr/sbin or /usr/bin); install it with"
              + " 'apt-get install mariadb-server' (Debian 12 ships 10.11)");
    }
    Path bin = server.get().getParent();
    Path base = bin.getParent() == null ? bin : bin.getParent();
    return new SystemBinaries(server.get(), installDb.get(), base);
  }

  private static Optional<Path> executable(List<String> names) {
    Set<Path> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isBlank()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    dirs.add(Path.of("/usr/sbin"));
    dirs.add(Path.of("/usr/bin"));
    for (String name : names) {
      for (Path dir : dirs) {
        Path candidate = dir.resolve(name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate.toAbsolutePath());
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public Map<String, String> environment() {
    return Map.of();
  }

  @Override
  public void initialize(Path dataDir, Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(installDb.toString());
    command.add("--no-defaults");
    command.add("--datadir=" + dataDir);
    command.add("--basedir=" + baseDir);
    if (MariaDbServer.RUNNING_AS_ROOT) {
      command.add("--user=root");
    }
    command.add("--skip-test-db");
    command.add("--skip-name-resolve");
    command.add("--force");
    Path log = dataDir.resolve(INSTALL_LOG);
    Process process;
    try {
      Files.createDirectories(dataDir);
      process =
          new ProcessBuilder(command)
              .directory(dataDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new MariaDbStartException(
          "could not run " + installDb + " for " + dataDir, LogTail.of(log, 0), e);
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTree.kill(process);
        throw new MariaDbStartException(
            installDb + " did not finish within " + timeout + " for " + dataDir,
            LogTail.of(log, 0),
            null);
      }
    } catch (InterruptedException e) {
      ProcessTree.kill(process);
      Thread.currentThread().interrupt();
      throw new MariaDbStartException(
          "interrupted while " + installDb + " initialised " + dataDir, "", e);
    }
    if (process.exitValue() != 0) {
      throw new MariaDbStartException(
          installDb + " failed with exit code " + process.exitValue() + " for " + dataDir,
          LogTail.of(log, 0),
          null);
    }
  }
}
