package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hamal.embedded.MariaDbServer;
import dev.hamal.order.BusinessLines;
import dev.hamal.order.OrderSink;
import dev.hamal.order.OrderStatus;
import dev.hamal.order.StoredOrder;
import dev.hamal.processor.DeadLetter;
import dev.hamal.processor.DeadLetterQueue;
import dev.hamal.processor.Processor;
import dev.hamal.processor.ProcessorConfig;
import dev.hamal.store.OrderStore;
import dev.hamal.store.OrderStoreConfig;
import dev.hamal.testkit.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A poison message end to end: a source row whose status code the business line does not know is
 * dead-lettered by the listener with the reason (the other rows flow on into the order store);
 * after the operator adds the code to the mapping, {@code hamal dlq replay} maps the row again and
 * the processor writes it.
 */
class PoisonMessageIT {
  private static final String PASSWORD_VARIABLE = "POISON_IT_PASSWORD";

  @TempDir Path dir;

  private final MariaDbServer server = TestServers.mariaDb114();
  private final String zk = TestServers.zooKeeper().connectString();
  private final String kafka = TestServers.kafka().bootstrapServers();
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String line = "poison_" + suffix;
  private final String pipe = "poison-" + suffix;
  private final String schema = "poison_it_" + suffix;
  private final String deadLetters = "poison-dead-" + suffix;

  private static final String LINE =
      """
      name: %s
      pipe: %s
      source: {schema: %s, tables: [orders]}
      order_id: id
      fields:
        status: {column: status, codes: {0: CREATED, 1: PAID%s}}
        total_amount: {column: amount, unit: yuan}
        created_at: created
      """;

  private Connection admin() throws Exception {
    return DriverManager.getConnection(
        server.jdbcUrl("mysql"), server.adminUser(), server.adminPassword());
  }

  @Test
  void shouldDeadLetterAnUnmappableRowWithItsReasonAndApplyItWhenReplayedAfterTheFix()
      throws Exception {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + schema);
      s.execute("CREATE DATABASE " + schema + "_store");
      s.execute(
          "CREATE TABLE "
              + schema
              + ".orders (id BIGINT PRIMARY KEY, status INT NOT NULL,"
              + " amount DECIMAL(10,2) NOT NULL, created DATETIME NOT NULL)");
    }
    Path lines = Files.createDirectory(dir.resolve("lines"));
    Files.writeString(lines.resolve("poison.yaml"), LINE.formatted(line, pipe, schema, ""));
    Path config = dir.resolve("listener.yaml");
    Files.writeString(
        config,
        """
        zookeeper: {connect: %s, namespace: poison-%s}
        kafka: {bootstrap-servers: %s, dead-letter-topic: %s}
        business-lines: ./lines
        listener:
          instance-id: poison-%s
          commit-interval: 200ms
          decode-threads: 1
          source-tls: disabled
          metrics: {port: 0}
        """
            .formatted(zk, suffix, kafka, deadLetters, suffix));
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "listener",
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("listener.log").toFile());
    pb.environment().put(PASSWORD_VARIABLE, server.replicationPassword());
    Process listener = pb.start();
    OrderStore store =
        OrderStore.open(
            OrderStoreConfig.builder(server.jdbcUrl(schema + "_store"), server.adminUser())
                .password(server.adminPassword())
                .build());
    ProcessorConfig processorConfig =
        ProcessorConfig.builder(kafka)
            .topicPattern("hamal\\.orders\\." + line)
            .deadLetterTopic(deadLetters)
            .groupPrefix("poison-" + suffix + "-")
            .build();
    try (store;
        Processor processor =
            Processor.start(
                processorConfig,
                BusinessLines.loadDirectory(lines),
                List.<OrderSink>of(store),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        DeadLetterQueue queue = new DeadLetterQueue(kafka, deadLetters, Clock.systemUTC())) {
      var add =
          InProcessCli.pipe(
              zk,
              "poison-" + suffix,
              "add",
              pipe,
              "--source",
              "mysql://127.0.0.1:" + server.port(),
              "--user",
              server.replicationUser(),
              "--password-env",
              PASSWORD_VARIABLE,
              "--server-id",
              Integer.toString(50_000 + (suffix.hashCode() & 0xfff)),
              "--business-line",
              line,
              "--start",
              masterStatus());
      assertThat(add.exit()).as(add.describe()).isZero();
      try (Connection c = admin();
          Statement s = c.createStatement()) {
        s.execute(
            "INSERT INTO "
                + schema
                + ".orders VALUES (1, 0, 1.50, '2026-11-24 10:00:00'),"
                + " (2, 7, 2.50, '2026-11-24 10:00:01'), (3, 1, 3.50, '2026-11-24 10:00:02')");
      }

      await()
          .atMost(Duration.ofSeconds(60))
          .failFast(() -> assertThat(listener.isAlive()).isTrue())
          .until(() -> store.findAll(List.of(line + ":1", line + ":3")).size() == 2);
      assertThat(processor.isRunning()).isTrue();
      assertThat(store.find(line + ":2")).isEmpty();
      DeadLetter letter =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> queue.list().stream().filter(l -> l.businessLine().isPresent()).findFirst(),
                  Optional::isPresent)
              .orElseThrow();
      assertThat(letter.kind()).isEqualTo("row");
      assertThat(letter.businessLine()).contains(line);
      assertThat(letter.reason()).contains("status").contains("7");
      assertThat(letter.replayed()).isEmpty();

      // a replay before the fix still fails, says why, and leaves the letter pending
      assertThat(replay(lines, letter.id()).exit()).isEqualTo(1);
      assertThat(queue.show(letter.id()).orElseThrow().replayed()).isEmpty();

      Path fixed = Files.createDirectory(dir.resolve("fixed"));
      Files.writeString(
          fixed.resolve("poison.yaml"), LINE.formatted(line, pipe, schema, ", 7: CANCELLED"));
      Result replayed = replay(fixed, letter.id());
      assertThat(replayed.exit()).as(replayed.out()).isZero();
      assertThat(replayed.out()).containsPattern(letter.id() + " +replayed ").contains(line + ":2");

      StoredOrder order =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> store.find(line + ":2"), Optional::isPresent)
              .orElseThrow();
      assertThat(order.order().status()).isEqualTo(OrderStatus.CANCELLED);
      assertThat(order.order().totalAmount()).isEqualTo(250);
      assertThat(queue.show(letter.id()).orElseThrow().replayed()).isPresent();
    } finally {
      listener.destroy();
      listener.waitFor(30, TimeUnit.SECONDS);
      listener.destroyForcibly();
    }
  }

  private record Result(int exit, String out) {}

  private Result replay(Path businessLines, String id) {
    var out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    int exit =
        cli.execute(
            "dlq",
            "--kafka",
            kafka,
            "--topic",
            deadLetters,
            "replay",
            "--business-lines",
            businessLines.toString(),
            id);
    return new Result(exit, out.toString());
  }

  private String masterStatus() throws Exception {
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SHOW MASTER STATUS")) {
      r.next();
      return r.getString(1) + ":" + r.getLong(2);
    }
  }
}
