package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TemplateTest {
  private static final Duration BUDGET = Duration.ofMillis(500);

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static ObjectNode body(String fields) {
    ObjectNode body = Json.object();
    body.set("fields", json(fields));
    return body;
  }

  private static List<ApiProblem.FieldError> errorsOf(ObjectNode body) {
    try {
      Template.compile("t@1", body);
    } catch (ApiProblem e) {
      assertThat(e.status()).isEqualTo(422);
      return e.errors();
    }
    throw new AssertionError("compiled: " + body);
  }

  private static JsonNode render(ObjectNode body, ObjectNode order) {
    return Template.compile("t@1", body).render(order, BUDGET);
  }

  @Test
  void shouldRenderTheBriefsExampleInTemplateOrderOmittingUndefinedFields() {
    ObjectNode body = Json.object();
    body.put("description", "for the finance system");
    ObjectNode fields = body.putObject("fields");
    fields.put("id", "orderId");
    fields.put("amount", "$decimal(amounts.total)");
    fields.put("createdAt", "$formatTime(times.createdAt, 'Asia/Shanghai', 'yyyy-MM-dd HH:mm:ss')");
    fields.put("status", "$label(status, {'PAID':'已支付'})");
    fields.putObject("buyer").put("phone", "$maskPhone(ext.mobile)");
    fields.putObject("ext").put("line", "businessLine = 'fuel' ? ext.card_no : undefined");
    fields.put("missing", "nothing.here");

    ObjectNode order = TemplateService.sampleOrder();
    JsonNode out = render(body, order);

    assertThat(Json.MAPPER.valueToTree(out).toString())
        .isEqualTo(
            "{\"id\":\"FUEL-20240501-000123\",\"amount\":\"125.50\","
                + "\"createdAt\":\"2024-05-01 10:03:04\",\"status\":\"已支付\","
                + "\"buyer\":{\"phone\":\"138****5678\"},\"ext\":{\"line\":\"6222020200112233445\"}}");
    order.put("businessLine", "hotel");
    assertThat(render(body, order).get("ext").has("line")).isFalse();
  }

  @Test
  void shouldReportEveryProblemOfABrokenTemplateWithItsPointer() {
    ObjectNode body = Json.object();
    body.put("descripton", "typo");
    body.put("businessLines", "fuel");
    ObjectNode fields = body.putObject("fields");
    fields.put("ok", "orderId");
    fields.put("syntax", "amounts.total +");
    fields.put("", "orderId");
    fields.put("number", 42);
    fields.putObject("buyer").put("phone", "$foo(ext.mobile)").put("a/b", "$eval('1')");
    fields.put("zone", "$formatTime(times.createdAt, 'Mars/Olympus', 'yyyy')");
    fields.put("pattern", "$formatTime(times.createdAt, 'UTC', 'yyyy-MM-dd {')");
    fields.put("reserved", "($__evaluate_entry := undefined; 1)");
    fields.putObject("empty");
    fields.put("long", "1+".repeat(1_000) + "1");

    List<ApiProblem.FieldError> errors = errorsOf(body);

    assertThat(errors)
        .extracting(ApiProblem.FieldError::pointer)
        .containsExactlyInAnyOrder(
            "/descripton",
            "/businessLines",
            "/fields/syntax",
            "/fields/",
            "/fields/number",
            "/fields/buyer/phone",
            "/fields/buyer/a~1b",
            "/fields/zone",
            "/fields/pattern",
            "/fields/reserved",
            "/fields/empty",
            "/fields/long");
    assertThat(message(errors, "/fields/syntax")).contains("S0207").contains("position 15");
    assertThat(message(errors, "/fields/buyer/phone")).contains("$foo").contains("position 0");
    assertThat(message(errors, "/fields/buyer/a~1b")).contains("$eval is not available");
    assertThat(message(errors, "/fields/zone")).contains("Mars/Olympus");
    assertThat(message(errors, "/fields/pattern")).contains("invalid pattern");
    assertThat(message(errors, "/fields/reserved")).contains("reserved");
    assertThat(message(errors, "/fields/long")).contains("2001 characters");
  }

  private static String message(List<ApiProblem.FieldError> errors, String pointer) {
    return errors.stream()
        .filter(e -> e.pointer().equals(pointer))
        .findFirst()
        .orElseThrow()
        .message();
  }

  @Test
  void shouldAcceptVariablesAndLambdasTheExpressionBindsItself() {
    ObjectNode body =
        body(
            "{'total': '($t := amounts.total; $f := function($x, $y){$x + $y}; $f($t, 1))',"
                + " 'regex': '$replace(orderId, /-[0-9]+$/, \\'\\')', 'root': '$$.orderId & $.currency'}");
    JsonNode out = render(body, TemplateService.sampleOrder());
    assertThat(out.get("total").asLong()).isEqualTo(12_551);
    assertThat(out.get("regex").asText()).isEqualTo("FUEL-20240501");
    assertThat(out.get("root").asText()).isEqualTo("FUEL-20240501-000123CNY");
  }

  @Test
  void shouldRefuseTemplatesBeyondTheLimits() {
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i <= Template.MAX_FIELDS; i++) {
      many.append(i == 0 ? "" : ",").append("'f").append(i).append("': 'orderId'");
    }
    assertThat(errorsOf(body(many.append('}').toString())))
        .extracting(ApiProblem.FieldError::pointer)
        .containsExactly("/fields");

    String deep = "'orderId'";
    for (int i = 0; i <= Template.MAX_DEPTH; i++) {
      deep = "{'n': " + deep + "}";
    }
    assertThat(errorsOf(body(deep)))
        .extracting(ApiProblem.FieldError::pointer)
        .containsExactly("/fields/n/n/n/n/n/n/n/n");

    ObjectNode big = body("{'a': 'orderId'}");
    big.put("description", "x".repeat(500));
    ObjectNode fields = (ObjectNode) big.get("fields");
    for (int i = 0; i < 100; i++) {
      fields.put("f" + i, "'" + "y".repeat(700) + "'");
    }
    assertThat(errorsOf(big))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("65536"));

    assertThat(errorsOf(body("{'nest': '" + "(".repeat(40) + "1" + ")".repeat(40) + "'}")))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("nested more than"));
    assertThat(errorsOf(Json.object()))
        .extracting(ApiProblem.FieldError::pointer)
        .containsExactly("/fields");
  }

  @Test
  void shouldFailTheRenderNamingTheFieldWhenAnExpressionFails() {
    ObjectNode body = body("{'ok': 'orderId', 'x': {'bad': '$decimal(product.name)'}}");
    assertThatThrownBy(() -> render(body, TemplateService.sampleOrder()))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.errors())
                  .extracting(ApiProblem.FieldError::pointer)
                  .containsExactly("/fields/x/bad");
              assertThat(e.getMessage())
                  .contains("t@1")
                  .contains("FUEL-20240501-000123")
                  .contains("$decimal");
            });
    ObjectNode function = body("{'f': '$maskPhone'}");
    assertThatThrownBy(() -> render(function, TemplateService.sampleOrder()))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            e -> assertThat(e.errors().getFirst().message()).contains("not a JSON value"));
  }

  @Test
  void shouldStopRunawayExpressionsWithinTheBudget() {
    for (String runaway :
        List.of(
            "($f := function($x){$f($x)}; $f(1))",
            "($f := function($x){ 1 + $f($x + 1)}; $f(1))",
            "$count([1..1000000].($string($)))")) {
      ObjectNode body = body("{'spin': '" + runaway.replace("'", "\\'") + "'}");
      long start = System.nanoTime();
      assertThatThrownBy(() -> render(body, TemplateService.sampleOrder()))
          .as(runaway)
          .isInstanceOfSatisfying(
              ApiProblem.class,
              e ->
                  assertThat(e.errors().getFirst().message())
                      .containsAnyOf("time budget", "evaluation depth"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void shouldRestrictATemplateToItsBusinessLines() {
    ObjectNode body = body("{'id': 'orderId'}");
    body.putArray("businessLines").add("hotel");
    assertThatThrownBy(() -> render(body, TemplateService.sampleOrder()))
        .isInstanceOfSatisfying(ApiProblem.class, e -> assertThat(e.getMessage()).contains("fuel"));
    body.withArray("businessLines").add("fuel");
    assertThat(render(body, TemplateService.sampleOrder()).get("id").asText())
        .isEqualTo("FUEL-20240501-000123");
  }

  @Test
  void shouldRenderCorrectlyFromManyThreadsAtOnce() throws Exception {
    Template template =
        Template.compile(
            "t@1",
            body(
                "{'id': 'orderId', 'amount': '$decimal(amounts.total)', 'double': 'amounts.total * 2',"
                    + " 'items': '$map([1..20], function($i){$i * amounts.total})'}"));
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int t = 0; t < 2_000; t++) {
      long total = t * 7L + 1;
      tasks.add(() -> {
        ObjectNode order = TemplateService.sampleOrder();
        order.put("orderId", "o-" + total);
        ((ObjectNode) order.get("amounts")).put("total", total);
        JsonNode out = template.render(order, Duration.ofSeconds(5));
        return out.get("id").asText().equals("o-" + total)
            && out.get("amount")
                .asText()
                .equals(java.math.BigDecimal.valueOf(total, 2).toPlainString())
            && out.get("double").asLong() == total * 2
            && out.get("items").get(19).asLong() == total * 20;
      });
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      List<Future<Boolean>> results = pool.invokeAll(tasks);
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    }
  }
}
