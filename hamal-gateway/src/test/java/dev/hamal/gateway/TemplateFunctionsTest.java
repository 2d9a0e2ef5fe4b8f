package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TemplateFunctionsTest {

  private static JsonNode eval(String expression) {
    ObjectNode body = Json.object();
    body.putObject("fields").put("v", expression);
    return Template.compile("f@1", body)
        .render(TemplateService.sampleOrder(), Duration.ofSeconds(1))
        .get("v");
  }

  private static String failure(String expression) {
    try {
      eval(expression);
    } catch (ApiProblem e) {
      return e.errors().getFirst().message();
    }
    throw new AssertionError("no failure: " + expression);
  }

  @Test
  void shouldFormatMinorUnitsAsDecimalText() {
    assertThat(eval("$decimal(1250)").asText()).isEqualTo("12.50");
    assertThat(eval("$decimal(-5)").asText()).isEqualTo("-0.05");
    assertThat(eval("$decimal(1250, 0)").asText()).isEqualTo("1250");
    assertThat(eval("$decimal(1250, 3)").asText()).isEqualTo("1.250");
    assertThat(eval("$decimal('99999999999999999999')").asText())
        .isEqualTo("999999999999999999.99");
    assertThat(eval("$decimal(nothing)")).isNull();
    assertThat(failure("$decimal(12.5)")).contains("$decimal").contains("integer");
    assertThat(failure("$decimal(1, 19)")).contains("scale");
  }

  @Test
  void shouldFormatInstantsInAZone() {
    assertThat(
            eval("$formatTime('2024-01-31T16:30:00Z', 'Asia/Shanghai', 'yyyy-MM-dd HH:mm')")
                .asText())
        .isEqualTo("2024-02-01 00:30");
    assertThat(eval("$formatTime('2024-01-31T16:30:00+02:00', '+00:00', 'HH:mm')").asText())
        .isEqualTo("14:30");
    assertThat(eval("$formatTime(nothing, 'UTC', 'HH')")).isNull();
    assertThat(failure("$formatTime('yesterday', 'UTC', 'HH')"))
        .contains("not an ISO-8601 instant");
    assertThat(failure("$formatTime(times.createdAt, currency, 'HH')"))
        .contains("unknown time zone \"CNY\"");
    assertThat(failure("$formatTime(times.createdAt, 'UTC', currency & '{')"))
        .contains("invalid pattern");
  }

  @Test
  void shouldMapLabelsWithDefaultAndFallThrough() {
    assertThat(eval("$label(status, {'PAID': '已支付'})").asText()).isEqualTo("已支付");
    assertThat(eval("$label('NEW', {'PAID': '已支付'}, '其他')").asText()).isEqualTo("其他");
    assertThat(eval("$label('NEW', {'PAID': '已支付'})").asText()).isEqualTo("NEW");
    assertThat(eval("$label(2, {'2': 'two'})").asText()).isEqualTo("two");
    assertThat(failure("$label(status, 'PAID')")).contains("mapping must be an object");
  }

  @Test
  void shouldMaskLikeTheMaskingPolicy() {
    assertThat(eval("$maskPhone('13812345678')").asText()).isEqualTo("138****5678");
    assertThat(eval("$maskCard('6222020200112233445')").asText()).isEqualTo("***************3445");
    assertThat(eval("$maskEmail('driver@example.com')").asText()).isEqualTo("d***@example.com");
    assertThat(eval("$maskEmail('nonsense')").asText()).isEqualTo("********");
    assertThat(eval("$mask('abcdef', 1, 2)").asText()).isEqualTo("a***ef");
    assertThat(eval("$mask('abc', 2, 2)").asText()).isEqualTo("***");
    assertThat(eval("$mask(12345678, 0, 2)").asText()).isEqualTo("******78");
    assertThat(eval("$maskPhone(nothing)")).isNull();
    assertThat(failure("$mask('abc', -1, 2)")).contains("keepStart");
  }

  @Test
  void shouldRefuseEvalEvenWhenReachedIndirectly() {
    assertThatThrownBy(() -> eval("$eval('orderId')")).isInstanceOf(ApiProblem.class);
    // a function value passed around still cannot be $eval: the name is refused wherever it appears
    assertThatThrownBy(() -> eval("($e := $eval; $e('orderId'))"))
        .isInstanceOfSatisfying(
            ApiProblem.class, e -> assertThat(e.errors().getFirst().message()).contains("$eval"));
  }
}
