package dev.hamal.app;

import dev.hamal.binlog.BinlogException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code hamal} command line. */
@Command(
    name = "hamal",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Hamal: a virtual order center built on the binlogs of product-line databases.",
    subcommands = {DemoCommand.class, TailCommand.class, CatchupCommand.class})
public final class Main implements Runnable {
  private Main() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with error handling: expected failures print one clear line.
   *
   * @param commands instances to use for subcommands of their classes (tests pass commands that
   *     write to a buffer); others are created as usual
   */
  static CommandLine commandLine(Object... commands) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            for (Object command : commands) {
              if (type.isInstance(command)) {
                return type.cast(command);
              }
            }
            return defaults.create(type);
          }
        };
    CommandLine cli = new CommandLine(new Main(), factory);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof IllegalArgumentException) {
        err.println("hamal " + commandLine.getCommandName() + ": " + e.getMessage());
        return 2;
      }
      if (e instanceof BinlogException) {
        err.println("hamal " + commandLine.getCommandName() + ": " + e.getMessage());
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

  /** Prints the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"hamal " + (v == null ? "(development)" : v)};
    }
  }
}
