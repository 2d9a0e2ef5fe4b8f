package dev.hamal.embedded;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Clean-up shared by the embedded servers: temporary data directories and exit grace. */
final class DataDirs {

  private static final Logger log = LoggerFactory.getLogger(DataDirs.class);

  private DataDirs() {}

  /** Deletes the directory tree when it is a temporary one; logs instead of failing. */
  static void deleteIfTemporary(Path dir, boolean temporary) {
    if (!temporary || !Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.warn("Could not delete the temporary data directory {}", dir, e);
    }
  }

  /** Waits until {@code closed} is true or the grace has passed. */
  static void awaitClosed(BooleanSupplier closed, Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    while (!closed.getAsBoolean() && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
  }
}
