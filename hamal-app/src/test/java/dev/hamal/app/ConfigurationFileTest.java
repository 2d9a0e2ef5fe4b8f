package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hamal.gateway.SearchLevel;
import dev.hamal.order.BusinessLines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One hamal.yaml for every role: each role reads the shared sections and its own strictly, accepts
 * the other roles' sections unvalidated, refuses keys and variables no role knows; secrets are
 * references read at start and never shown; the examples load with every role; the documentation
 * names every key.
 */
class ConfigurationFileTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  /** A whole deployment: every role finds what it needs. */
  private static final String DEPLOYMENT =
      """
      business-lines: ./lines
      zookeeper:
        connect: zk1:2181,zk2:2181,zk3:2181
        namespace: shop
        session-timeout: 20s
      kafka:
        bootstrap-servers: k1:9092,k2:9092
        dead-letter-topic: shop.dead
        producer: {linger.ms: 20}
      store:
        shards: jdbc:mariadb://db1/orders,jdbc:mariadb://db2/orders
        password: env:STORE_PW
      index: {hosts: "http://s1:9200"}
      cache: {redis: "redis://c1:6379"}
      listener:
        decode-threads: 2
        metrics: {port: 9500}
      processor:
        max-batch: 700
        reconcile: {interval: 5m}
        metrics: {port: 9501}
      gateway:
        cursor-secret: env:CURSOR_SECRET
        server: {port: 8181}
        database: {jdbc-url: "jdbc:mariadb://db1/gateway", password: env:STORE_PW}
        product-lines: {}
        subscriptions: {}
        operations: {enabled: true}
      """;

  private static final Map<String, String> ENV =
      Map.of("STORE_PW", "store-pw", "CURSOR_SECRET", SECRET);

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("hamal.yaml");
  }

  private ListenerSettings listener(String yaml, Map<String, String> env) {
    return ListenerSettings.parse(file(), yaml, env, "host-1");
  }

  private ProcessorSettings processor(String yaml, Map<String, String> env) {
    return ProcessorSettings.parse(file(), yaml, env);
  }

  private GatewaySettings gateway(String yaml, Map<String, String> env) {
    return GatewaySettings.parse(file(), yaml, env);
  }

  /** Every role's reading of a file, by role name. */
  private Map<String, Function<Map<String, String>, Object>> roles(String yaml) {
    Map<String, Function<Map<String, String>, Object>> roles = new java.util.LinkedHashMap<>();
    roles.put("listener", env -> listener(yaml, env));
    roles.put("processor", env -> processor(yaml, env));
    roles.put("gateway", env -> gateway(yaml, env));
    return roles;
  }

  private static String problems(Runnable read) {
    return catchThrowableOfType(SettingsException.class, read::run).getMessage();
  }

  @Test
  void shouldDriveAllThreeRolesFromOneFileWithTheSharedSectionsGivenOnce() {
    ListenerSettings l = listener(DEPLOYMENT, ENV);
    ProcessorSettings p = processor(DEPLOYMENT, ENV);
    GatewaySettings g = gateway(DEPLOYMENT, ENV);

    assertThat(List.of(l.businessLines(), p.businessLines(), g.businessLines()))
        .containsOnly(dir.resolve("lines"));
    assertThat(
            List.of(
                l.coordination(),
                p.reconcile().orElseThrow().coordination(),
                g.productLines().orElseThrow().coordination(),
                g.operations().orElseThrow().coordination()))
        .allSatisfy(zk -> {
          assertThat(zk.connectString()).isEqualTo("zk1:2181,zk2:2181,zk3:2181");
          assertThat(zk.namespace()).isEqualTo("shop");
          assertThat(zk.sessionTimeout()).isEqualTo(Duration.ofSeconds(20));
        });
    assertThat(
            List.of(
                l.kafkaBootstrapServers(),
                p.processor().bootstrapServers(),
                g.subscriptions().orElseThrow().bootstrapServers(),
                g.operations().orElseThrow().bootstrapServers()))
        .containsOnly("k1:9092,k2:9092");
    assertThat(List.of(l.kafka().deadLetterTopic(), p.processor().deadLetterTopic()))
        .containsOnly("shop.dead");
    assertThat(g.operations().orElseThrow().deadLetterTopic()).isEqualTo("shop.dead");
    assertThat(p.store()).isEqualTo(g.store());
    assertThat(p.index()).isEqualTo(g.index());
    assertThat(p.cache()).isEqualTo(g.cache());
    assertThat(l.decodeThreads()).isEqualTo(2);
    assertThat(l.metricsPort()).isEqualTo(9500);
    assertThat(p.processor().maxBatch()).isEqualTo(700);
    assertThat(p.metricsPort()).isEqualTo(9501);
    assertThat(g.server().port()).isEqualTo(8181);
  }

  @Test
  void shouldReportAnUnknownKeyAnywhereToEveryRole() {
    String yaml =
        DEPLOYMENT
                .replace("namespace: shop", "namespace: shop\n  sesion-timeout: 20s")
                .replace("decode-threads: 2", "decode-threads: 2\n  decode-thread: 3")
                .replace("server: {port: 8181}", "server: {port: 8181, prot: 1}")
                .replace("reconcile: {interval: 5m}", "reconcile: {interval: 5m, windw: 1h}")
            + "metrics: {port: 1}\n";
    for (var role : roles(yaml).entrySet()) {
      assertThat(problems(() -> role.getValue().apply(ENV)))
          .as(role.getKey())
          .contains("zookeeper.sesion-timeout: unknown key; accepted keys under zookeeper:")
          .contains("listener.decode-thread: unknown key; accepted keys under listener:")
          .contains("gateway.server.prot: unknown key; accepted keys under gateway.server: host,")
          .contains("processor.reconcile.windw: unknown key")
          .contains("metrics: unknown key; accepted top-level keys: business-lines, zookeeper,");
    }
    assertThat(problems(() -> SharedSettings.load(write(yaml), ENV)))
        .contains("listener.decode-thread: unknown key");
  }

  @Test
  void shouldNotValidateAnotherRolesSectionButLeaveItToThatRole() {
    String yaml =
        DEPLOYMENT
            .replace("decode-threads: 2", "decode-threads: many")
            .replace("max-batch: 700", "max-batch: 0")
            .replace("server: {port: 8181}", "server: {port: 70000}")
            .replace("cursor-secret: env:CURSOR_SECRET", "cursor-secret: plain-secret");
    assertThat(problems(() -> listener(yaml, ENV)))
        .contains("listener.decode-threads: 'many'")
        .doesNotContain("processor.")
        .doesNotContain("gateway.");
    assertThat(problems(() -> processor(yaml, ENV)))
        .contains("processor.max-batch: '0'")
        .doesNotContain("listener.")
        .doesNotContain("gateway.");
    assertThat(problems(() -> gateway(yaml, ENV)))
        .contains("gateway.server.port: '70000'")
        .contains("gateway.cursor-secret: must be a reference")
        .doesNotContain("listener.")
        .doesNotContain("processor.")
        .doesNotContain("plain-secret");
    // nor does a role need another role's required keys or secrets
    String listenerOnly =
        "zookeeper: {connect: zk:2181}\nkafka: {bootstrap-servers: k:9092}\n"
            + "gateway: {database: {password: env:NOT_SET}}\n";
    assertThat(listener(listenerOnly, Map.of()).coordination().connectString())
        .isEqualTo("zk:2181");
  }

  @Test
  void shouldValidateTheSharedSectionsForEveryRole() {
    String yaml =
        DEPLOYMENT
            .replace("namespace: shop", "namespace: Shop!")
            .replace(
                "password: env:STORE_PW\nindex", "password: env:STORE_PW\n  pool-size: 0\nindex");
    for (var role : roles(yaml).entrySet()) {
      assertThat(problems(() -> role.getValue().apply(ENV)))
          .as(role.getKey())
          .contains("zookeeper.namespace: 'Shop!' is not accepted")
          .contains("store.pool-size: '0' is not accepted; expected a whole number from 1 to 256");
    }
  }

  @Test
  void shouldLetAVariableOverrideANestedKeyOfEveryRole() {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("HAMAL_GATEWAY_SERVER_PORT", "9191");
    env.put("HAMAL_LISTENER_METRICS_PORT", "0");
    env.put("HAMAL_PROCESSOR_RECONCILE_WINDOW", "3h");
    env.put("HAMAL_ZOOKEEPER_RETRY_MAX_RETRIES", "9");
    env.put("HAMAL_KAFKA_BOOTSTRAP_SERVERS", "k9:9092");
    env.put("HAMAL_LOG_LEVEL", "DEBUG"); // not a setting: ignored
    env.put("HAMAL_IT_PASSWORD", "x"); // under no section: ignored
    assertThat(gateway(DEPLOYMENT, env).server().port()).isEqualTo(9191);
    assertThat(listener(DEPLOYMENT, env).metricsPort()).isZero();
    assertThat(listener(DEPLOYMENT, env).coordination().retryMaxRetries()).isEqualTo(9);
    assertThat(processor(DEPLOYMENT, env).reconcile().orElseThrow().window())
        .isEqualTo(Duration.ofHours(3));
    assertThat(processor(DEPLOYMENT, env).processor().bootstrapServers()).isEqualTo("k9:9092");
  }

  @Test
  void shouldRefuseAVariableThatOverridesNoKey() {
    Map<String, String> env = new HashMap<>(ENV);
    env.put("HAMAL_KAFKA_BOOTSTRAP_SERVER", "k9:9092");
    env.put("HAMAL_GATEWAY_SERVER_PROT", "1");
    for (var role : roles(DEPLOYMENT).entrySet()) {
      assertThat(problems(() -> role.getValue().apply(env)))
          .as(role.getKey())
          .contains("HAMAL_KAFKA_BOOTSTRAP_SERVER: overrides no key")
          .contains("keys under kafka: bootstrap-servers,")
          .contains("HAMAL_GATEWAY_SERVER_PROT: overrides no key")
          .contains("keys under gateway.server: host, port");
    }
  }

  @Test
  void shouldReadAFileSecretAtStartWithoutItsTrailingNewlineAndNeverShowIt() throws Exception {
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/cursor"), SECRET + "\r\n");
    Files.writeString(dir.resolve("secrets/store"), "line one\nline two\n\n");
    String yaml =
        DEPLOYMENT
            .replace("env:CURSOR_SECRET", "file:secrets/cursor")
            .replace("password: env:STORE_PW\nindex", "password: file:secrets/store\nindex");

    GatewaySettings g = gateway(yaml, ENV);
    assertThat(g.cursorSecret()).isInstanceOf(SecretRef.File.class);
    assertThat(g.cursorSecret().resolve(Map.of())).isEqualTo(SECRET);
    assertThat(g.store().orElseThrow().password().orElseThrow().resolve(Map.of()))
        .isEqualTo("line one\nline two");
    assertThat(g.toString() + processor(yaml, ENV))
        .contains("file:" + dir.resolve("secrets/store"))
        .doesNotContain(SECRET)
        .doesNotContain("line one");

    Files.writeString(dir.resolve("secrets/store"), "\n");
    Files.delete(dir.resolve("secrets/cursor"));
    String problems = problems(() -> gateway(yaml, ENV));
    assertThat(problems)
        .contains(
            "gateway.cursor-secret (file:"
                + dir.resolve("secrets/cursor")
                + "): cannot be read (NoSuchFileException)")
        .contains("store.password (file:" + dir.resolve("secrets/store") + "): the file is empty");
    // a file named by a variable is relative to the working directory, like every path there
    Map<String, String> env = new HashMap<>(ENV);
    env.put("HAMAL_GATEWAY_CURSOR_SECRET", "file:relative/cursor");
    assertThat(problems(() -> gateway(yaml, env)))
        .contains("file:" + Path.of("relative/cursor").toAbsolutePath());
  }

  @Test
  void shouldRefuseASecretVariableThatIsAlsoTheVariableOfAKey() {
    String yaml = DEPLOYMENT.replace("env:STORE_PW", "env:HAMAL_STORE_PASSWORD");
    Map<String, String> env = Map.of("HAMAL_STORE_PASSWORD", "pw", "CURSOR_SECRET", SECRET);
    // set, the variable overrides the key with the secret itself, which is refused unseen
    assertThat(problems(() -> processor(yaml, env)))
        .contains("HAMAL_STORE_PASSWORD (overrides store.password of")
        .contains("must be a reference env:VARIABLE or file:PATH")
        .contains("If this variable holds the secret, give it another name (without HAMAL_)")
        .doesNotContain("'pw'");
    // unset, the reference itself is refused
    assertThat(problems(() -> processor(yaml, Map.of("CURSOR_SECRET", SECRET))))
        .contains(
            "store.password: env:HAMAL_STORE_PASSWORD names the variable that overrides"
                + " store.password");
  }

  @Test
  void shouldRefuseAKeyGivenTwiceAndAValueWhereASectionBelongs() {
    String twice = DEPLOYMENT + "zookeeper.connect: zk9:2181\n";
    assertThat(problems(() -> listener(twice, ENV))).contains("zookeeper.connect: is given twice");
    String scalar = DEPLOYMENT.replace("server: {port: 8181}", "server: 8181");
    assertThat(problems(() -> gateway(scalar, ENV)))
        .contains("gateway.server: must be a mapping with the keys host, port,");
    String mapping = DEPLOYMENT.replace("decode-threads: 2", "decode-threads: {count: 2}");
    assertThat(problems(() -> listener(mapping, ENV)))
        .contains("listener.decode-threads: must be a single value, not a mapping")
        .doesNotContain("decode-threads.count");
  }

  @Test
  void shouldLoadEveryExampleWithEveryRole() throws Exception {
    Path examples = Path.of("..", "examples").toAbsolutePath().normalize();
    Path copy = dir.resolve("examples");
    copyTree(examples, copy);
    List<Path> files;
    try (Stream<Path> all = Files.walk(copy)) {
      files = all.filter(p -> p.getFileName().toString().equals("hamal.yaml")).sorted().toList();
    }
    assertThat(files)
        .extracting(p -> copy.relativize(p).toString())
        .containsExactly("hamal.yaml", "production/hamal.yaml");
    for (Path file : files) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      Map<String, String> env = envOf(file);
      Matcher secrets = Pattern.compile("file:(\\S+)").matcher(text);
      while (secrets.find()) {
        Path secret = Path.of(secrets.group(1));
        assertThat(secret).as(file + ": a secret file relative to the file").isRelative();
        Files.createDirectories(file.getParent().resolve(secret).getParent());
        Files.writeString(file.getParent().resolve(secret), SECRET + "\n");
      }
      ListenerSettings l = ListenerSettings.load(file, env);
      ProcessorSettings p = ProcessorSettings.load(file, env);
      GatewaySettings g = GatewaySettings.load(file, env);
      SharedSettings.load(file, env);
      assertThat(p.store()).as(file.toString()).isPresent();
      assertThat(g.productLines()).as(file.toString()).isPresent();
      assertThat(g.operations()).as(file.toString()).isPresent();
      assertThat(p.businessLines()).isEqualTo(l.businessLines()).isEqualTo(g.businessLines());
      if (Files.isDirectory(l.businessLines())) {
        assertThat(BusinessLines.loadDirectory(l.businessLines()).lines()).isNotEmpty();
      }
    }
    Path productionFile = copy.resolve("production/hamal.yaml");
    GatewaySettings production = GatewaySettings.load(productionFile, envOf(productionFile));
    assertThat(production.store().orElseThrow().shards()).hasSize(4);
    assertThat(production.index().orElseThrow().hosts()).hasSize(3);
    assertThat(production.index().orElseThrow().password().orElseThrow())
        .isInstanceOf(SecretRef.File.class);
    ListenerSettings productionListener =
        ListenerSettings.load(productionFile, envOf(productionFile));
    assertThat(productionListener.coordination().connectString().split(",")).hasSize(3);
    assertThat(productionListener.kafkaBootstrapServers().split(",")).hasSize(3);
    assertThat(productionListener.kafka().producer())
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true");
  }

  /** Dummy values (as long as a cursor secret must be) for every variable a file references. */
  private static Map<String, String> envOf(Path file) throws IOException {
    Map<String, String> env = new HashMap<>();
    Matcher variables =
        Pattern.compile("env:([A-Za-z_][A-Za-z0-9_]*)")
            .matcher(Files.readString(file, StandardCharsets.UTF_8));
    while (variables.find()) {
      env.put(variables.group(1), SECRET);
    }
    return env;
  }

  @Test
  void shouldDocumentEveryKeyWithItsVariableAndTheRolesThatReadIt() throws Exception {
    SettingsReader r = SettingsReader.of(file(), "", Map.of());
    SharedSettings.read(r);
    Role.readSections(r, Optional.empty());
    Set<String> keys = new LinkedHashSet<>();
    for (String key : r.knownKeys()) {
      keys.add(key.endsWith(".*") ? key.substring(0, key.length() - 2) : key);
    }
    Map<String, String> variables = new HashMap<>();
    for (String key : keys) {
      assertThat(variables.put(SettingsReader.envName(key), key))
          .as("two keys with the variable " + SettingsReader.envName(key))
          .isNull();
    }
    String docs =
        Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
    List<String> documented = new ArrayList<>();
    Matcher rows = Pattern.compile("(?m)^\\| `([a-z0-9.<>-]+)`").matcher(docs);
    while (rows.find()) {
      String row = rows.group(1);
      if (row.contains("<level>")) { // one row for the four levels
        for (SearchLevel level : SearchLevel.values()) {
          documented.add(row.replace("<level>", level.label()));
        }
      } else {
        documented.add(row);
      }
    }
    for (String key : keys) {
      assertThat(documented).as("a table row for " + key).contains(key);
      String variable = SettingsReader.envName(key);
      for (SearchLevel level : SearchLevel.values()) {
        variable =
            variable.replace(
                SettingsReader.envName("gateway.levels." + level.label()) + "_",
                "HAMAL_GATEWAY_LEVELS_<LEVEL>_");
      }
      if (!SettingsReader.FREE_FORM.contains(key)) {
        assertThat(docs).as(key).contains("`" + variable + "`");
      }
    }
    assertThat(keys).as("every documented key exists").containsAll(documented);
  }

  private Path write(String yaml) {
    try {
      return Files.writeString(file(), yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @Test
  void shouldReadOnlyTheSharedSectionsForTheOperatorCommands() {
    Path file = write(DEPLOYMENT.replace("max-batch: 700", "max-batch: 0"));
    SharedSettings shared = SharedSettings.load(file, Map.of());
    assertThat(shared.zookeeper().orElseThrow().namespace()).isEqualTo("shop");
    assertThatThrownBy(
            () -> SharedSettings.load(write("zookeeper: {namespace: 'x y'}\n"), Map.of()))
        .hasMessageContaining("zookeeper.namespace");
  }
}
