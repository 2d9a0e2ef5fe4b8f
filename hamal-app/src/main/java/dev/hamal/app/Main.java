package dev.hamal.app;

import dev.hamal.binlog.BinlogException;
import dev.hamal.coordination.CoordinationException;
import dev.hamal.order.MappingException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code hamal} command line. */
@Command(
    name = "hamal",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Hamal: a virtual order center built on the binlogs of product-line databases.",
    subcommands = {
      DemoCommand.class,
      ListenerCommand.class,
      PipeCommand.class,
      TailCommand.class,
      CatchupCommand.class,
      DlqCommand.class,
      ReconcileCommand.class,
      ProcessorCommand.class,
      GatewayCommand.class
    })
public final class Main implements Runnable {
  /**
   * With the value {@code stdin}, the process stops (through its shutdown hooks, as on SIGTERM)
   * when its standard input reaches its end: the demo starts its roles so, holding their input
   * open, so that no role outlives a demo that was killed.
   */
  static final String PARENT_WATCH_PROPERTY = "hamal.parent-watch";

  private Main() {}

  public static void main(String[] args) {
    if ("stdin".equals(System.getProperty(PARENT_WATCH_PROPERTY))) {
      watchParent();
    }
    System.exit(commandLine().execute(args));
  }

  private static void watchParent() {
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // nothing is ever written: only the end matters
                }
              } catch (java.io.IOException e) {
                // a broken pipe is an end too
              }
              System.exit(0);
            },
            "hamal-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
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
      String command = commandLine.getCommandSpec().qualifiedName();
      int status = exitStatus(e);
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      err.println(command + ": " + (status == 1 && !expected(e) ? e.toString() : message));
      if (debug()) {
        e.printStackTrace(err);
      }
      err.flush();
      return status;
    });
    return cli;
  }

  /**
   * 2 for a wrong option, file or value (the user must change the command or the configuration); 1
   * for a failure at run time (a server refused, could not be reached, a pipe is in the wrong
   * state).
   */
  private static int exitStatus(Exception e) {
    return e instanceof IllegalArgumentException || e instanceof MappingException ? 2 : 1;
  }

  /** Failures whose message is written for the user; others are shown with their type. */
  private static boolean expected(Exception e) {
    return e instanceof BinlogException
        || e instanceof CoordinationException
        || e instanceof UncheckedIOException;
  }

  /** Whether {@code HAMAL_LOG_LEVEL} (property or variable) asks for DEBUG or TRACE. */
  static boolean debug() {
    String level = System.getProperty("HAMAL_LOG_LEVEL");
    if (level == null) {
      level = System.getenv("HAMAL_LOG_LEVEL");
    }
    return level != null
        && (level.equalsIgnoreCase("DEBUG")
            || level.equalsIgnoreCase("TRACE")
            || level.equalsIgnoreCase("ALL"));
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
