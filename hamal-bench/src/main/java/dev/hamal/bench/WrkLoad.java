package dev.hamal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code wrk} (the Debian package) as a closed-loop load generator: {@code threads} threads
 * keeping {@code connections} HTTP/1.1 keep-alive connections busy for a duration, each request a
 * GET of {@code prefix + id + suffix} with an id drawn at random from a file (or of {@code prefix}
 * alone without one), with {@code Authorization: Bearer <key>}.
 *
 * <p>The Lua script is written to the work directory; its {@code done} function prints one line
 * {@code HAMAL_WRK {json}} with the request count, duration, latency percentiles (wrk's own
 * histogram, microseconds) and error counts, which {@link #run} parses; wrk's human summary is kept
 * for the error message when that line is missing. Closed loop: wrk measures latency from when a
 * request is sent, so a stalled server delays sends instead of showing as latency (coordinated
 * omission); the rate-fixed scenarios use {@link OpenLoopLoad} instead.
 */
final class WrkLoad {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * One run's figures.
   *
   * @param requests requests completed
   * @param seconds the run's duration
   * @param p50Micros median latency
   * @param p99Micros 99th percentile latency
   * @param maxMicros the slowest request
   * @param errors non-2xx/3xx responses plus socket errors and timeouts
   */
  record Result(
      long requests, double seconds, long p50Micros, long p99Micros, long maxMicros, long errors) {
    double perSecond() {
      return requests / seconds;
    }
  }

  private final Path workDir;
  private final int threads;
  private final int connections;

  WrkLoad(Path workDir, int threads, int connections) {
    this.workDir = workDir;
    this.threads = threads;
    this.connections = connections;
  }

  /** The wrk executable on PATH; fails with how to install it when there is none. */
  static Path requireInstalled() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "wrk");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new WorkloadException(
        "wrk (the HTTP load generator) is not on PATH; install it with 'apt-get install wrk'"
            + " (Debian/Ubuntu) and run the benchmark again");
  }

  /** wrk's version line. */
  static String version() {
    try {
      Process p =
          new ProcessBuilder(requireInstalled().toString(), "--version")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out.lines().findFirst().orElse("wrk").trim();
    } catch (IOException e) {
      throw new WorkloadException("cannot run wrk --version: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorkloadException("interrupted");
    }
  }

  /**
   * Runs wrk against {@code baseUri + prefix [+ id + suffix]}.
   *
   * @param ids a file of ids, one a line, or empty to request {@code prefix} only
   */
  Result run(
      String name,
      String baseUri,
      String prefix,
      Optional<Path> ids,
      String suffix,
      String token,
      Duration duration)
      throws IOException, InterruptedException {
    Path script = workDir.resolve("wrk-" + name + ".lua");
    Files.writeString(
        script, script(prefix, ids.map(Path::toString).orElse(""), suffix, token), UTF_8);
    List<String> command = new ArrayList<>();
    command.add(requireInstalled().toString());
    command.addAll(
        List.of(
            "-t",
            Integer.toString(threads),
            "-c",
            Integer.toString(connections),
            "-d",
            duration.toSeconds() + "s",
            "--timeout",
            "5s",
            "-s",
            script.toString(),
            baseUri));
    Path log = workDir.resolve("wrk-" + name + ".out");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new WorkloadException(
          "wrk did not finish within its duration + 60 s; output in " + log);
    }
    String out = Files.readString(log, UTF_8);
    String line =
        out.lines()
            .filter(l -> l.startsWith("HAMAL_WRK "))
            .findFirst()
            .orElseThrow(() ->
                new WorkloadException(
                    "wrk (exit " + p.exitValue() + ") printed no result line:\n" + out.strip()));
    JsonNode json = MAPPER.readTree(line.substring("HAMAL_WRK ".length()));
    long errors =
        json.path("status_errors").asLong()
            + json.path("connect_errors").asLong()
            + json.path("read_errors").asLong()
            + json.path("write_errors").asLong()
            + json.path("timeouts").asLong();
    return new Result(
        json.path("requests").asLong(),
        json.path("duration_us").asLong() / 1e6,
        json.path("p50_us").asLong(),
        json.path("p99_us").asLong(),
        json.path("max_us").asLong(),
        errors);
  }

  private static final java.nio.charset.Charset UTF_8 = StandardCharsets.UTF_8;

  private static String script(String prefix, String idsFile, String suffix, String token) {
    return String.format(
        Locale.ROOT,
        """
        -- written by hamal bench gateway
        local prefix = %s
        local idsFile = %s
        local suffix = %s
        local ids = {}
        local counter = 0

        function setup(thread)
          counter = counter + 1
          thread:set("tid", counter)
        end

        function init(args)
          if idsFile ~= "" then
            for line in io.lines(idsFile) do
              if line ~= "" then ids[#ids + 1] = line end
            end
          end
          math.randomseed(4242 + (tid or 0))
          wrk.headers["Authorization"] = "Bearer " .. %s
        end

        function request()
          if #ids == 0 then
            return wrk.format("GET", prefix)
          end
          return wrk.format("GET", prefix .. ids[math.random(#ids)] .. suffix)
        end

        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format(
            "HAMAL_WRK {\\"requests\\":%%d,\\"duration_us\\":%%d,\\"p50_us\\":%%d,"
            .. "\\"p99_us\\":%%d,\\"max_us\\":%%d,\\"status_errors\\":%%d,"
            .. "\\"connect_errors\\":%%d,\\"read_errors\\":%%d,\\"write_errors\\":%%d,"
            .. "\\"timeouts\\":%%d}\\n",
            summary.requests, summary.duration,
            math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
            latency.max, e.status, e.connect, e.read, e.write, e.timeout))
        end
        """,
        lua(prefix),
        lua(idsFile),
        lua(suffix),
        lua(token));
  }

  /** A Lua string literal. */
  private static String lua(String text) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format(Locale.ROOT, "\\%03d", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
