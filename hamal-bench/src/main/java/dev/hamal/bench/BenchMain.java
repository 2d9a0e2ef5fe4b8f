package dev.hamal.bench;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code hamal bench}: one subcommand per benchmark or benchmark tool. */
@Command(
    name = "hamal bench",
    mixinStandardHelpOptions = true,
    description = "Hamal's benchmarks and the tools that prepare them.",
    subcommands = {
      GenerateCommand.class,
      GatewayBenchCommand.class,
      ListenerBenchCommand.class,
      PipelineBenchCommand.class,
      ProcessingBenchCommand.class,
      SoakCommand.class,
      CommandLine.HelpCommand.class
    })
public final class BenchMain implements Runnable {
  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line; expected failures print one line naming the command and the cause. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new BenchMain());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof IllegalArgumentException) {
        err.println("hamal bench " + commandLine.getCommandName() + ": " + e.getMessage());
        return 2;
      }
      if (e instanceof WorkloadException) {
        err.println("hamal bench " + commandLine.getCommandName() + ": " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cli;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
