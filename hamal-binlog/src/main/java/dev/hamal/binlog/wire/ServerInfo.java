package dev.hamal.binlog.wire;

/** Placeholder with the agreed signatures; replaced by the protocol client. */
public record ServerInfo(
    String version,
    boolean mariaDb,
    long connectionId,
    int capabilities,
    int collationId,
    String authPluginName) {
  public boolean versionAtLeast(int major, int minor, int patch) {
    throw new UnsupportedOperationException();
  }
}
