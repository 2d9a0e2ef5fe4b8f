package dev.hamal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GenerateCommandTest {

  @Test
  void shouldAddTheDriverOptionsTheUrlDoesNotSet() {
    assertThat(GenerateCommand.withDriverOptions("jdbc:mariadb://h:3306"))
        .isEqualTo("jdbc:mariadb://h:3306/?" + GenerateCommand.DRIVER_OPTIONS);
    assertThat(
            GenerateCommand.withDriverOptions(
                "jdbc:mariadb://h:3306/?sslMode=disable&useAffectedRows=false"))
        .startsWith("jdbc:mariadb://h:3306/?sslMode=disable&useAffectedRows=false&")
        .containsOnlyOnce("useAffectedRows");
  }

  private static int run(Map<String, String> environment, StringWriter err, String... args) {
    var command = new CommandLine(new GenerateCommand(environment));
    command.setExecutionExceptionHandler(BenchMain.commandLine().getExecutionExceptionHandler());
    command.setErr(new PrintWriter(err, true));
    command.setOut(new PrintWriter(new StringWriter(), true));
    return command.execute(args);
  }

  @Test
  void shouldRejectAMissingPasswordVariableNamingTheOption() {
    var err = new StringWriter();

    int exit = run(Map.of(), err, "--url", "jdbc:mariadb://127.0.0.1:1/", "--password-env", "NOPE");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--password-env: environment variable NOPE is not set");
  }

  @Test
  void shouldRejectAnUnknownUrlScheme() {
    var err = new StringWriter();

    int exit = run(Map.of(), err, "--url", "mysql://127.0.0.1:3306");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--url: expected jdbc:mariadb://");
  }

  @Test
  void shouldNotOfferAPasswordOption() {
    var spec = BenchMain.commandLine().getSubcommands().get("generate").getCommandSpec();

    assertThat(spec.optionsMap())
        .containsKeys("--password-env", "--password-file")
        .doesNotContainKey("--password");
  }
}
