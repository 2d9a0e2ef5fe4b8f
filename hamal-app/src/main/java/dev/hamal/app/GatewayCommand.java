package dev.hamal.app;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.hamal.cache.OrderCache;
import dev.hamal.coordination.Coordinator;
import dev.hamal.coordination.PipeDefinition;
import dev.hamal.gateway.AdminService;
import dev.hamal.gateway.AnalyticsService;
import dev.hamal.gateway.ApiKeys;
import dev.hamal.gateway.Cursors;
import dev.hamal.gateway.DeliveryRetryPolicy;
import dev.hamal.gateway.Gateway;
import dev.hamal.gateway.GatewayDatabase;
import dev.hamal.gateway.KeyScopes;
import dev.hamal.gateway.KeyService;
import dev.hamal.gateway.OrderLevels;
import dev.hamal.gateway.OrderService;
import dev.hamal.gateway.ProductLineLevel;
import dev.hamal.gateway.SearchLevel;
import dev.hamal.gateway.Subscriptions;
import dev.hamal.gateway.SubscriptionsConfig;
import dev.hamal.gateway.TemplateService;
import dev.hamal.gateway.Templates;
import dev.hamal.order.BusinessLine;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderSink;
import dev.hamal.processor.DeadLetterQueue;
import dev.hamal.reconcile.ProductLineOrders;
import dev.hamal.reconcile.ProductLineOrdersConfig;
import dev.hamal.search.OrderIndex;
import dev.hamal.store.OrderStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hamal gateway --config FILE}: one gateway instance. Stateless: any number of instances may
 * serve the same gateway database and stores behind a load balancer.
 *
 * <p><b>Stopping</b> ({@link GracefulShutdown}, bounded by {@code gateway.shutdown-grace}): SIGTERM
 * or Ctrl-C stops accepting requests and waits for those in flight (within the same grace), then
 * stops the subscriptions' dispatchers (a delivery not yet acknowledged by its receiver is not
 * marked delivered, so it is sent again), the admin sources, the levels and the database pool.
 * Every answer already given was committed first (keys, templates, subscriptions are written before
 * the response), so a stop loses nothing a client was told about.
 *
 * <p>{@code hamal gateway keys create|list|revoke --config FILE} manages API keys directly in the
 * gateway database — how the first admin key is made.
 *
 * <p>Fails fast, before serving, on a bad file (exit code 2) or a dependency that cannot be opened
 * (1).
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    subcommands = {GatewayCommand.Keys.class},
    description = {
      "Run a gateway instance: the HTTP API for orders, templates, subscriptions and analytics.",
      "Settings: gateway.* and the shared sections of hamal.yaml (docs/configuration.md);"
          + " every key can be overridden by HAMAL_<KEY>."
    })
