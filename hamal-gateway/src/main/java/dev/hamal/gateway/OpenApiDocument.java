package dev.hamal.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The gateway's OpenAPI document: {@code openapi.yaml}, kept in the repository (the resource is
 * {@code hamal-gateway/src/main/resources/dev/hamal/gateway/openapi.yaml}) and served as is at
 * {@code /openapi.yaml}. A test checks that every route the gateway registers is documented.
 */
final class OpenApiDocument {
  private static final byte[] BYTES = load();

  private OpenApiDocument() {}

  static byte[] bytes() {
    return BYTES;
  }

  private static byte[] load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the gateway's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
