package dev.hamal.opensearch.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opensearch.Version;
import org.opensearch.analysis.common.CommonAnalysisModulePlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasModulePlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.node.NodeValidationException;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.PluginInfo;
import org.opensearch.transport.Netty4ModulePlugin;

/**
 * The main class of the search node's child JVM: runs one OpenSearch node (cluster manager and data
 * node of a single-node cluster) with the plugins this module carries on its class path: Netty 4
 * (HTTP and transport), analysis-common (the {@code cjk} analyzer and the common filters) and
 * mapper-extras ({@code scaled_float}, ...). There is no security plugin: HTTP is plain and open,
 * bound to the host the settings name (loopback by default).
 *
 * <p><b>Plugins from the class path.</b> {@link Node}'s public constructor loads plugins from the
 * {@code plugins} directory only; its protected one also takes {@link PluginInfo}s whose classes
 * are loaded from the class path, which is what OpenSearch's own test framework ({@code MockNode})
 * does. {@link ClassPathNode} exposes that constructor.
 *
 * <p><b>Parent death.</b> The JVM that launched this one keeps its end of our standard input open
 * for as long as it lives and never writes to it. End of input therefore means the parent is gone,
 * however it died (SIGKILL included): we close the node and exit, halting if that takes longer than
 * {@value #EXIT_GRACE_SECONDS} s. The parent process is watched too, for launchers that do not hand
 * us a pipe. (The same protocol as the Kafka broker's child JVM; the two mains cannot share code
 * without sharing a class path, which is what these child modules exist to avoid.)
 *
 * <p><b>Stopping.</b> SIGTERM runs our shutdown hook, which closes the node (flushing shards);
 * SIGKILL is the crash that chaos tests want. With the default translog durability ({@code
 * request}) every acknowledged write survives either.
 *
 * <p>Usage: {@code OpenSearchNodeMain <opensearch.properties>}: node settings, one {@code
 * key=value} a line; the file must set {@code path.home}. Exit codes: 0 after a clean shutdown, 1
 * when the node fails to start, 2 for bad arguments, 4 when the parent is gone.
 */
public final class OpenSearchNodeMain {

  private static final int EXIT_GRACE_SECONDS = 20;
  private static final Duration PARENT_POLL = Duration.ofSeconds(1);
  private static final Duration SIGNAL_GRACE = Duration.ofMillis(500);
  private static final List<Class<? extends Plugin>> PLUGINS =
      List.of(
          Netty4ModulePlugin.class,
          CommonAnalysisModulePlugin.class,
          MapperExtrasModulePlugin.class);

  private static final AtomicBoolean SHUTTING_DOWN = new AtomicBoolean();

  private OpenSearchNodeMain() {}

  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    if (args.length != 1) {
      out.println("usage: OpenSearchNodeMain <opensearch.properties>");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    Properties properties = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    }
    if (properties.getProperty("path.home", "").isEmpty()) {
      out.println("hamal: " + file + " must set path.home");
      System.exit(2);
    }
    Settings.Builder settings = Settings.builder();
    properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key)));
    Environment environment =
        InternalSettingsPreparer.prepareEnvironment(
            settings.build(), Map.of(), null, () -> properties.getProperty("node.name", "hamal"));
    out.println(
        LocalTime.now()
            + " hamal: starting OpenSearch "
            + Version.CURRENT
            + " (pid "
            + ProcessHandle.current().pid()
            + ")");
    out.flush();
    Node node = new ClassPathNode(environment, PLUGINS);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  SHUTTING_DOWN.set(true);
                  closeNode(node);
                  closed.countDown();
                },
                "hamal-node-shutdown"));
    watchParent(ProcessHandle.current().parent());
    try {
      node.start();
    } catch (NodeValidationException | RuntimeException e) {
      e.printStackTrace(out);
      out.flush();
      Runtime.getRuntime().halt(1);
    }
    out.println(LocalTime.now() + " hamal: node started");
    out.flush();
    // the node's threads are daemons: keep the JVM alive until the shutdown hook closed the node
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeNode(Node node) {
    try {
      node.close();
      if (!node.awaitClose(EXIT_GRACE_SECONDS, TimeUnit.SECONDS)) {
        System.out.println(LocalTime.now() + " hamal: the node did not close in time");
      }
    } catch (IOException e) {
      e.printStackTrace(System.out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.out.println(LocalTime.now() + " hamal: node closed");
    System.out.flush();
  }

  /** A node whose plugins are classes on the class path, as OpenSearch's MockNode does it. */
  static final class ClassPathNode extends Node {
    ClassPathNode(Environment environment, List<Class<? extends Plugin>> plugins) {
      super(environment, plugins.stream().map(ClassPathNode::info).toList(), true);
    }

    private static PluginInfo info(Class<? extends Plugin> plugin) {
      return new PluginInfo(
          plugin.getName(),
          "class-path plugin",
          "NA",
          Version.CURRENT,
          Runtime.version().feature() + "",
          plugin.getName(),
          null,
          List.of(),
          false);
    }
  }

  /** Exits when standard input ends or the parent process exits, whichever comes first. */
  private static void watchParent(Optional<ProcessHandle> parent) {
    Thread stdin =
        new Thread(
            () -> {
              try {
                InputStream in = System.in;
                byte[] sink = new byte[256];
                while (in.read(sink) >= 0) {
                  // the parent never writes; anything read is ignored
                }
              } catch (IOException e) {
                // a broken pipe means the same as end of input
              }
              // Process.destroy() closes our input together with its SIGTERM: give the signal's
              // shutdown a moment to announce itself before taking end of input for parent death
              try {
                Thread.sleep(SIGNAL_GRACE.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              exitBecauseParentIsGone("standard input closed");
            },
            "hamal-parent-stdin");
    stdin.setDaemon(true);
    stdin.start();
    parent.ifPresent(p -> {
      Thread poll =
          new Thread(
              () -> {
                while (p.isAlive()) {
                  try {
                    Thread.sleep(PARENT_POLL.toMillis());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
                exitBecauseParentIsGone("parent process " + p.pid() + " exited");
              },
              "hamal-parent-watch");
      poll.setDaemon(true);
      poll.start();
    });
  }

  private static void exitBecauseParentIsGone(String why) {
    if (SHUTTING_DOWN.get()) {
      return; // stopped by a signal: the shutdown is under way, and exit() would block
    }
    System.out.println(LocalTime.now() + " hamal: " + why + "; shutting the node down");
    System.out.flush();
    Thread halt =
        new Thread(
            () -> {
              try {
                Thread.sleep(Duration.ofSeconds(EXIT_GRACE_SECONDS + 5L).toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(4);
            },
            "hamal-halt");
    halt.setDaemon(true);
    halt.start();
    System.exit(4);
  }
}
