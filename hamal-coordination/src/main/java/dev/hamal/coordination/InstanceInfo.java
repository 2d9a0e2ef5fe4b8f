package dev.hamal.coordination;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A listener instance as the cluster sees it, registered in an ephemeral node while it runs.
 *
 * @param id unique in the cluster: {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}
 * @param host the host it runs on
 * @param pid its process id
 * @param startedAt when it started
 * @param metricsUrl where its metrics are served, if anywhere
 */
public record InstanceInfo(
    String id, String host, long pid, Instant startedAt, Optional<URI> metricsUrl) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** Validates the parts. */
  public InstanceInfo {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "instance id must match " + ID.pattern() + " (it names a znode), was '" + id + "'");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("instance host must not be blank");
    }
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(metricsUrl, "metricsUrl");
  }

  /**
   * This process: the local host name, this pid, the clock's now, no metrics URL.
   *
   * @param id the instance id, unique in the cluster
   * @param clock the clock for the start time
   */
  public static InstanceInfo ofThisProcess(String id, Clock clock) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return new InstanceInfo(
        id, host, ProcessHandle.current().pid(), clock.instant(), Optional.empty());
  }

  /** A copy with a metrics URL. */
  public InstanceInfo withMetricsUrl(URI url) {
    return new InstanceInfo(id, host, pid, startedAt, Optional.of(url));
  }
}
