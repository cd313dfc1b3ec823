package org.meridian.core.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-computed expectations for a table of queries over two stored documents. Each case runs on a copy of its document
 * with seeded random noise that must not change the outcome: instances and members shuffled, unrelated attributes
 * added. The seed is printed; set {@code -Dmeridian.test.seed=...} to replay it. Attribute names are left unexpanded,
 * which the evaluator does not distinguish from IRIs.
 */
class QueryEvaluatorTest {
    private static final long SEED = Long.getLong("meridian.test.seed", System.nanoTime());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String VEHICLE = """
            {
              "speed": [
                {"type": "Property", "value": 120, "observedAt": "2024-03-01T10:00:00Z", "unitCode": "KMH"},
                {"type": "Property", "value": 80.5, "observedAt": "2024-03-01T10:00:00.250Z",
                 "datasetId": "urn:ngsi-ld:Dataset:gps"}
              ],
              "brandName": [{"type": "Property", "value": "Mercedes"}],
              "isParked": [{"type": "Relationship", "object": "urn:ngsi-ld:OffStreetParking:Downtown1",
                            "observedAt": "2024-03-01T09:00:00+02:00",
                            "providedBy": {"type": "Relationship", "object": "urn:ngsi-ld:Person:Bob"}}],
              "name": [{"type": "LanguageProperty", "languageMap": {"en": "Red car", "fr": "Voiture rouge"}}],
              "address": [{"type": "Property",
                           "value": {"city": "Berlin", "street": "Ulrich Strasse", "zip": {"code": 10115}}}],
              "tags": [{"type": "ListProperty", "valueList": ["fast", "red", 3]}],
              "owners": [{"type": "ListRelationship",
                          "objectList": ["urn:ngsi-ld:Person:Alice", "urn:ngsi-ld:Person:Bob"]}],
              "category": [{"type": "VocabProperty", "vocab": "https://ex.org/Sedan"}],
              "parkingTicket": [{"type": "JsonProperty", "json": {"id": "85a6", "value": "Overstay 60 minutes"}}],
              "temperature": [{"type": "Property", "value": 21.5, "unitCode": "CEL",
                               "sensor": {"type": "Property", "value": "urn:ngsi-ld:Device:t1",
                                          "observedAt": "2024-03-01T10:05:00Z"}}],
              "electric": [{"type": "Property", "value": false}],
              "colors": [{"type": "Property", "value": ["blue", "red", "green"]}],
              "serviceDate": [{"type": "Property", "value": "2024-02-29"}],
              "openingTime": [{"type": "Property", "value": "08:30:00Z"}]
            }""";
    private static final String BIKE = """
            {
              "speed": [{"type": "Property", "value": 15}],
              "brandName": [{"type": "Property", "value": "Ok Bikes"}],
              "name": [{"type": "LanguageProperty", "languageMap": {"en": ["bike", "cycle"], "nl": "fiets"}}]
            }""";
    private static final Map<String, String> DOCUMENTS = Map.of("vehicle", VEHICLE, "bike", BIKE);

