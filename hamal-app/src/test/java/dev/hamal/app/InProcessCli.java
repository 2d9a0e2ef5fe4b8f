package dev.hamal.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code hamal} commands in this JVM, capturing standard output and error. */
final class InProcessCli {
  private InProcessCli() {}

  /** What a command printed and returned. */
  record Result(int exit, String out, String err) {
    /** For assertion messages. */
    String describe() {
      return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /** Runs {@code hamal ARGS...}. */
  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** Runs {@code hamal pipe SUBCOMMAND ARGS... --zookeeper ZK --namespace NS}. */
  static Result pipe(String zooKeeper, String namespace, String... args) {
    List<String> all = new ArrayList<>();
    all.add("pipe");
    all.addAll(List.of(args));
    all.addAll(List.of("--zookeeper", zooKeeper, "--namespace", namespace));
    return run(all.toArray(String[]::new));
  }
}
