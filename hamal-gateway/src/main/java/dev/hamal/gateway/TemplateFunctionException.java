package dev.hamal.gateway;

/** A template function was called with arguments it cannot use; reported against the field. */
final class TemplateFunctionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TemplateFunctionException(String message) {
    super(message, null, false, false);
  }
}
