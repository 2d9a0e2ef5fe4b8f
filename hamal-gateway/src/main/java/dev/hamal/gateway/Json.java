package dev.hamal.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * JSON in and out of the HTTP API: one shared, thread-safe mapper whose reader refuses what a
 * careless reader would accept (duplicate keys, trailing tokens, documents nested deeper than 64
 * levels, strings longer than 1 MiB, numbers longer than 100 digits), and the body-reading helpers
 * that turn every such refusal into a 4xx {@link ApiProblem}.
 */
public final class Json {
  /** The largest request body the API reads, in bytes. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /** The shared mapper. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(MAX_BODY_BYTES)
                .maxNumberLength(100)
                .maxDocumentLength(MAX_BODY_BYTES)
                .build());
    MAPPER.getFactory().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
  }

  private Json() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * The request body as a JSON object.
   *
   * @throws ApiProblem 415 when the content type is not JSON, 413 when it is too large, 400 when it
   *     is not one well-formed JSON object
   */
  public static ObjectNode readObject(ServerRequest request) {
    request
        .headers()
        .contentType()
        .ifPresent(type -> {
          String subtype = type.subtype();
          if (!subtype.equals("json") && !subtype.endsWith("+json")) {
            throw ApiProblem.unsupportedMediaType(
                "the body must be application/json, was " + type.text());
          }
        });
    byte[] body;
    try (InputStream in = request.content().inputStream()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw ApiProblem.badRequest("the body could not be read: " + e.getMessage());
    } catch (RuntimeException e) {
      // Helidon refuses a body beyond the listener's max payload size with its own exception
      throw ApiProblem.tooLarge("the body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    if (body.length > MAX_BODY_BYTES) {
      throw ApiProblem.tooLarge("the body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    return parseObject(body);
  }

  /**
   * {@code body} as a JSON object.
   *
   * @throws ApiProblem 400 when it is not one well-formed JSON object
   */
  public static ObjectNode parseObject(byte[] body) {
    if (body.length == 0) {
      throw ApiProblem.badRequest("the body is empty; a JSON object is required");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (StreamConstraintsException e) {
      throw ApiProblem.badRequest("the body exceeds a JSON limit: " + limit(e));
    } catch (MismatchedInputException e) {
      // the reader's only databind refusal here: more after the value (its message names classes)
      throw ApiProblem.badRequest(
          "the body is not valid JSON: there is more after the JSON value" + at(e));
    } catch (JsonProcessingException e) {
      throw ApiProblem.badRequest("the body is not valid JSON: " + firstLine(e));
    } catch (CharConversionException e) {
      // bytes the auto-detected encoding (UTF-16/32 when the body starts with zero bytes) cannot
      // decode; the body is in memory, so this is the caller's input, not a failed read
      throw ApiProblem.badRequest("the body is not valid JSON: it is not UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || !node.isObject()) {
      throw ApiProblem.badRequest("the body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  private static String firstLine(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    int newline = message.indexOf('\n');
    message = newline < 0 ? message : message.substring(0, newline);
    // the parser suggests its own settings ("enable `JsonReadFeature...` to allow"): cut that
    int tick = message.indexOf('`');
    if (tick >= 0) {
      int cut = Math.max(message.lastIndexOf(':', tick), message.lastIndexOf(';', tick));
      message = cut > 0 ? message.substring(0, cut) : "malformed JSON";
    }
    return message + at(e);
  }

  private static String at(JsonProcessingException e) {
    var location = e.getLocation();
    return location == null
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** Which limit, in the API's words (the parser's message names its own classes and methods). */
  private static String limit(StreamConstraintsException e) {
    String message = e.getOriginalMessage().toLowerCase(java.util.Locale.ROOT);
    if (message.contains("nesting")) {
      return "nested deeper than 64 levels";
    } else if (message.contains("number")) {
      return "a number longer than 100 digits";
    } else if (message.contains("string")) {
      return "a string longer than " + MAX_BODY_BYTES + " characters";
    } else if (message.contains("document")) {
      return "longer than " + MAX_BODY_BYTES + " bytes";
    }
    return "nesting 64 levels, numbers 100 digits, strings and documents " + MAX_BODY_BYTES;
  }

  /** Sends {@code body} as {@code application/json} with {@code status}. */
  public static void send(ServerResponse response, int status, JsonNode body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response", e);
    }
    response.status(status);
    response.header(HeaderNames.CONTENT_TYPE, "application/json");
    response.send(bytes);
  }

  /** Sends {@code body} as {@code application/json} with status 200. */
  public static void ok(ServerResponse response, JsonNode body) {
    send(response, 200, body);
  }
}
