package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the console's files, without a browser or a JavaScript engine: every element and
 * attribute the browser test relies on is in the markup or made by the scripts (a string check, a
 * guard against renaming one by accident); nothing is loaded from elsewhere; no script builds
 * markup from strings; every file is served and every import resolves; the whole stays small.
 */
class ConsoleAssetsTest {
  private static final Map<String, String> FILES = new LinkedHashMap<>();

  /** The ids the browser test uses, each set in index.html or by a script. */
  private static final List<String> IDS =
      List.of(
          "api-key",
          "sign-in",
          "main-nav",
          "find-order-id",
          "find-order",
          "order-search",
          "q-user-id",
          "q-business-lines",
          "q-statuses",
          "search",
          "orders",
          "order-detail",
          "order-level",
          "order-ext",
          "order-history",
          "pipes",
          "instances",
          "live-changes");

  /** How a script sets an element's id: the attribute, a helper taking the id first, or .id. */
  private static final String ID_SETTERS =
      "(?:id: |dataTable\\(|multiSelect\\(|localInput\\(|errorBox\\(|statusLine\\(|\\.id = )";

  @BeforeAll
  static void read() {
    for (String file : ConsoleService.FILES) {
      try (InputStream in = ConsoleService.class.getResourceAsStream("console/" + file)) {
        assertThat(in).as(file).isNotNull();
        FILES.put(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static String scripts() {
    StringBuilder all = new StringBuilder();
    FILES.forEach((name, text) -> {
      if (name.endsWith(".js")) {
        all.append(text).append('\n');
      }
    });
    return all.toString();
  }

  @Test
  void shouldDefineEveryIdTheBrowserTestUses() {
    String html = FILES.get("index.html");
    String scripts = scripts();
    List<String> missing = new ArrayList<>();
    for (String id : IDS) {
      boolean inHtml = html.contains("id=\"" + id + "\"");
      boolean inScripts =
          Pattern.compile(ID_SETTERS + "'" + Pattern.quote(id) + "'").matcher(scripts).find();
      if (!inHtml && !inScripts) {
        missing.add(id);
      }
    }
    assertThat(missing).as("ids neither in index.html nor set by a script").isEmpty();
  }

  @Test
  void shouldMakeEveryClassAndAttributeTheBrowserTestUses() {
    Map<String, List<String>> required = new LinkedHashMap<>();
    required.put(
        "index.html",
        List.of(
            "<nav id=\"main-nav\"",
            "href=\"#/orders\"",
            "href=\"#/live\"",
            "href=\"#/pipes\"",
            "href=\"#/instances\"",
            "href=\"#/dead-letters\"",
            "href=\"#/charts\"",
            "<main id=\"main\""));
    required.put(
        "console.js", List.of("document.body.dataset.page = name", "main.dataset.loaded = 'true'"));
    required.put("dom.js", List.of("'data-col': key", "h('tbody')"));
    required.put(
        "orders.js",
        List.of(
            "class: 'order-link'",
            "href: `#/orders/${encodeURIComponent(orderId)}`",
            "['orderId', orderLink(order.orderId)]",
            "'data-field': key",
            "['Order id', 'orderId',",
            "['Status', 'status',",
            "h('strong', {id: 'order-level'}, levelName(answer.level))"));
    required.put(
        "admin.js",
        List.of(
            "'data-pipe': p.name",
            "['Owner', 'owner']",
            "['State', 'state']",
            "['Committed position', 'position']",
            "'lag']",
            "['Rows/s', 'rows']",
            "'pause-pipe'",
            "'resume-pipe'",
            "'data-instance': i.id"));
    required.put("live.js", List.of("h('li'", "'aria-live': 'polite'"));
    required.put(
        "charts.js", List.of("s('svg', {class: 'chart'", "h('table', {class: 'chart-data'}"));
    List<String> missing = new ArrayList<>();
    required.forEach((file, needles) -> {
      for (String needle : needles) {
        if (!FILES.get(file).contains(needle)) {
          missing.add(file + ": " + needle);
        }
      }
    });
    assertThat(missing).isEmpty();
  }

  @Test
  void shouldLoadNothingFromAnotherOrigin() {
    for (var file : FILES.entrySet()) {
      String text = file.getValue().toLowerCase(Locale.ROOT);
      assertThat(text).as(file.getKey()).doesNotContain("http://").doesNotContain("https://");
      assertThat(text).as(file.getKey()).doesNotContain("//cdn").doesNotContain("@import");
    }
  }

  @Test
  void shouldNeverTurnStringsIntoMarkupOrCode() {
    String scripts = scripts();
    for (String forbidden :
        List.of(
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "setTimeout('",
            "setInterval(",
            "createContextualFragment")) {
      assertThat(scripts).as(forbidden).doesNotContain(forbidden);
    }
    // the only parsed string is a constant one: the SVG namespace, so no URL is written anywhere
    Matcher parse = Pattern.compile("parseFromString\\(([^)]*)\\)").matcher(scripts);
    while (parse.find()) {
      assertThat(parse.group(1)).isEqualTo("'<svg></svg>', 'text/html'");
    }
  }

  @Test
  void shouldKeepEveryStyleAndScriptInFilesTheContentSecurityPolicyAllows() {
    String html = FILES.get("index.html");
    assertThat(html).doesNotContain("<style").doesNotContain(" style=").doesNotContain("onclick");
    Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(html);
    while (scripts.find()) {
      assertThat(scripts.group(1)).as("a script with a source file").contains("src=");
    }
    assertThat(scripts()).doesNotContain("setAttribute('style'").doesNotContain("cssText");
  }

  @Test
  void shouldReferenceOnlyFilesTheConsoleServes() {
    List<String> references = new ArrayList<>();
    Matcher imports = Pattern.compile("from '\\./([^']+)'").matcher(scripts());
    while (imports.find()) {
      references.add(imports.group(1));
    }
    Matcher links =
        Pattern.compile("(?:src|href)=\"([^\"#][^\"]*)\"").matcher(FILES.get("index.html"));
    while (links.find()) {
      if (!links.group(1).startsWith("data:") && !links.group(1).equals("/openapi.yaml")) {
        references.add(links.group(1));
      }
    }
    assertThat(references).isNotEmpty();
    assertThat(ConsoleService.FILES).containsAll(references);
  }

  @Test
  void shouldServeEveryFileOfTheConsoleDirectory() throws IOException, URISyntaxException {
    Path directory = Path.of(ConsoleService.class.getResource("console/").toURI());
    TreeSet<String> present = new TreeSet<>();
    try (Stream<Path> files = Files.list(directory)) {
      files.forEach(f -> present.add(f.getFileName().toString()));
    }
    assertThat(present).containsExactlyInAnyOrderElementsOf(ConsoleService.FILES);
  }

  @Test
  void shouldStayUnderOneHundredKilobytes() {
    int total = new ConsoleService().totalBytes();
    assertThat(total)
        .isEqualTo(
            FILES.values().stream().mapToInt(t -> t.getBytes(StandardCharsets.UTF_8).length).sum())
        .isLessThan(100 * 1024);
  }
}
