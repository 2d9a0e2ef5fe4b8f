package dev.hamal.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IndexTemplateTest {

  private static JsonNode template(OrderIndexConfig config) throws Exception {
    return new ObjectMapper().readTree(OrderIndex.templateBody(config));
  }

  @Test
  void shouldMatchTheMonthlyIndicesAndJoinThemToTheAlias() throws Exception {
    JsonNode template =
        template(
            OrderIndexConfig.builder(URI.create("http://127.0.0.1:9200"))
                .indexPrefix("orders")
                .shards(3)
                .replicas(1)
                .refreshInterval(Duration.ofMillis(1500))
                .build());

    assertThat(template.at("/index_patterns/0").asText()).isEqualTo("orders-*");
    assertThat(template.at("/template/aliases").has("orders")).isTrue();
    JsonNode settings = template.at("/template/settings");
    assertThat(settings.get("index.number_of_shards").asInt()).isEqualTo(3);
    assertThat(settings.get("index.number_of_replicas").asInt()).isEqualTo(1);
    assertThat(settings.get("index.refresh_interval").asText()).isEqualTo("1500ms");
    assertThat(settings.has("index.translog.durability")).isFalse(); // the default: request
  }

  @Test
  void shouldIndexTheCanonicalMembersInPlaceAndNeverExt() throws Exception {
    JsonNode properties =
        template(OrderIndexConfig.builder(URI.create("http://127.0.0.1:9200")).build())
            .at("/template/mappings/properties");

    assertThat(properties.at("/orderId/type").asText()).isEqualTo("keyword");
    assertThat(properties.at("/product/properties/name/analyzer").asText()).isEqualTo("cjk");
    assertThat(properties.at("/product/properties/name/fields/raw/type").asText())
        .isEqualTo("keyword");
    assertThat(properties.at("/amounts/properties/total/type").asText()).isEqualTo("long");
    assertThat(properties.at("/times/properties/createdAt/type").asText()).isEqualTo("date_nanos");
    assertThat(properties.at("/ext/enabled").asBoolean(true)).isFalse();
    assertThat(properties.at("/version/type").asText()).isEqualTo("keyword");
  }
}
