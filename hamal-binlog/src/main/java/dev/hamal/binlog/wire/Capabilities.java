package dev.hamal.binlog.wire;

/** Capability flags of the client/server protocol, as the protocol documentation numbers them. */
final class Capabilities {
  static final int CLIENT_LONG_PASSWORD = 1;
  static final int CLIENT_LONG_FLAG = 1 << 2;
  static final int CLIENT_CONNECT_WITH_DB = 1 << 3;
  static final int CLIENT_PROTOCOL_41 = 1 << 9;
  static final int CLIENT_SSL = 1 << 11;
  static final int CLIENT_TRANSACTIONS = 1 << 13;
  static final int CLIENT_SECURE_CONNECTION = 1 << 15;
  static final int CLIENT_MULTI_RESULTS = 1 << 17;
  static final int CLIENT_PLUGIN_AUTH = 1 << 19;
  static final int CLIENT_CONNECT_ATTRS = 1 << 20;
  static final int CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1 << 21;
  static final int CLIENT_DEPRECATE_EOF = 1 << 24;

  private Capabilities() {}
}
