package dev.hamal.gateway;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The web console: static HTML, CSS and JavaScript modules served at {@code /console/}, without
 * authentication (the pages ask for an API key and send it with every {@code /v1} call they make;
 * the files themselves hold nothing secret).
 *
 * <p>Invariants: the files are a fixed list ({@link #FILES}) read from the classpath once, when the
 * service is made, and kept in memory with a gzip copy; a request names a file of that list or gets
 * a 404 problem document, so no path (with {@code ..}, encoded slashes or anything else) can reach
 * another resource or the file system. Every file answer carries a strong ETag (of its bytes and
 * encoding), {@code Cache-Control: no-cache} (revalidate each time; a 304 costs nothing) and the
 * security headers of {@link #securityHeaders}. {@code /console} redirects to {@code /console/} so
 * that the pages' relative URLs resolve.
 *
 * <p>Threading: immutable after construction; any number of requests may read it at once.
 *
 * <p>Failure: a file missing from the classpath is a packaging bug and fails the construction (so
 * the gateway does not start with half a console).
 */
public final class ConsoleService implements HttpService {
  /** The files of the console, in {@code dev/hamal/gateway/console/} on the classpath. */
  static final List<String> FILES =
      List.of(
          "index.html",
          "console.css",
          "console.js",
          "api.js",
          "dom.js",
          "orders.js",
          "live.js",
          "admin.js",
          "charts.js");

  /** The Content-Security-Policy of every console answer: nothing but the gateway itself. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
          + " connect-src 'self'";

  private static final String RESOURCES = "console/";
  private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
  private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
  private static final HeaderName REFERRER = HeaderNames.create("Referrer-Policy");
  private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");

  /** One file in memory: its bytes as they are and gzipped, and the tag of each. */
  private record Asset(
      String contentType, byte[] identity, String identityTag, byte[] gzip, String gzipTag) {}

  private final Map<String, Asset> assets;

  /** Reads the console's files from the classpath. */
  public ConsoleService() {
    Map<String, Asset> loaded = new LinkedHashMap<>();
    for (String file : FILES) {
      byte[] bytes = read(file);
      byte[] gzip = gzip(bytes);
      String hash = hash(bytes);
      loaded.put(
          file,
          new Asset(contentType(file), bytes, "\"" + hash + "\"", gzip, "\"" + hash + "-gz\""));
    }
    this.assets = Map.copyOf(loaded);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(
        "/",
        (req, res) -> {
          if (req.prologue().uriPath().rawPath().endsWith("/")) {
            serve(req, res, "index.html");
          } else {
            redirect(res, "/console/");
          }
        });
    rules.get("/{file}", (req, res) -> serve(req, res, req.path().pathParameters().get("file")));
    rules.any("/*", ConsoleService::refuse);
  }

  /**
   * Anything else under {@code /console}: a path that names no file, or a method other than GET.
   */
  private static void refuse(ServerRequest request, ServerResponse response) {
    securityHeaders(response);
    if (request.prologue().method() == Method.GET) {
      Gateway.sendProblem(response, ApiProblem.notFound("no such console file"));
    } else {
      response.header(HeaderNames.ALLOW, "GET");
      Gateway.sendProblem(
          response, ApiProblem.methodNotAllowed("the console's files are read with GET only"));
    }
  }

  /** Answers {@code GET /} of the gateway: the console's start page. */
  static void redirectToConsole(ServerRequest request, ServerResponse response) {
    redirect(response, "/console/");
  }

  /** The total size of the console's files as they are, in bytes. */
  int totalBytes() {
    return assets.values().stream().mapToInt(a -> a.identity().length).sum();
  }

  private static void redirect(ServerResponse response, String location) {
    securityHeaders(response);
    response.status(Status.FOUND_302);
    response.header(HeaderNames.LOCATION, location);
    response.header(HeaderNames.CACHE_CONTROL, "no-cache");
    response.send();
  }

  private void serve(ServerRequest request, ServerResponse response, String file) {
    securityHeaders(response);
    Asset asset = assets.get(file);
    if (asset == null) {
      Gateway.sendProblem(response, ApiProblem.notFound("no such console file"));
      return;
    }
    boolean gzip = acceptsGzip(request.headers().all(HeaderNames.ACCEPT_ENCODING, List::of));
    String tag = gzip ? asset.gzipTag() : asset.identityTag();
    response.header(HeaderNames.CACHE_CONTROL, "no-cache");
    response.header(HeaderNames.VARY, "Accept-Encoding");
    response.header(HeaderNames.ETAG, tag);
    Optional<String> ifNoneMatch = request.headers().first(HeaderNames.IF_NONE_MATCH);
    if (ifNoneMatch.isPresent() && matches(ifNoneMatch.get(), tag)) {
      response.status(Status.NOT_MODIFIED_304);
      response.send();
      return;
    }
    response.header(HeaderNames.CONTENT_TYPE, asset.contentType());
    if (gzip) {
      response.header(HeaderNames.CONTENT_ENCODING, "gzip");
      response.send(asset.gzip());
    } else {
      response.send(asset.identity());
    }
  }

  /** The headers that keep the console's pages to the gateway's own files. */
  private static void securityHeaders(ServerResponse response) {
    response.header(CSP, CONTENT_SECURITY_POLICY);
    response.header(NOSNIFF, "nosniff");
    response.header(REFERRER, "no-referrer");
    response.header(FRAME_OPTIONS, "DENY");
  }

  /**
   * Whether an {@code Accept-Encoding} header (its values, possibly several) admits gzip: a {@code
   * gzip} or {@code *} coding without {@code q=0}; an explicit {@code gzip;q=0} wins over {@code
   * *}.
   */
  static boolean acceptsGzip(List<String> values) {
    Boolean gzip = null;
    Boolean any = null;
    for (String value : values) {
      for (String coding : value.split(",")) {
        String[] parts = coding.split(";");
        String name = parts[0].trim().toLowerCase(Locale.ROOT);
        boolean allowed = true;
        for (int i = 1; i < parts.length; i++) {
          String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
          if (parameter.startsWith("q=")) {
            allowed = !parameter.substring(2).trim().matches("0(\\.0{0,3})?");
          }
        }
        if (name.equals("gzip") || name.equals("x-gzip")) {
          gzip = allowed;
        } else if (name.equals("*")) {
          any = allowed;
        }
      }
    }
    return gzip != null ? gzip : any != null && any;
  }

  /** Whether an {@code If-None-Match} list names {@code tag} (weak comparison, or {@code *}). */
  static boolean matches(String ifNoneMatch, String tag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*")) {
        return true;
      }
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(tag)) {
        return true;
      }
    }
    return false;
  }

  static String contentType(String file) {
    String extension = file.substring(file.lastIndexOf('.') + 1);
    return switch (extension) {
      case "html" -> "text/html; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "svg" -> "image/svg+xml";
      default -> throw new IllegalArgumentException("no content type for console file " + file);
    };
  }

  private static byte[] read(String file) {
    try (InputStream in = ConsoleService.class.getResourceAsStream(RESOURCES + file)) {
      if (in == null) {
        throw new IllegalStateException(
            "console file " + file + " is missing from the gateway's resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read console file " + file, e);
    }
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gzip =
        new GZIPOutputStream(out) {
          {
            def.setLevel(Deflater.BEST_COMPRESSION);
          }
        }) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The opaque part of an entity tag of {@code bytes}: 128 bits of their SHA-256, base64url. */
  private static String hash(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
