package dev.hamal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hamal.embedded.MariaDbServer;
import dev.hamal.testkit.Sql;
import dev.hamal.testkit.TestServers;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code tail} and {@code catchup} commands against a live MariaDB. */
class CommandLineIT {
  private final MariaDbServer server = TestServers.mariaDb114();

  @Test
  void tailShouldPrintOneJsonLinePerRowChangeWithColumnNames() throws Exception {
    Sql.execute(
        server,
        "DROP DATABASE IF EXISTS cli_tail",
        "CREATE DATABASE cli_tail",
        "CREATE TABLE cli_tail.orders (id BIGINT UNSIGNED PRIMARY KEY, amount DECIMAL(10,2),"
            + " note VARCHAR(20), paid_at DATETIME(3))",
        "CREATE TABLE cli_tail.ignored (id INT PRIMARY KEY)");
    Sql.MasterStatus from = Sql.masterStatus(server);
    Sql.execute(
        server,
        "INSERT INTO cli_tail.ignored VALUES (1)",
        "INSERT INTO cli_tail.orders VALUES (18446744073709551615, 12.50, '充值 😀',"
            + " '2026-11-24 10:00:00.125')",
        "UPDATE cli_tail.orders SET amount = 13 WHERE id = 18446744073709551615",
        "DELETE FROM cli_tail.orders");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit =
        Main.commandLine(
                new TailCommand(out, Map.of("HAMAL_IT_PASSWORD", server.replicationPassword())))
            .execute(
                "tail",
                "--source",
                "mysql://" + server.host() + ":" + server.port(),
                "--user",
                server.replicationUser(),
                "--password-env",
                "HAMAL_IT_PASSWORD",
                "--from",
                from.file() + ":" + from.position(),
                "--include",
                "cli_tail.*",
                "--exclude",
                "cli_tail.ignored",
                "--limit",
                "3");
    assertThat(exit).isZero();
    List<JsonNode> lines = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      lines.add(json.readTree(line));
    }
    assertThat(lines).hasSize(3);
    assertThat(lines)
        .extracting(l -> l.get("op").asText())
        .containsExactly("insert", "update", "delete");
    JsonNode insert = lines.get(0);
    assertThat(insert.get("schema").asText()).isEqualTo("cli_tail");
    assertThat(insert.get("table").asText()).isEqualTo("orders");
    assertThat(insert.get("after").get("id").bigIntegerValue().toString())
        .isEqualTo("18446744073709551615");
    assertThat(insert.get("after").get("amount").decimalValue()).isEqualByComparingTo("12.50");
    assertThat(insert.get("after").get("note").asText()).isEqualTo("充值 😀");
    assertThat(insert.get("after").get("paid_at").asText()).isEqualTo("2026-11-24 10:00:00.125");
    assertThat(insert.get("file").asText()).isEqualTo(from.file());
    assertThat(insert.get("pos").asLong()).isGreaterThan(from.position());
    assertThat(insert.get("gtid").asText()).matches("\\d+-\\d+-\\d+");
    assertThat(insert.get("tx").asText()).isEqualTo(insert.get("gtid").asText());
    assertThat(insert.get("commitTs").asText()).endsWith("Z");
    JsonNode update = lines.get(1);
    assertThat(update.get("before").get("amount").decimalValue()).isEqualByComparingTo("12.50");
    assertThat(update.get("after").get("amount").decimalValue()).isEqualByComparingTo("13");
    assertThat(lines.get(2).has("after")).isFalse();
  }

  @Test
  void tailShouldExplainABadSourceWithoutAStackTrace() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var cli = Main.commandLine(new TailCommand(new ByteArrayOutputStream(), Map.of()));
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    int exit = cli.execute("tail", "--source", "mysql://u:secret@localhost:1");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("do not put the password in the URL")
        .doesNotContain("Exception");
  }

  /**
   * The catch-up command in its own JVM with a 256 MB heap over a 1,000,000-row transaction: the
   * window bounds memory, whatever the transaction's size.
   */
  @Test
  void catchupShouldReadAMillionRowTransactionWithinA256MegabyteHeap() throws Exception {
    Sql.execute(
        server,
        "DROP DATABASE IF EXISTS cli_huge",
        "CREATE DATABASE cli_huge",
        "CREATE TABLE cli_huge.t (id INT PRIMARY KEY, label VARCHAR(40), amount DECIMAL(12,2),"
            + " created DATETIME(6))");
    Sql.MasterStatus from = Sql.masterStatus(server);
    Sql.execute(
        server,
        "INSERT INTO cli_huge.t SELECT seq, CONCAT('order-', seq), seq / 100,"
            + " '2026-01-01 00:00:00' + INTERVAL seq SECOND FROM cli_huge.seq_1_to_1000000");
    Sql.MasterStatus to = Sql.masterStatus(server);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "catchup",
            "--source",
            "mysql://" + server.host() + ":" + server.port(),
            "--user",
            server.replicationUser(),
            "--password-env",
            "HAMAL_IT_PASSWORD",
            "--from",
            from.file() + ":" + from.position(),
            "--to",
            to.file() + ":" + to.position());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("HAMAL_IT_PASSWORD", server.replicationPassword());
    Process process = pb.start();
    List<String> output = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.add(line);
      }
    }
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(String.join("\n", output)).isZero();
    assertThat(output.get(output.size() - 1))
        .matches("RESULT rows=1000000 inserts=1000000 updates=0 deletes=0 seconds=[0-9.]+");
  }
}