final class GatewayCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(GatewayCommand.class);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The configuration file, hamal.yaml (see examples/hamal.yaml).")
  Path config;

  private final Map<String, String> environment;

  GatewayCommand() {
    this(System.getenv());
  }

  GatewayCommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      throw new SettingsException(List.of("--config FILE is required"));
    }
    GatewaySettings settings = GatewaySettings.load(config, environment);
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      Gateway gateway = start(settings, environment, resources);
      log.info("gateway runs on port {}", gateway.port());
    } catch (Exception | Error e) {
      ProcessorCommand.closeAll(resources);
      throw e;
    }
    GracefulShutdown.awaitSignal(
        "gateway", settings.server().shutdownGrace(), () -> ProcessorCommand.closeAll(resources));
    return 0;
  }

  /**
   * The orders service; its change history is the order store's when the store level is there and
   * records history ({@code store.history}), else the history endpoint answers 503.
   */
  private static OrderService orderService(
      OrderLevels chain,
      Templates templates,
      Cursors cursors,
      Set<String> lineNames,
      List<OrderSink> sinks,
      GatewaySettings settings) {
    boolean history = settings.store().map(SharedSettings.Store::history).orElse(false);
    for (OrderSink sink : sinks) {
      if (history && sink instanceof OrderStore store) {
        return new OrderService(chain, templates, cursors, lineNames, store);
      }
    }
    return new OrderService(chain, templates, cursors, lineNames);
  }

  /** Opens everything the gateway needs and starts it; each part is pushed on {@code resources}. */
  static Gateway start(
      GatewaySettings settings, Map<String, String> environment, Deque<AutoCloseable> resources) {
    BusinessLines lines = BusinessLines.loadDirectory(settings.businessLines());
    GatewayDatabase database = openDatabase(settings, environment);
    resources.push(database);
    ApiKeys keys =
        new ApiKeys(database, Clock.systemUTC(), settings.keyCacheTtl(), Ticker.systemTicker());
    List<OrderSink> sinks =
        ProcessorCommand.openSinks(
            settings.store(),
            settings.index(),
            settings.cache(),
            environment,
            Optional.empty(),
            resources);
    OrderLevels.Builder levels = OrderLevels.builder();
    Optional<OrderIndex> analytics = Optional.empty();
    for (OrderSink sink : sinks) {
      switch (sink) {
        case OrderCache cache ->
            levels.lookupLevel(SearchLevel.CACHE, cache, settings.levels().get(SearchLevel.CACHE));
        case OrderIndex index -> {
          levels.searchLevel(SearchLevel.INDEX, index, settings.levels().get(SearchLevel.INDEX));
          analytics = Optional.of(index);
        }
        case OrderStore store ->
            levels.searchLevel(SearchLevel.STORE, store, settings.levels().get(SearchLevel.STORE));
        default -> throw new IllegalStateException("not a level: " + sink.name());
      }
    }
    if (settings.productLines().isPresent()) {
      ProductLineLevel productLines =
          openProductLines(settings.productLines().get(), lines, environment);
      resources.push(productLines);
      levels.searchLevel(
          SearchLevel.PRODUCT_LINE, productLines, settings.levels().get(SearchLevel.PRODUCT_LINE));
    }
    OrderLevels chain = levels.build();
    resources.push(chain);
    byte[] secret = settings.cursorSecret().resolve(environment).getBytes(StandardCharsets.UTF_8);
    Cursors cursors;
    try {
      cursors = new Cursors(secret);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(
          List.of(settings.file() + ": gateway.cursor-secret: " + e.getMessage()));
    }
    Templates templates =
        new Templates(
            database,
            settings.masking(),
            Clock.systemUTC(),
            settings.templates(),
            Ticker.systemTicker());
    Set<String> lineNames =
        lines.lines().stream().map(BusinessLine::name).collect(Collectors.toUnmodifiableSet());
    Gateway.Builder builder =
        Gateway.builder(settings.server(), keys)
            .businessLines(lineNames)
            .service("/orders", orderService(chain, templates, cursors, lineNames, sinks, settings))
            .service("/templates", new TemplateService(templates))
            .service("/admin/keys", new KeyService(keys))
            .readiness("database", database::isReachable);
    analytics.ifPresent(index -> builder.service("/analytics", new AnalyticsService(index)));
    if (settings.operations().isPresent()) {
      GatewaySettings.OperationsSettings o = settings.operations().get();
      Coordinator coordinator = Coordinator.connect(o.coordination());
      GatewayOperations operations;
      try {
        operations =
            new GatewayOperations(
                coordinator,
                new DeadLetterQueue(o.bootstrapServers(), o.deadLetterTopic(), Clock.systemUTC()),
                lines);
      } catch (RuntimeException e) {
        coordinator.close();
        throw e;
      }
      resources.push(operations);
      builder.service("/admin", new AdminService(operations));
    }
    if (settings.subscriptions().isPresent()) {
      GatewaySettings.Subscriptions s = settings.subscriptions().get();
      Subscriptions subscriptions =
          new Subscriptions(
              database,
              keys,
              templates,
              SubscriptionsConfig.builder(s.bootstrapServers())
                  .topicPattern(s.topicPattern())
                  .webhookTimeout(s.webhookTimeout())
                  .retry(
                      new DeliveryRetryPolicy(
                          s.initialBackoff(), 2.0, s.maxBackoff(), s.maxAttempts()))
                  .allowPrivateTargets(s.allowPrivateTargets())
                  .build(),
              Clock.systemUTC());
      resources.push(subscriptions);
      subscriptions.start();
      builder.service("/subscriptions", subscriptions.service());
    }
    Gateway gateway = builder.start();
    resources.push(gateway);
    return gateway;
  }

  /**
   * One read-only source per pipe the loaded lines read, its address and user from the pipe's
   * definition in ZooKeeper (read once, at start). Nothing connects until the level is first asked.
   */
  private static ProductLineLevel openProductLines(
      GatewaySettings.ProductLines settings, BusinessLines lines, Map<String, String> environment) {
    List<ProductLineOrders> sources = new java.util.ArrayList<>();
    try (Coordinator coordinator = Coordinator.connect(settings.coordination())) {
      for (String pipe : lines.pipes()) {
        PipeDefinition definition =
            coordinator
                .pipes()
                .find(pipe)
                .orElseThrow(() ->
                    new SettingsException(
                        List.of(
                            "gateway.product-lines: pipe "
                                + pipe
                                + " is not defined in ZooKeeper")));
        String url =
            "jdbc:mariadb://"
                + definition.sourceUrl().substring("mysql://".length())
                + "/?sslMode="
                + settings.sslMode();
        String password = Passwords.resolve(definition.passwordRef(), environment);
        sources.add(
            ProductLineOrders.open(
                ProductLineOrdersConfig.of(url, definition.user(), password)
                    .withMaxConnections(settings.maxConnections())
                    .withQueryTimeout(settings.queryTimeout()),
                lines.forPipe(pipe).lines()));
      }
    } catch (RuntimeException e) {
      sources.forEach(ProductLineOrders::close);
      throw e;
    }
    return new ProductLineLevel(sources);
  }

  static GatewayDatabase openDatabase(GatewaySettings settings, Map<String, String> environment) {
    var db = settings.database();
    String password = settings.databasePassword().map(ref -> ref.resolve(environment)).orElse("");
    return GatewayDatabase.open(
        new GatewayDatabase.Config(
            db.jdbcUrl(), db.user(), password, db.poolSize(), db.connectionTimeout()));
  }

  /** {@code hamal gateway keys create|list|revoke}: API keys, straight in the gateway database. */
  @Command(
      name = "keys",
      mixinStandardHelpOptions = true,
      description = "Create, list or revoke API keys in the gateway database.")
  static final class Keys implements Callable<Integer> {
    @ParentCommand GatewayCommand parent;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Parameters(
        index = "0",
        paramLabel = "ACTION",
        description = "create, list or revoke")
    String action;

    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description = "The configuration file, hamal.yaml.")
    Path config;

    @Option(names = "--name", paramLabel = "NAME", description = "create: the key's name.")
    String name;

    @Option(names = "--admin", description = "create: a key with every scope (admin).")
    boolean admin;

    @Option(
        names = "--business-lines",
        split = ",",
        paramLabel = "LINE",
        description = "create: the lines the key may read (default: all).")
    List<String> businessLines;

    @Option(names = "--id", paramLabel = "KEY_ID", description = "revoke: the key's id.")
    String id;

    @Override
    public Integer call() {
      java.io.PrintWriter out = spec.commandLine().getOut();
      java.io.PrintWriter err = spec.commandLine().getErr();
      GatewaySettings settings = GatewaySettings.load(config, parent.environment);
      try (GatewayDatabase database = openDatabase(settings, parent.environment)) {
        ApiKeys keys =
            new ApiKeys(database, Clock.systemUTC(), settings.keyCacheTtl(), Ticker.systemTicker());
        switch (action) {
          case "create" -> {
            if (name == null || name.isBlank()) {
              throw new SettingsException(List.of("keys create needs --name"));
            }
            KeyScopes scopes =
                admin
                    ? KeyScopes.administrator()
                    : new KeyScopes(
                        businessLines == null ? Set.of(KeyScopes.ALL) : Set.copyOf(businessLines),
                        Set.of(KeyScopes.ALL),
                        Optional.empty(),
                        false,
                        true,
                        false,
                        0);
            var created = keys.create(name, scopes, Optional.empty());
            out.println(created.token());
            err.println(
                "key " + created.info().keyId() + " created; the line above is shown only once");
          }
          case "list" ->
              keys.list()
                  .forEach(k ->
                      out.println(
                          k.keyId()
                              + "  "
                              + k.name()
                              + "  "
                              + k.scopes().toJson()
                              + k.revokedAt().map(t -> "  revoked " + t).orElse("")));
          case "revoke" -> {
            if (id == null || !keys.revoke(id)) {
              err.println("no live key " + id);
              return 1;
            }
            out.println("revoked " + id);
          }
          default ->
              throw new SettingsException(
                  List.of("ACTION must be create, list or revoke, was " + action));
        }
      }
      return 0;
    }
  }
}
