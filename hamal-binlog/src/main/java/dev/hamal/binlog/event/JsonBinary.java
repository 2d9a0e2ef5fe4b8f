package dev.hamal.binlog.event;

/** Temporary stand-in until the binary JSON codec lands. */
final class JsonBinary {
  private JsonBinary() {}

  static String toJson(byte[] buf, int offset, int length) {
    throw new MalformedValueException("binary JSON is not decoded yet");
  }
}
