package dev.hamal.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hamal.order.BusinessLines;
import dev.hamal.processor.DeadLetter;
import dev.hamal.processor.DeadLetterQueue;
import dev.hamal.processor.ProcessorConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hamal dlq list|show|replay}: the dead letters of the listener (rows it could not map) and
 * of the processors (changes a store refused), read from the dead-letter topic. See {@link
 * DeadLetterQueue} for what a replay does.
 */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "List, show and replay dead letters (rows or changes that could not be applied).",
    subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--kafka",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers.")
  String kafka;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      defaultValue = ProcessorConfig.DEFAULT_DEAD_LETTER_TOPIC,
      description = "The dead-letter topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  DeadLetterQueue queue() {
    return new DeadLetterQueue(kafka, topic, Clock.systemUTC());
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** {@code hamal dlq list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per letter.")
  static final class ListLetters implements Callable<Integer> {
    @ParentCommand DlqCommand parent;

    @Option(names = "--pending", description = "Only letters not replayed yet.")
    boolean pending;

    @Override
    public Integer call() {
      try (DeadLetterQueue queue = parent.queue()) {
        List<DeadLetter> letters = queue.list();
        PrintWriter out = parent.out();
        int shown = 0;
        for (DeadLetter letter : letters) {
          if (pending && letter.replayed().isPresent()) {
            continue;
          }
          shown++;
          out.printf(
              "%-10s %s %-6s %-8s %-22s %s%s%n",
              letter.id(),
              letter.time(),
              letter.kind(),
              letter.sink().orElse("listener"),
              letter.orderId().or(letter::businessLine).orElse("-"),
              oneLine(letter.reason()),
              letter.replayed().map(t -> "  [replayed " + t + "]").orElse(""));
        }
        out.printf("%d letter(s)%n", shown);
        out.flush();
      }
      return 0;
    }

    private static String oneLine(String text) {
      String line = text.replace('\n', ' ');
      return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }
  }

  /** {@code hamal dlq show ID}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "One letter, in full.")
  static final class Show implements Callable<Integer> {
    @ParentCommand DlqCommand parent;

    @Parameters(paramLabel = "ID", description = "The letter's id (partition-offset), from list.")
    String id;

    @Override
    public Integer call() throws Exception {
      try (DeadLetterQueue queue = parent.queue()) {
        DeadLetter letter =
            queue
                .show(id)
                .orElseThrow(() -> new IllegalArgumentException("no dead letter has the id " + id));
        PrintWriter out = parent.out();
        out.println(
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(letter.body()));
        letter.replayed().ifPresent(t -> out.println("replayed at " + t));
        out.flush();
      }
      return 0;
    }
  }

  /** {@code hamal dlq replay [ID...]}. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Publish letters again to their business line's topic. Row letters are mapped again with"
            + " the business lines in --business-lines (after you fixed the mapping).",
        "Without IDs, every letter not replayed yet."
      })
  static final class Replay implements Callable<Integer> {
    @ParentCommand DlqCommand parent;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Letters to replay.")
    List<String> ids = List.of();

    @Option(
        names = "--business-lines",
        paramLabel = "DIR",
        description = "The business-line files, as fixed (needed for row letters).")
    Path businessLines;

    @Override
    public Integer call() {
      BusinessLines lines =
          businessLines == null ? BusinessLines.none() : BusinessLines.loadDirectory(businessLines);
      try (DeadLetterQueue queue = parent.queue()) {
        var outcomes = queue.replay(ids, lines);
        PrintWriter out = parent.out();
        int failed = 0;
        for (var outcome : outcomes) {
          out.printf(
              "%-10s %s %s%n",
              outcome.id(), outcome.replayed() ? "replayed" : "NOT replayed:", outcome.detail());
          if (!outcome.replayed()) {
            failed++;
          }
        }
        out.printf("%d replayed, %d not%n", outcomes.size() - failed, failed);
        out.flush();
        return failed == 0 ? 0 : 1;
      }
    }
  }
}
