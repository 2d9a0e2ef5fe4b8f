package dev.hamal.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@code redis-server} executable to run.
 *
 * <p><b>Bundled.</b> {@code com.github.codemonstur:embedded-redis} carries prebuilt servers as
 * class-path resources; on Linux x86_64 this uses {@value #BUNDLED_RESOURCE} (Redis 6.2, linked
 * against the system's libc and OpenSSL 3). It is copied once per machine into {@code
 * ~/.cache/hamal/redis/} (the system property {@value BundledBinaries#CACHE_DIR_PROPERTY} moves the
 * base, as for MariaDB), made executable and run from there. The library's Java API is not used: it
 * neither exposes the process nor lets us choose how it is stopped.
 *
 * <p><b>System.</b> {@code redis-server} on {@code PATH}, {@code /usr/bin} or {@code /usr/sbin}
 * (Debian's {@code redis-server} package gives 7.0).
 *
 * <p>Threading: the copy is serialised inside the JVM by the class lock and across processes by a
 * file lock; it is written to a temporary name and moved into place, so a reader never sees half a
 * binary.
 */
final class RedisBinaries {

  /** The resource name of the Linux x86_64 server in the embedded-redis jar. */
  static final String BUNDLED_RESOURCE = "redis-server-6.2.6-v5-linux-amd64";

  private static final Logger log = LoggerFactory.getLogger(RedisBinaries.class);

  private static Path bundled;

  private RedisBinaries() {}

  /**
   * The executable for {@code binary}.
   *
   * @throws RedisNotInstalledException when there is none
   */
  static Path find(RedisServerConfig.Binary binary) {
    return switch (binary) {
      case BUNDLED ->
          bundled()
              .orElseThrow(() ->
                  new RedisNotInstalledException(
                      "the bundled redis-server does not fit this machine ("
                          + platform()
                          + ") or com.github.codemonstur:embedded-redis is not on the class"
                          + " path; use the system's: apt-get install redis-server"));
      case SYSTEM ->
          system()
              .orElseThrow(() ->
                  new RedisNotInstalledException(
                      "no redis-server on PATH, /usr/bin or /usr/sbin; install it with"
                          + " 'apt-get install redis-server'"));
      case AUTO ->
          bundled()
              .or(RedisBinaries::system)
              .orElseThrow(() ->
                  new RedisNotInstalledException(
                      "no redis-server to run: the bundled one (com.github.codemonstur:"
                          + "embedded-redis) does not fit this machine ("
                          + platform()
                          + ") or is not on the class path, and none is installed; install"
                          + " one with 'apt-get install redis-server'"));
    };
  }

  private static String platform() {
    return System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }

  private static boolean bundledFits() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /** The bundled server copied to the cache directory, or empty when it does not fit or is gone. */
  static synchronized Optional<Path> bundled() {
    if (bundled != null) {
      return Optional.of(bundled);
    }
    if (!bundledFits()
        || RedisBinaries.class.getClassLoader().getResource(BUNDLED_RESOURCE) == null) {
      return Optional.empty();
    }
    Path dir = cacheDir().resolve("redis");
    Path target = dir.resolve(BUNDLED_RESOURCE);
    try {
      Files.createDirectories(dir);
      if (!Files.isExecutable(target)) {
        try (FileChannel channel =
            FileChannel.open(
                dir.resolve(BUNDLED_RESOURCE + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
          FileLock machineWide = channel.lock();
          try {
            if (!Files.isExecutable(target)) {
              copy(target);
            }
          } finally {
            machineWide.release();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the bundled redis-server to " + dir, e);
    }
    bundled = target;
    return Optional.of(target);
  }

  private static void copy(Path target) throws IOException {
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try (InputStream in =
        RedisBinaries.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IOException("resource " + BUNDLED_RESOURCE + " vanished");
      }
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    log.info("Copied the bundled redis-server to {}", target);
  }

  private static Path cacheDir() {
    String configured = System.getProperty(BundledBinaries.CACHE_DIR_PROPERTY, "").trim();
    if (!configured.isEmpty()) {
      return Path.of(configured).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".cache", "hamal");
  }

  /** {@code redis-server} on PATH, /usr/bin or /usr/sbin. */
  static Optional<Path> system() {
    Set<Path> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isBlank()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    dirs.add(Path.of("/usr/bin"));
    dirs.add(Path.of("/usr/sbin"));
    for (Path dir : dirs) {
      Path candidate = dir.resolve("redis-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }
}
