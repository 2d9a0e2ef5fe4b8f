package dev.hamal.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading business-line files: every problem names the file, the key path and the reason. */
class BusinessLineLoadingTest {
  static final String VALID =
      """
      name: shop
      pipe: main
      source:
        schema: shop
        tables: [orders_##]
        ignored_tables: [items_##]
      order_id:
        column: id
      fields:
        status:
          column: state
          codes: {0: CREATED, 1: PAID, 9: CLOSED}
        total_amount: {column: total, unit: yuan}
        created_at: created
      """;

  private static MappingException loadError(String file, String yaml) {
    try {
      BusinessLines.parse(List.of(new BusinessLines.Source(file, yaml)));
    } catch (MappingException e) {
      return e;
    }
    throw new AssertionError("expected " + file + " to be rejected");
  }

  private static String replace(String from, String to) {
    assertThat(VALID).contains(from);
    return VALID.replace(from, to);
  }

  @Test
  void shouldLoadAValidFileWithDefaults() {
    BusinessLines lines =
        BusinessLines.parse(List.of(new BusinessLines.Source("shop.yaml", VALID)));

    BusinessLine line = lines.line("shop").orElseThrow();
    assertThat(line.pipe()).isEqualTo("main");
    assertThat(line.currency()).isEqualTo("CNY");
    assertThat(line.timeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(line.file()).isEqualTo("shop.yaml");
    assertThat(lines.pipes()).containsExactly("main");
    assertThat(line.columns()).containsExactly("id", "state", "total", "created");
  }

  @Test
  void shouldNameFileKeyAndReasonForAnUnknownKey() {
    MappingException e = loadError("shop.yaml", VALID + "colour: blue\n");
    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith("shop.yaml: colour: unknown key");

    e = loadError("shop.yaml", replace("unit: yuan}", "unit: yuan, scale: 2}"));
    assertThat(e).hasMessageStartingWith("shop.yaml: fields.total_amount.scale: unknown key");
  }

  @Test
  void shouldRejectAnUnknownUnitNamingItsKey() {
    MappingException e = loadError("shop.yaml", replace("unit: yuan", "unit: dollars"));
    assertThat(e)
        .hasMessage(
            "shop.yaml: fields.total_amount.unit: unknown unit 'dollars' (accepted: yuan, cents,"
                + " fen)");
  }

  @Test
  void shouldRequireAUnitForEveryAmount() {
    MappingException e = loadError("shop.yaml", replace("{column: total, unit: yuan}", "total"));
    assertThat(e).hasMessageStartingWith("shop.yaml: fields.total_amount.unit: required");
  }

  @Test
  void shouldRejectAStatusTargetThatIsNotAUnifiedStatus() {
    MappingException e = loadError("shop.yaml", replace("9: CLOSED", "9: DONE"));
    assertThat(e)
        .hasMessageStartingWith("shop.yaml: fields.status.codes.9: 'DONE' is not a unified status");
  }

  @Test
  void shouldListEveryMissingRequiredPart() {
    MappingException e =
        loadError(
            "bare.yaml",
            """
            name: bare
            source: {schema: s}
            fields: {}
            """);
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "bare.yaml: pipe: required",
            "bare.yaml: source.tables: required: a list of table names or patterns",
            "bare.yaml: order_id: required: the id column, e.g. order_id: {column: id}",
            "bare.yaml: fields.status: required",
            "bare.yaml: fields.total_amount: required",
            "bare.yaml: fields.created_at: required");
  }

  @Test
  void shouldRejectBadPatternsZonesCurrenciesPathsAndIdFormats() {
    assertThat(loadError("a.yaml", replace("[orders_##]", "[\"orders.*\"]")))
        .hasMessageStartingWith("a.yaml: source.tables[0]: 'orders.*' is not a name pattern");
    assertThat(loadError("a.yaml", VALID + "time_zone: Mars/Olympus\n"))
        .hasMessage("a.yaml: time_zone: 'Mars/Olympus' is not a time zone (e.g. Asia/Shanghai)");
    assertThat(loadError("a.yaml", VALID + "currency: XYZ\n"))
        .hasMessage("a.yaml: currency: 'XYZ' is not an ISO 4217 currency code");
    assertThat(loadError("a.yaml", VALID + "ext:\n  carrier: {column: extra, json: carrier}\n"))
        .hasMessageStartingWith("a.yaml: ext.carrier.json: 'carrier' is not a supported JSON path");
    assertThat(loadError("a.yaml", replace("column: id", "column: id\n  format: \"{line}-{no}\"")))
        .hasMessageStartingWith("a.yaml: order_id.format: unknown placeholder {no}");
    assertThat(loadError("a.yaml", replace("column: id", "column: id\n  format: \"{line}\"")))
        .hasMessageStartingWith("a.yaml: order_id.format: '{line}' has no {id}");
    assertThat(
            loadError(
                "a.yaml", replace("created_at: created", "created_at: created\n  placed_at: x")))
        .hasMessageStartingWith("a.yaml: fields.placed_at: unknown field");
  }

  @Test
  void shouldRejectTablePatternsThatOverlapWithinALine() {
    assertThat(loadError("a.yaml", replace("[items_##]", "[\"orders_0?\"]")))
        .hasMessage(
            "a.yaml: source.ignored_tables[0]: 'orders_0?' overlaps source.tables[0] 'orders_##'");
    assertThat(loadError("a.yaml", replace("[orders_##]", "[\"orders_##\", \"orders_*\"]")))
        .hasMessage("a.yaml: source.tables[1]: 'orders_*' overlaps source.tables[0] 'orders_##'");
  }

