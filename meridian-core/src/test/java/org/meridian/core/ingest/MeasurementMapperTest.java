package org.meridian.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.meridian.core.jsonld.ContextCompiler;
import org.meridian.core.jsonld.JsonLdContext;

/** Measurements become attribute instances whole, or are rejected whole with a reason. */
class MeasurementMapperTest {
    private static final String VOCAB = "https://uri.etsi.org/ngsi-ld/default-context/";
    private static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");
    private final JsonLdContext context = new ContextCompiler(url -> {
        throw new IllegalStateException("no remote contexts here");
    }).compile(null, json("{\"@vocab\": \"" + VOCAB + "\", \"location\": \"https://uri.etsi.org/ngsi-ld/location\"}"));
    private final ServiceGroup group = new ServiceGroup("", "key-1", VOCAB + "Sensor", List.of(
            new AttributeMapping("t", VOCAB + "temperature", ValueType.NUMBER, "CEL"),
            new AttributeMapping("n", VOCAB + "count", ValueType.INTEGER, null),
            new AttributeMapping("p", "https://uri.etsi.org/ngsi-ld/location", ValueType.GEO_POINT, null),
            new AttributeMapping("r", VOCAB + "refRoad", ValueType.RELATIONSHIP, null)),
            JsonNodeFactory.instance.objectNode(), false);
    private final Device device = new Device("", "d-1", "key-1", "urn:ngsi-ld:Sensor:d-1", VOCAB + "Sensor", List.of(),
            JsonNodeFactory.instance.objectNode(), null);

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void keysBecomeTypedInstancesWithTheObservationTime() {
        MeasurementMapper.Mapped mapped = MeasurementMapper.map(group, device, json("""
                {"t": 21.5, "n": 3, "p": "30.27, 120.16", "r": "urn:ngsi-ld:Road:1", "extra": "ok", "TimeInstant": "2026-11-25T07:59:00+08:00"}"""),
                NOW, context);

        assertThat(mapped.observedAt()).isEqualTo(Instant.parse("2026-11-24T23:59:00Z"));
        JsonNode temperature = mapped.attributes().get(VOCAB + "temperature").get(0);
        assertThat(temperature.path("value").asDouble()).isEqualTo(21.5);
        assertThat(temperature.path("unitCode").asText()).isEqualTo("CEL");
        assertThat(temperature.path("observedAt").asText()).isEqualTo("2026-11-24T23:59:00Z");
        assertThat(mapped.attributes().get("https://uri.etsi.org/ngsi-ld/location").get(0).path("value").path("coordinates").toString())
                .isEqualTo("[120.16,30.27]");
        assertThat(mapped.attributes().get(VOCAB + "refRoad").get(0).path("object").asText()).isEqualTo("urn:ngsi-ld:Road:1");
        assertThat(mapped.attributes().get(VOCAB + "extra").get(0).path("type").asText()).isEqualTo("Property");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"t\": \"warm\"} | WRONG_TYPE",
            "{\"n\": 2.5} | WRONG_TYPE",
            "{\"p\": \"95, 10\"} | WRONG_TYPE",
            "{\"r\": \"not a uri\"} | WRONG_TYPE",
            "{\"t\": null} | WRONG_TYPE",
            "{\"t\": 1, \"TimeInstant\": \"noon\"} | WRONG_TYPE",
            "{} | MALFORMED",
            "[1] | MALFORMED",
            "{\"bad name\": 1} | MALFORMED",
            "{\"type\": 1} | MALFORMED"})
    void badMeasurementsAreRejectedWhole(String payload, MeasurementRejected.Reason reason) {
        assertThatThrownBy(() -> MeasurementMapper.map(group, device, json(payload), NOW, context))
                .isInstanceOfSatisfying(MeasurementRejected.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void explicitAttributesRejectUnmappedKeysAndDeviceMappingsWin() {
        Device strict = new Device("", "d-2", "key-1", "urn:ngsi-ld:Sensor:d-2", VOCAB + "Sensor",
                List.of(new AttributeMapping("t", VOCAB + "airTemperature", ValueType.NUMBER, "FAH")),
                JsonNodeFactory.instance.objectNode(), true);

        assertThatThrownBy(() -> MeasurementMapper.map(group, strict, json("{\"t\": 70, \"x\": 1}"), NOW, context))
                .isInstanceOfSatisfying(MeasurementRejected.class, e -> assertThat(e.reason()).isEqualTo(MeasurementRejected.Reason.UNKNOWN_KEY));
        JsonNode attributes = MeasurementMapper.map(group, strict, json("{\"t\": 70}"), NOW, context).attributes();
        assertThat(attributes.has(VOCAB + "airTemperature")).isTrue();
        assertThat(attributes.has(VOCAB + "temperature")).isFalse();
    }

    @Test
    void importRowsBecomeEntitiesOrSayWhyNot() {
        ImportMapping mapping = ImportMapping.parse(json("""
                {"entityType": "Hospital", "id": {"column": "code"},
                 "attributes": {"beds": {"column": "beds", "type": "Integer"}, "open": {"column": "open", "type": "Boolean"}},
                 "location": {"longitude": "lon", "latitude": "lat"}}"""));
        var text = JsonNodeFactory.instance;
        JsonNode entity = mapping.entity(Map.of("code", text.textNode("H1"), "beds", text.textNode("120"), "open", text.textNode("是"),
                "lon", text.textNode("120.1"), "lat", text.textNode("30.2")), null);

        assertThat(entity.path("id").asText()).isEqualTo("urn:ngsi-ld:Hospital:H1");
        assertThat(entity.path("beds").path("value").asInt()).isEqualTo(120);
        assertThat(entity.path("open").path("value").asBoolean()).isTrue();
        assertThat(entity.path("location").path("value").path("coordinates").toString()).isEqualTo("[120.1,30.2]");
        assertThatThrownBy(() -> mapping.entity(Map.of("code", text.textNode("H2"), "beds", text.textNode("many")), null))
                .hasMessageContaining("beds");
    }
}
