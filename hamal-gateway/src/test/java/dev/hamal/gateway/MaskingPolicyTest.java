package dev.hamal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskingPolicyTest {

  /** Templates that try every way to reach the raw values that JSONata offers. */
  private static final List<String> ATTEMPTS =
      List.of(
          "$",
          "$$",
          "$string($)",
          "$string($$)",
          "ext",
          "ext.mobile",
          "ext.card_no",
          "$keys(ext)",
          "$lookup(ext, 'mobile')",
          "$lookup($$.ext, 'card_no')",
          "$each(ext, function($v, $k){$k & '=' & $v})",
          "$sift(ext, function($v){true})",
          "$spread(ext)",
          "**",
          "*.*",
          "$merge([$, ext])",
          "$clone($)",
          "$ ~> | ext | {'copy': mobile} |",
          "$base64encode($string(ext))",
          "$split($string($), '')",
          "$map($keys(ext), function($k){$lookup(ext, $k)})");

  private static ObjectNode order(String phone, String card, String idCard) {
    ObjectNode order = TemplateService.sampleOrder();
    ObjectNode ext = (ObjectNode) order.get("ext");
    ext.put("mobile", phone);
    ext.put("phone", Long.parseLong(phone));
    ext.put("card_no", card);
    ext.putArray("bank_card").add(card).add(card);
    ext.putObject("id_card").put("number", idCard);
    return order;
  }

  private static String digits(Random random, int n) {
    StringBuilder s = new StringBuilder();
    s.append(1 + random.nextInt(9));
    for (int i = 1; i < n; i++) {
      s.append(random.nextInt(10));
    }
    return s.toString();
  }

  @Test
  void shouldKeepRawValuesOutOfEveryTemplateForAMaskedCaller() {
    MaskingPolicy policy = MaskingPolicy.defaults();
    ObjectNode body = Json.object();
    ObjectNode fields = body.putObject("fields");
    for (int i = 0; i < ATTEMPTS.size(); i++) {
      fields.put("a" + i, ATTEMPTS.get(i));
    }
    Template template = Template.compile("probe@1", body);
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      String phone = digits(random, 11);
      String card = digits(random, 16 + random.nextInt(4));
      String idCard = digits(random, 18);
      ObjectNode order = order(phone, card, idCard);

      String out = template.render(policy.mask(order), Duration.ofSeconds(2)).toString();

      assertThat(out).doesNotContain(phone).doesNotContain(card).doesNotContain(idCard);
      // the probes did see the masked values: the test would notice if they saw nothing
      assertThat(out).contains(phone.substring(0, 3) + "****" + phone.substring(7));
      assertThat(out).contains(card.substring(card.length() - 4));
    }
  }

  @Test
  void shouldMaskEachKindAndFailClosedOnStructures() {
    ObjectNode order = order("13812345678", "6222020200112233445", "110101199003071234");
    ((ObjectNode) order.get("ext")).put("email", "driver@example.com");
    MaskingPolicy.defaults().mask(order);
    JsonNode ext = order.get("ext");
    assertThat(ext.get("mobile").asText()).isEqualTo("138****5678");
    assertThat(ext.get("phone").asText()).isEqualTo("138****5678");
    assertThat(ext.get("card_no").asText()).isEqualTo("***************3445");
    assertThat(ext.get("bank_card").get(1).asText()).isEqualTo("***************3445");
    assertThat(ext.get("id_card").asText()).isEqualTo("****");
    assertThat(ext.get("email").asText()).isEqualTo("d***@example.com");
    assertThat(order.get("userId").asText()).isEqualTo("u-***86");
    assertThat(ext.get("station").asText()).isEqualTo("SH-0042");
  }

  @Test
  void shouldAddTheRulesOfTheOrdersBusinessLine() {
    MaskingPolicy policy =
        new MaskingPolicy(
            List.of(),
            Map.of("fuel", MaskingPolicy.parseRules("masking.fuel", "ext.station:FULL")));
    ObjectNode fuel = policy.mask(TemplateService.sampleOrder());
    assertThat(fuel.get("ext").get("station").asText()).isEqualTo("****");
    ObjectNode hotel = TemplateService.sampleOrder();
    hotel.put("businessLine", "hotel");
    assertThat(policy.mask(hotel).get("ext").get("station").asText()).isEqualTo("SH-0042");
  }

  @Test
  void shouldParseRulesAndNameTheSettingInErrors() {
    assertThat(MaskingPolicy.parseRules("masking.rules", "ext.mobile:PHONE, userId:id"))
        .containsExactly(
            new MaskingPolicy.Rule("ext.mobile", MaskingPolicy.Kind.PHONE),
            new MaskingPolicy.Rule("userId", MaskingPolicy.Kind.ID));
    assertThatThrownBy(() -> MaskingPolicy.parseRules("masking.rules", "ext.mobile:SECRET"))
        .hasMessageContaining("masking.rules")
        .hasMessageContaining("unknown kind");
    assertThatThrownBy(() -> MaskingPolicy.parseRules("masking.rules", "ext..x:FULL"))
        .hasMessageContaining("masking.rules");
    assertThatThrownBy(() -> MaskingPolicy.parseRules("masking.rules", "mobile"))
        .hasMessageContaining("path:KIND");
  }
}