  @Test
  void shouldRejectDuplicateYamlKeysAndBrokenYamlWithALocation() {
    assertThat(loadError("a.yaml", VALID + "pipe: other\n"))
        .hasMessageStartingWith("a.yaml: line ")
        .hasMessageContaining("Duplicate field 'pipe'");
    assertThat(loadError("a.yaml", "name: [unclosed\n"))
        .hasMessageStartingWith("a.yaml: line ")
        .hasMessageContaining("not valid YAML");
    assertThat(loadError("a.yaml", "- just\n- a list\n"))
        .hasMessage("a.yaml: (document): must be a mapping of keys to values");
  }

  @Test
  void shouldRejectADuplicateLineNameNamingBothFiles() {
    assertThatThrownBy(() ->
            BusinessLines.parse(
                List.of(
                    new BusinessLines.Source("one.yaml", VALID),
                    new BusinessLines.Source(
                        "two.yaml", VALID.replace("schema: shop", "schema: other")))))
        .isInstanceOf(MappingException.class)
        .hasMessage("two.yaml: name: business line 'shop' is already defined in one.yaml");
  }

  @Test
  void shouldRejectTwoLinesClaimingTheSameTableOnOnePipe() {
    String other =
        VALID.replace("name: shop", "name: other").replace("[orders_##]", "[\"orders_1?\"]");
    assertThatThrownBy(() ->
            BusinessLines.parse(
                List.of(
                    new BusinessLines.Source("one.yaml", VALID),
                    new BusinessLines.Source("two.yaml", other))))
        .isInstanceOf(MappingException.class)
        .hasMessage(
            "two.yaml: source.tables[0]: 'shop.orders_1?' claims tables that one.yaml (line shop)"
                + " claims with source.tables[0] 'shop.orders_##' on pipe main");

    // The same table names on another pipe are another server's tables.
    BusinessLines lines =
        BusinessLines.parse(
            List.of(
                new BusinessLines.Source("one.yaml", VALID),
                new BusinessLines.Source("two.yaml", other.replace("pipe: main", "pipe: b"))));
    assertThat(lines.pipes()).containsExactly("main", "b");
    assertThat(lines.forPipe("b").forTable("shop", "orders_12").orElseThrow().name())
        .isEqualTo("other");
    assertThat(lines.forPipe("main").forTable("shop", "orders_12").orElseThrow().name())
        .isEqualTo("shop");
  }

  @Test
  void shouldReportProblemsOfEveryFileTogether() {
    MappingException e =
        assertThrowsMapping(
            List.of(
                new BusinessLines.Source("a.yaml", replace("unit: yuan", "unit: mao")),
                new BusinessLines.Source("b.yaml", replace("9: CLOSED", "9: GONE"))));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0)).startsWith("a.yaml: fields.total_amount.unit:");
    assertThat(e.problems().get(1)).startsWith("b.yaml: fields.status.codes.9:");
  }

  private static MappingException assertThrowsMapping(List<BusinessLines.Source> sources) {
    try {
      BusinessLines.parse(sources);
    } catch (MappingException e) {
      return e;
    }
    throw new AssertionError("expected a MappingException");
  }

  @Test
  void shouldLoadADirectoryOfFilesAndNameTheFileOfABadOne(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("shop.yaml"), VALID);
    Files.writeString(dir.resolve("notes.txt"), "not a line");
    assertThat(BusinessLines.loadDirectory(dir).lines())
        .extracting(BusinessLine::name)
        .containsExactly("shop");

    Path bad = dir.resolve("zz.yml");
    Files.writeString(bad, VALID.replace("name: shop", "name: Shop!"));
    assertThatThrownBy(() -> BusinessLines.loadDirectory(dir))
        .isInstanceOf(MappingException.class)
        .hasMessageStartingWith(bad + ": name: 'Shop!' is not a line name");
  }

  @Test
  void shouldRejectAnEmptyDirectoryAndAMissingResource(@TempDir Path dir) {
    assertThatThrownBy(() -> BusinessLines.loadDirectory(dir))
        .hasMessage(dir + ": (directory): holds no *.yaml or *.yml file");
    assertThatThrownBy(() ->
            BusinessLines.loadResources(
                getClass().getClassLoader(), List.of("business-lines/none.yaml")))
        .hasMessage("business-lines/none.yaml: (file): no such resource on the class path");
  }

  @Test
  void shouldFindTheLineOfEveryShardAndNothingElse() {
    BusinessLines lines =
        BusinessLines.parse(List.of(new BusinessLines.Source("shop.yaml", VALID)));

    assertThat(lines.forTable("shop", "orders_00")).isPresent();
    assertThat(lines.forTable("shop", "orders_99")).isPresent();
    assertThat(lines.claims("shop", "orders_7")).isFalse();
    assertThat(lines.claims("shop", "orders_100")).isFalse();
    assertThat(lines.claims("shop", "orders_0a")).isFalse();
    assertThat(lines.claims("other", "orders_00")).isFalse();
    assertThat(lines.claims("shop", "items_03")).isFalse();
    assertThat(lines.ignores("shop", "items_03")).isTrue();
    assertThat(lines.ignores("shop", "orders_03")).isFalse();
    // Answers are cached per table and stay the same.
    int cached = lines.cachedTables();
    assertThat(lines.forTable("shop", "orders_00")).isSameAs(lines.forTable("shop", "orders_00"));
    assertThat(lines.cachedTables()).isEqualTo(cached);
  }
}
