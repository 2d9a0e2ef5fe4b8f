package dev.hamal.app;

import dev.hamal.binlog.BinlogPosition;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.CoordinatorConfig;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.coordination.PipePosition;
import dev.hamal.coordination.PipeStatus;
import dev.hamal.coordination.StartPosition;
import dev.hamal.embedded.EmbeddedZooKeeper;
import dev.hamal.embedded.EmbeddedZooKeeperConfig;
import dev.hamal.embedded.KafkaBroker;
import dev.hamal.embedded.KafkaBrokerConfig;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.embedded.MariaDbServerConfig;
import dev.hamal.embedded.OpenSearchNode;
import dev.hamal.embedded.OpenSearchNodeConfig;
import dev.hamal.embedded.RedisServer;
import dev.hamal.embedded.RedisServerConfig;
import dev.hamal.gateway.ApiKeys;
import dev.hamal.gateway.Gateway;
import dev.hamal.gateway.KeyScopes;
import dev.hamal.listener.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The whole order center on one machine, every part real: embedded MariaDB 11.4 (the product lines'
 * schemas and, in databases of their own, the two order-store shards and the gateway's tables),
 * ZooKeeper, a Kafka broker, an OpenSearch node and Redis; two listener and two processor
 * instances, each a child JVM run from one generated {@code hamal.yaml} as an operator would run
 * them; and the gateway with its console in this JVM, with a demo API key. The order simulator is
 * started by the caller ({@link #startSimulator}).
 *
 * <p><b>Start.</b> The five servers start in parallel; each step is reported on {@code progress} as
 * it completes. A failure stops what was started and rethrows.
 *
 * <p><b>Stop</b> ({@link #close()}), in dependency order: the simulator finishes its open
 * transactions; the gateway stops taking requests; the listeners hand their pipes off (committing
 * what Kafka acknowledged) and the processors commit what they wrote (SIGTERM to each child); then
 * Kafka, OpenSearch, Redis, ZooKeeper and MariaDB stop.
 *
 * <p>Threading: start and close from one thread; the accessors are safe from any thread once
 * started.
 */
public final class DemoSystem implements AutoCloseable {
  /** The pipe the demo's product lines are read through. */
  public static final String PIPE = "demo";

  static final List<String> LINE_FILES =
      List.of(
          "business-lines/topup.yaml",
          "business-lines/fuelcard.yaml",
          "business-lines/ticket.yaml",
          "business-lines/gamecard.yaml");
  static final String STORE_SHARD_PREFIX = "hamal_orders_";
  static final int STORE_SHARDS = 2;
  static final String GATEWAY_DATABASE = "hamal_gateway";
  static final String SOURCE_PASSWORD = "HAMAL_DEMO_SOURCE_PASSWORD";
  static final String DB_PASSWORD = "HAMAL_DEMO_DB_PASSWORD";
  static final String CURSOR_SECRET = "HAMAL_DEMO_CURSOR_SECRET";
  private static final Duration GRACE = Duration.ofSeconds(30);

  /**
   * What to run.
   *
   * @param lines the business lines to create and simulate
   * @param dataDir where every server keeps its data between runs; empty: temporary directories
   * @param gatewayPort the gateway's port on 127.0.0.1; when taken, a free one is used instead
   */
  public record Options(Set<ProductLine> lines, Optional<Path> dataDir, int gatewayPort) {
    public Options {
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("the demo needs at least one business line");
      }
      lines = Set.copyOf(lines);
      if (gatewayPort < 0 || gatewayPort > 65_535) {
        throw new IllegalArgumentException("--port must be 0-65535, was " + gatewayPort);
      }
    }
  }

  private final Options options;
  private final PrintStream progress;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final List<RoleProcess> listeners = new ArrayList<>();
  private final List<RoleProcess> processors = new ArrayList<>();
  private final Path workDir;
  private final boolean temporaryWorkDir;
  private final Map<String, String> environment;
  private final long startedNanos = System.nanoTime();
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private MariaDbServer mariaDb;
  private EmbeddedZooKeeper zooKeeper;
  private KafkaBroker kafka;
  private OpenSearchNode openSearch;
  private RedisServer redis;
  private MariaDbDataSource dataSource;
  private Coordinator coordinator;
  private Gateway gateway;
  private String apiKey;
  private DemoConfig config;
  private final Deque<AutoCloseable> gatewayParts = new ArrayDeque<>();
  private OrderSimulator simulator;

  private DemoSystem(Options options, PrintStream progress) throws IOException {
    this.options = options;
    this.progress = progress;
    if (options.dataDir().isPresent()) {
      this.workDir = options.dataDir().get().toAbsolutePath();
      Files.createDirectories(workDir);
      this.temporaryWorkDir = false;
    } else {
      this.workDir = Files.createTempDirectory("hamal-demo-");
      this.temporaryWorkDir = true;
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.environment =
        new java.util.HashMap<>(Map.of(CURSOR_SECRET, HexFormat.of().formatHex(secret)));
  }

  /**
   * Starts every part, reporting each step on {@code progress}.
   *
   * @throws Exception what the failed part threw, after everything started was stopped
   */
  public static DemoSystem start(Options options, PrintStream progress) throws Exception {
    DemoSystem system = new DemoSystem(options, progress);
    try {
      system.startAll();
      return system;
    } catch (Exception | Error e) {
      system.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    report("starting MariaDB 11.4, ZooKeeper, Kafka, OpenSearch and Redis in " + workDir);
    startServers();
    prepareDatabases();
    config = DemoConfig.write(workDir, this, options.lines());
    createTopics();
    definePipe();
    Path logs = workDir.resolve("logs");
    for (String id : List.of("listener-1", "listener-2")) {
      RoleProcess listener =
          new RoleProcess(
              id, "listener", config.file(), logs, environment, List.of("--instance-id", id));
      listeners.add(listener);
      listener.start();
    }
    report("two listener instances started (logs in " + logs + ")");
    for (String id : List.of("processor-1", "processor-2")) {
      RoleProcess processor =
          new RoleProcess(id, "processor", config.file(), logs, environment, List.of());
      processors.add(processor);
      processor.start();
    }
    report("two processor instances started (order store, search index, cache)");
    startGateway();
    report("gateway and console on " + consoleUrl());
  }

  private void startServers() throws Exception {
    Duration exitGrace = Duration.ofSeconds(90); // on Ctrl-C the demo stops its roles first
    MariaDbServerConfig.Builder db =
        MariaDbServerConfig.builder(MariaDbServer.Distribution.BUNDLED)
            .serverId(1)
            .exitGrace(exitGrace);
    EmbeddedZooKeeperConfig.Builder zk = EmbeddedZooKeeperConfig.builder().exitGrace(exitGrace);
    KafkaBrokerConfig.Builder broker =
        KafkaBrokerConfig.builder().exitGrace(exitGrace).maxHeapMegabytes(384);
    OpenSearchNodeConfig.Builder search =
        OpenSearchNodeConfig.builder().exitGrace(exitGrace).maxHeapMegabytes(512);
    RedisServerConfig.Builder cache = RedisServerConfig.builder().exitGrace(exitGrace);
    if (options.dataDir().isPresent()) {
      db.dataDir(workDir.resolve("mariadb-11.4"));
      zk.dataDir(workDir.resolve("zookeeper"));
      broker.dataDir(workDir.resolve("kafka"));
      search.dataDir(workDir.resolve("opensearch"));
      cache.dataDir(workDir.resolve("redis")).appendOnly(true);
    }
    ExecutorService starter = Executors.newVirtualThreadPerTaskExecutor();
    try {
      Future<MariaDbServer> db1 = starter.submit(() -> MariaDbServer.start(db.build()));
      Future<EmbeddedZooKeeper> zk1 = starter.submit(() -> EmbeddedZooKeeper.start(zk.build()));
      Future<KafkaBroker> kafka1 = starter.submit(() -> KafkaBroker.start(broker.build()));
      Future<OpenSearchNode> search1 = starter.submit(() -> OpenSearchNode.start(search.build()));
      Future<RedisServer> redis1 = starter.submit(() -> RedisServer.start(cache.build()));
      // each is registered for closing as soon as it is up, so a later failure stops it
      Exception failure = null;
      for (Future<?> f : List.of(db1, zk1, redis1, kafka1, search1)) {
        try {
          Object server = f.get(5, TimeUnit.MINUTES);
          resources.push((AutoCloseable) server);
          switch (server) {
            case MariaDbServer s -> {
              mariaDb = s;
              report(s.name() + " on 127.0.0.1:" + s.port());
            }
            case EmbeddedZooKeeper s -> {
              zooKeeper = s;
              report("ZooKeeper on " + s.connectString());
            }
            case KafkaBroker s -> {
              kafka = s;
              report("Kafka broker on " + s.bootstrapServers());
            }
            case OpenSearchNode s -> {
              openSearch = s;
              report("OpenSearch on " + s.httpUri());
            }
            case RedisServer s -> {
              redis = s;
              report("Redis on " + s.uri());
            }
            default -> throw new IllegalStateException("unexpected server " + server);
          }
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof Exception c ? c : e;
          }
        } catch (TimeoutException e) {
          f.cancel(true);
          if (failure == null) {
            failure = new IllegalStateException("a server did not start within 5 minutes", e);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      starter.shutdown();
    }
    dataSource = new MariaDbDataSource(mariaDb.jdbcUrl(""));
    dataSource.setUser(mariaDb.adminUser());
    dataSource.setPassword(mariaDb.adminPassword());
    environment.put(SOURCE_PASSWORD, mariaDb.replicationPassword());
    environment.put(DB_PASSWORD, mariaDb.adminPassword());
  }

  private void prepareDatabases() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      ProductLines.create(c, options.lines());
      for (int shard = 0; shard < STORE_SHARDS; shard++) {
        s.execute("CREATE DATABASE IF NOT EXISTS " + STORE_SHARD_PREFIX + shard);
      }
      s.execute("CREATE DATABASE IF NOT EXISTS " + GATEWAY_DATABASE);
    }
    report(
        "product-line schemas "
            + options.lines().stream().map(ProductLine::schema).sorted().toList()
            + ", order store of "
            + STORE_SHARDS
            + " shards");
  }

  private void createTopics() throws InterruptedException {
    List<String> topics = new ArrayList<>();
    for (ProductLine line : options.lines()) {
      topics.add(Topics.defaults().forLine(line.schema()));
    }
    topics.add(Topics.defaults().deadLetters());
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : topics) {
        if (!existing.contains(topic)) {
          missing.add(new NewTopic(topic, Optional.of(DemoConfig.PARTITIONS), Optional.empty()));
        }
      }
      admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the demo's topics " + topics, e);
    }
  }

  /** Defines pipe {@code demo}, or points a kept one at this run's database port. */
  private void definePipe() throws SQLException {
    coordinator =
        Coordinator.connect(
            CoordinatorConfig.builder(zooKeeper.connectString())
                .namespace(DemoConfig.NAMESPACE)
                .sessionTimeout(Duration.ofSeconds(10))
                .connectionTimeout(Duration.ofSeconds(5))
                .build());
    resources.push(coordinator);
    BinlogPosition start = masterStatus();
    PipeDefinition definition =
        PipeDefinition.builder(PIPE)
            .sourceUrl("mysql://127.0.0.1:" + mariaDb.port())
            .user(mariaDb.replicationUser())
            .passwordRef("env:" + SOURCE_PASSWORD)
            .serverId(2_001)
            .reportHost("hamal-demo")
            .businessLines(options.lines().stream().map(ProductLine::schema).sorted().toList())
            .start(StartPosition.at(start.file(), start.position()))
            .build();
    if (coordinator.pipes().find(PIPE).isPresent()) {
      coordinator.pipes().update(definition); // a kept data dir: the port may have changed
    } else {
      coordinator.pipes().add(definition);
    }
  }

  private void startGateway() throws Exception {
    GatewaySettings settings = GatewaySettings.load(config.file(), environment);
    gateway = GatewayCommand.start(settings, environment, gatewayParts);
    try (var database = GatewayCommand.openDatabase(settings, environment)) {
      ApiKeys keys =
          new ApiKeys(
              database,
              java.time.Clock.systemUTC(),
              Duration.ofSeconds(5),
              com.github.benmanes.caffeine.cache.Ticker.systemTicker());
      apiKey = keys.create("demo", KeyScopes.administrator(), Optional.empty()).token();
    }
  }

  /** The gateway port to configure: the requested one when free, else 0 (any free port). */
  int gatewayPortToBind() {
    int wanted = options.gatewayPort();
    if (wanted == 0) {
      return 0;
    }
    try (ServerSocket probe = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      report("port " + wanted + " is taken; the gateway uses a free port instead");
      return 0;
    }
  }

  /**
   * Starts the order simulator on the product-line databases; stopped by {@link #close()}.
   *
   * @throws IllegalStateException when one already runs
   */
  public OrderSimulator startSimulator(SimulatorConfig config) {
    if (simulator != null && simulator.isRunning()) {
      throw new IllegalStateException("the simulator already runs");
    }
    simulator = OrderSimulator.start(dataSource, config);
    return simulator;
  }

  /** The console's address, e.g. {@code http://127.0.0.1:8080/console/}. */
  public String consoleUrl() {
    return gatewayUrl() + "/console/";
  }

  /** The gateway's base address, e.g. {@code http://127.0.0.1:8080}. */
  public String gatewayUrl() {
    return "http://127.0.0.1:" + gateway.port();
  }

  /** The demo's API key (admin scopes, every line), created at start. */
  public String apiKey() {
    return apiKey;
  }

  /** The two listener instances, {@code listener-1} and {@code listener-2}. */
  public List<RoleProcess> listeners() {
    return List.copyOf(listeners);
  }

  /** The two processor instances. */
  public List<RoleProcess> processors() {
    return List.copyOf(processors);
  }

  /** The Kafka broker (restart it to see every part reconnect). */
  public KafkaBroker kafka() {
    return kafka;
  }

  /** The product lines' database server. */
  public MariaDbServer mariaDb() {
    return mariaDb;
  }

  /** ZooKeeper, for the demo's connections. */
  public EmbeddedZooKeeper zooKeeper() {
    return zooKeeper;
  }

  /** OpenSearch, the search index's node. */
  public OpenSearchNode openSearch() {
    return openSearch;
  }

  /** Redis, the cache. */
  public RedisServer redis() {
    return redis;
  }

  /** The generated configuration every role reads. */
  public DemoConfig config() {
    return config;
  }

  /** Where the data, the configuration and the roles' logs are. */
  public Path workDir() {
    return workDir;
  }

  /** The environment the roles get: the secrets their configuration references. */
  public Map<String, String> environment() {
    return Map.copyOf(environment);
  }

  /** An admin data source on the product lines' server. */
  public MariaDbDataSource dataSource() {
    return dataSource;
  }

  /** The pipe's status as the cluster records it. */
  public PipeStatus pipeStatus() {
    return coordinator.pipes().status(PIPE);
  }

  /** The pipe's committed position, if any. */
  public Optional<PipePosition> committed() {
    return coordinator.positions().read(PIPE);
  }

  /** The product-line server's current binlog end. */
  public BinlogPosition masterStatus() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
      rs.next();
      return new BinlogPosition(rs.getString(1), rs.getLong(2));
    }
  }

  /** The order store's shards, as JDBC URLs on the demo's MariaDB (admin user and password). */
  public List<String> storeShards() {
    List<String> urls = new ArrayList<>();
    for (int shard = 0; shard < STORE_SHARDS; shard++) {
      urls.add(mariaDb.jdbcUrl(STORE_SHARD_PREFIX + shard));
    }
    return urls;
  }

  /** The business lines the roles read (the mappings in the work directory). */
  public dev.hamal.order.BusinessLines businessLines() {
    return dev.hamal.order.BusinessLines.loadDirectory(workDir.resolve("business-lines"));
  }

  /** The options this system was started with. */
  public Options options() {
    return options;
  }

  private void report(String what) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    progress.printf("hamal demo: [%5.1f s] %s%n", seconds, what);
    progress.flush();
  }

  /** Stops everything (once; later calls return at once). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (simulator != null) {
      simulator.close();
    }
    // the gateway first (it reads the stores), then the roles, then the servers
    ProcessorCommand.closeAll(gatewayParts);
    List<RoleProcess> roles = new ArrayList<>(listeners);
    roles.addAll(processors);
    List<Thread> stopping = new ArrayList<>();
    for (RoleProcess role : roles) {
      stopping.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  if (!role.stop(GRACE)) {
                    progress.println(
                        "hamal demo: " + role.name() + " did not stop in " + GRACE + "; killed");
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }));
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    while (!resources.isEmpty()) {
      closeQuietly(resources.pop());
    }
    if (temporaryWorkDir) {
      deleteQuietly(workDir);
    }
  }

  private void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      progress.println("hamal demo: stopping " + closeable + " failed: " + e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException e) {
              // left for the system's temporary-file cleaning
            }
          });
    } catch (IOException | UncheckedIOException e) {
      // left for the system's temporary-file cleaning
    }
  }

  /** Copies the example business-line mappings of {@code lines} into {@code dir}. */
  static void writeLineFiles(Path dir, Set<ProductLine> lines) throws IOException {
    Files.createDirectories(dir);
    for (String resource : LINE_FILES) {
      String fileName = Path.of(resource).getFileName().toString();
      boolean chosen =
          lines.stream().anyMatch(l -> fileName.equals(l.schema().toLowerCase() + ".yaml"));
      Path target = dir.resolve(fileName);
      if (!chosen) {
        Files.deleteIfExists(target);
        continue;
      }
      try (InputStream in = DemoSystem.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + resource);
        }
        Files.write(target, in.readAllBytes());
      }
    }
  }
}
