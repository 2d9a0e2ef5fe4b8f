package dev.hamal.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The command line's logging set-up, found by logback through {@code META-INF/services}: warnings
 * of every library and Hamal's own messages at {@code HAMAL_LOG_LEVEL} (a system property or an
 * environment variable; default INFO) go to standard error, because standard output carries data
 * ({@code tail}'s JSON lines, {@code catchup}'s results).
 *
 * <p>It is built in code rather than read from a {@code logback.xml} because logback's XML
 * configuration costs about 0.2 s of start-up (XML parser, configuration model, reflection) in a
 * command whose whole run may take a few seconds. A configuration file still wins when there is
 * one: {@code -Dlogback.configurationFile=...}, or a {@code logback-test.xml} on the class path
 * (tests).
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || ConsoleLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    // an embedded ZooKeeper's start-up notice that is logged as a warning but asks nothing of
    // anyone
    context.getLogger("org.apache.zookeeper.server.ServerCnxnFactory").setLevel(Level.ERROR);
    context.getLogger("dev.hamal").setLevel(Level.toLevel(setting("HAMAL_LOG_LEVEL"), Level.INFO));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** A system property, else an environment variable, as logback's {@code ${NAME}} looks it up. */
  private static String setting(String name) {
    String value = System.getProperty(name);
    return value != null ? value : System.getenv(name);
  }
}
