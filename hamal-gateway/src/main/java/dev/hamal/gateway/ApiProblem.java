package dev.hamal.gateway;

import java.util.List;
import java.util.Objects;

/**
 * A request the gateway refuses, rendered as an RFC 9457 problem document ({@code
 * application/problem+json}) with the status, a stable type slug, a message that says what is wrong
 * and, for invalid bodies, one entry per offending field (a JSON pointer into the request).
 *
 * <p>Every refusal of user input is one of these and carries a 4xx status; a 5xx answer means the
 * gateway or a store failed, never that the input was wrong.
 */
public final class ApiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** One invalid field: where it is in the request body and what is wrong with it. */
  public record FieldError(String pointer, String message) {
    /** Checks the parts are present. */
    public FieldError {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(message, "message");
    }
  }

  private final int status;
  private final String type;
  private final transient List<FieldError> errors;

  private ApiProblem(int status, String type, String detail, List<FieldError> errors) {
    super(detail, null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("not an error status: " + status);
    }
    this.status = status;
    this.type = Objects.requireNonNull(type, "type");
    this.errors = List.copyOf(errors);
  }

  /** 400: the request is malformed or a parameter is invalid. */
  public static ApiProblem badRequest(String detail) {
    return new ApiProblem(400, "bad-request", detail, List.of());
  }

  /** 400 with the parameter named in a pointer ({@code ?name} for query parameters). */
  public static ApiProblem invalidParameter(String parameter, String detail) {
    return new ApiProblem(
        400,
        "invalid-parameter",
        parameter + ": " + detail,
        List.of(new FieldError("?" + parameter, detail)));
  }

  /** 422: the body is well-formed JSON but fields are invalid; one error per field. */
  public static ApiProblem invalidBody(String detail, List<FieldError> errors) {
    return new ApiProblem(422, "invalid-body", detail, errors);
  }

  /** 401: no API key, or one the gateway does not know (never says which). */
  public static ApiProblem unauthorized() {
    return new ApiProblem(
        401,
        "unauthorized",
        "a valid API key is required (Authorization: Bearer <key>)",
        List.of());
  }

  /** 403: the key is valid but its scopes do not allow this. */
  public static ApiProblem forbidden(String detail) {
    return new ApiProblem(403, "forbidden", detail, List.of());
  }

  /** 404: no such resource (or one the caller may not see: the answer is the same). */
  public static ApiProblem notFound(String detail) {
    return new ApiProblem(404, "not-found", detail, List.of());
  }

  /** 405: the path exists but not with this method. */
  public static ApiProblem methodNotAllowed(String detail) {
    return new ApiProblem(405, "method-not-allowed", detail, List.of());
  }

  /** 409: the request conflicts with the current state (a name already taken, ...). */
  public static ApiProblem conflict(String detail) {
    return new ApiProblem(409, "conflict", detail, List.of());
  }

  /** 413: the body is larger than the gateway accepts. */
  public static ApiProblem tooLarge(String detail) {
    return new ApiProblem(413, "too-large", detail, List.of());
  }

  /** 415: the body is not JSON. */
  public static ApiProblem unsupportedMediaType(String detail) {
    return new ApiProblem(415, "unsupported-media-type", detail, List.of());
  }

  /** 429: the key's rate limit is exhausted. */
  public static ApiProblem tooManyRequests(String detail) {
    return new ApiProblem(429, "rate-limited", detail, List.of());
  }

  /** 503: every level that could answer is unavailable; the request may be retried. */
  public static ApiProblem unavailable(String detail) {
    return new ApiProblem(503, "unavailable", detail, List.of());
  }

  /** A refusal with any 4xx {@code status} (those the server itself raises: 414, 431, ...). */
  static ApiProblem of(int status, String detail) {
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("not a client error status: " + status);
    }
    return new ApiProblem(status, slug(status), detail, List.of());
  }

  /** The problem type slug of a 4xx status the server itself raises. */
  static String slug(int status) {
    return switch (status) {
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 413 -> "too-large";
      case 415 -> "unsupported-media-type";
      default -> "bad-request";
    };
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /**
   * The stable problem type slug (the problem document's {@code type} is {@code /problems/<slug>}).
   */
  public String type() {
    return type;
  }

  /** The invalid fields; empty unless the body was invalid. */
  public List<FieldError> errors() {
    return errors;
  }
}