    @BeforeAll
    static void printSeed() {
        System.out.println("QueryEvaluatorTest seed: " + SEED + " (replay with -Dmeridian.test.seed=" + SEED + ")");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // existence
                Arguments.of("speed", "vehicle", true),
                Arguments.of("bogus", "vehicle", false),
                Arguments.of("!bogus", "vehicle", true),
                Arguments.of("!speed", "vehicle", false),
                Arguments.of("!isParked;speed<20", "bike", true),
                // numbers, every ordering operator, multi-instance attributes
                Arguments.of("speed==120", "vehicle", true),
                Arguments.of("speed==80.5", "vehicle", true),
                Arguments.of("speed==100", "vehicle", false),
                Arguments.of("speed!=120", "vehicle", true),
                Arguments.of("speed!=15", "bike", false),
                Arguments.of("speed>100", "vehicle", true),
                Arguments.of("speed>=120", "vehicle", true),
                Arguments.of("speed<80.5", "vehicle", false),
                Arguments.of("speed<=80.5", "vehicle", true),
                // ranges bind both bounds to one value; lists match any value
                Arguments.of("speed==100..130", "vehicle", true),
                Arguments.of("speed==90..100", "vehicle", false),
                Arguments.of("speed!=80..130", "vehicle", false),
                Arguments.of("speed==1,2,120", "vehicle", true),
                Arguments.of("speed!=120,80.5", "vehicle", false),
                // strings and data type mismatches
                Arguments.of("brandName==\"Mercedes\"", "vehicle", true),
                Arguments.of("brandName==Mercedes", "vehicle", true),
                Arguments.of("brandName>\"Audi\"", "vehicle", true),
                Arguments.of("brandName==5", "vehicle", false),
                Arguments.of("brandName!=5", "vehicle", true),
                // regular expressions match strings only
                Arguments.of("brandName~=\"^Merc\"", "vehicle", true),
                Arguments.of("brandName~=\"(?i)mercedes\"", "vehicle", true),
                Arguments.of("brandName!~=\"^Merc\"", "vehicle", false),
                Arguments.of("brandName!~=^Merc", "bike", true),
                Arguments.of("speed~=\"1\"", "vehicle", false),
                Arguments.of("speed!~=\"1\"", "vehicle", false),
                // relationships: objects take part in == and != only
                Arguments.of("isParked==\"urn:ngsi-ld:OffStreetParking:Downtown1\"", "vehicle", true),
                Arguments.of("isParked==urn:ngsi-ld:OffStreetParking:Downtown1", "vehicle", true),
                Arguments.of("isParked>\"urn:a\"", "vehicle", false),
                Arguments.of("isParked!=urn:ngsi-ld:OffStreetParking:Other", "vehicle", true),
                Arguments.of("isParked.providedBy==urn:ngsi-ld:Person:Bob", "vehicle", true),
                Arguments.of("owners==urn:ngsi-ld:Person:Bob", "vehicle", true),
                // metadata keywords and temporal values
                Arguments.of("isParked.observedAt<2024-03-01T08:00:00Z", "vehicle", true),
                Arguments.of("speed.observedAt>2024-03-01T10:00:00Z", "vehicle", true),
                Arguments.of("speed.observedAt>2024-03-01T10:00:00.250Z", "vehicle", false),
                Arguments.of("speed.observedAt==2024-03-01T12:00:00+02:00", "vehicle", true),
                Arguments.of("speed.observedAt>=2024-03-01", "vehicle", true),
                Arguments.of("speed.observedAt==2024-03-01T09:00:00Z..2024-03-01T11:00:00Z", "vehicle", true),
                Arguments.of("speed.unitCode==\"KMH\"", "vehicle", true),
                Arguments.of("speed.unitCode!=\"KMH\"", "vehicle", false),
                Arguments.of("speed.datasetId==urn:ngsi-ld:Dataset:gps", "vehicle", true),
                Arguments.of("serviceDate==2024-02-29", "vehicle", true),
                Arguments.of("serviceDate<2024-03-01T00:00:00Z", "vehicle", false),
                Arguments.of("openingTime<09:00:00Z", "vehicle", true),
                Arguments.of("openingTime>09:30:00+02:00", "vehicle", true),
                // sub-attributes
                Arguments.of("temperature.sensor", "vehicle", true),
                Arguments.of("temperature.observedAt", "vehicle", false),
                Arguments.of("temperature.sensor==urn:ngsi-ld:Device:t1", "vehicle", true),
                Arguments.of("temperature.sensor.observedAt<2024-03-01T10:10:00Z", "vehicle", true),
                // compound paths into Property and JsonProperty values
                Arguments.of("address[city]==\"Berlin\"", "vehicle", true),
                Arguments.of("address[city]!=\"Berlin\"", "vehicle", false),
                Arguments.of("address[zip.code]==10115", "vehicle", true),
                Arguments.of("address[zip][code]>10000", "vehicle", true),
                Arguments.of("address[country]", "vehicle", false),
                Arguments.of("parkingTicket[value]==\"Overstay 60 minutes\"", "vehicle", true),
                // LanguageProperty, ListProperty, VocabProperty, booleans and arrays
                Arguments.of("name==\"Voiture rouge\"", "vehicle", true),
                Arguments.of("name[en]==\"Red car\"", "vehicle", true),
                Arguments.of("name[fr]==\"Red car\"", "vehicle", false),
                Arguments.of("name==\"cycle\"", "bike", true),
                Arguments.of("tags==\"red\"", "vehicle", true),
                Arguments.of("tags==3", "vehicle", true),
                Arguments.of("category==https://ex.org/Sedan", "vehicle", true),
                Arguments.of("electric==false", "vehicle", true),
                Arguments.of("electric!=true", "vehicle", true),
                Arguments.of("colors==\"red\"", "vehicle", true),
                Arguments.of("colors!=\"red\"", "vehicle", false),
                Arguments.of("colors!=\"black\"", "vehicle", true),
                Arguments.of("colors==\"black\",\"green\"", "vehicle", true),
                // logical operators: AND binds tighter than OR
                Arguments.of("speed>100;brandName==\"Audi\"|electric==false", "vehicle", true),
                Arguments.of("speed>100;(brandName==\"Audi\"|electric==true)", "vehicle", false),
                Arguments.of("(speed<20|speed>100);brandName~=Ok", "bike", true));
    }

    @ParameterizedTest(name = "{0} on {1} is {2}")
    @MethodSource("cases")
    void evaluatesAsComputedByHand(String q, String documentName, boolean expected) throws JsonProcessingException {
        QueryExpression expression = QueryParser.parse(q, 100);
        JsonNode document = withNoise(JSON.readTree(DOCUMENTS.get(documentName)), new Random(SEED ^ q.hashCode()));

        assertThat(QueryEvaluator.matches(expression, document))
                .as("%s on %s (seed %d): %s", q, documentName, SEED, document)
                .isEqualTo(expected);
    }

    private static JsonNode withNoise(JsonNode document, Random random) {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(document.properties());
        for (int noise = random.nextInt(4); noise > 0; noise--) {
            members.add(Map.entry("https://noise.example/" + random.nextInt(1000), noiseInstances(random)));
        }
        Collections.shuffle(members, random);
        ObjectNode noisy = NODES.objectNode();
        for (Map.Entry<String, JsonNode> member : members) {
            List<JsonNode> instances = new ArrayList<>();
            member.getValue().forEach(instances::add);
            Collections.shuffle(instances, random);
            noisy.set(member.getKey(), NODES.arrayNode().addAll(instances));
        }
        return noisy;
    }

    private static ArrayNode noiseInstances(Random random) {
        ArrayNode instances = NODES.arrayNode();
        for (int count = 1 + random.nextInt(2); count > 0; count--) {
            ObjectNode instance = instances.addObject().put("type", "Property");
            switch (random.nextInt(3)) {
                case 0 -> instance.put("value", random.nextInt(200));
                case 1 -> instance.put("value", "Mercedes");
                default -> instance.put("observedAt", "2024-03-01T10:00:00Z").put("value", true);
            }
        }
        return instances;
    }
}
