package org.meridian.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.meridian.testing.Api;
import org.meridian.testing.InTenant;
import org.meridian.testing.TestServer;

/**
 * A small city for rule tests: two districts' worth of sensors (a weather station, two underpass gauges), a road, the
 * water department owning its gauges and granted the weather station's precipitation by environment, and the flood
 * rule the city's engineers would write.
 */
abstract class FloodCity {
    static final String FLOOD = """
            id: underpass-flood
            name: 内涝 Underpass flooding
            department: water
            severity: high
            when:
              per: district
              all:
                - type: WeatherObserved
                  attribute: precipitation
                  atLeast: 16
                - type: FloodMonitoring
                  attribute: waterLevel
                  above: 30
                  for: PT5M
            suppressFor: PT1M
            then:
              - openCase: {category: waterlogging, urgency: urgent}
              - raiseAlert: {category: weather, subCategory: flood}
              - update:
                  type: RoadSegment
                  entity: urn:ngsi-ld:RoadSegment:wensan-underpass
                  set: {status: closed}
                  onClear: {status: open}
            """;

    protected final Api operator = TestServer.api();
    protected final String tenant = TestServer.newTenant();
    protected final InTenant city = new InTenant(operator, tenant);
    protected Api waterAdmin;
    protected Api dispatcher;
    protected Api environmentAdmin;
    /** environment's grant of the weather station's precipitation to water */
    protected String precipitationGrant;

    @BeforeEach
    void aCityWithDistrictsSensorsAndARoad() {
        for (String department : List.of("water", "traffic-police", "environment")) {
            city.ok(operator.put("/admin/v1/departments/" + department, "{\"name\": \"" + department + "\"}"));
        }
        waterAdmin = city.person("water-admin", "water", "department-admin");
        dispatcher = city.person("dispatcher", "", "dispatcher");
        city.ok(operator.put("/cases/v1/categories/waterlogging", "{\"name\": \"积水 Waterlogging\", \"kind\": \"event\"}"));
        city.ok(operator.put("/cases/v1/routing", "{\"category\": \"waterlogging\", \"lead\": \"water\", \"coHandlers\": [\"traffic-police\"]}"));
        // Water owns its gauges and the road's state; the weather stations are environment's, which grants water
        // precipitation and location (not temperature).
        for (String[] owned : new String[][] {{"FloodMonitoring", "water"}, {"RoadSegment", "water"}, {"WeatherObserved", "environment"}}) {
            city.ok(operator.put("/sharing/v1/datasets/" + owned[0], "{\"owner\": \"" + owned[1] + "\"}"));
        }
        create("""
                {"id": "urn:ngsi-ld:District:xihu", "type": "District", "name": {"type": "Property", "value": "西湖区"},
                 "location": {"type": "GeoProperty", "value": {"type": "Polygon",
                   "coordinates": [[[120.0, 30.2], [120.2, 30.2], [120.2, 30.35], [120.0, 30.35], [120.0, 30.2]]]}}}""");
        String station = sensor("urn:ngsi-ld:WeatherObserved:xihu-1", "WeatherObserved", 120.10, 30.25, "precipitation", 0);
        create(station.substring(0, station.lastIndexOf('}')) + ", \"temperature\": {\"type\": \"Property\", \"value\": 21}}");
        create(sensor("urn:ngsi-ld:FloodMonitoring:wensan", "FloodMonitoring", 120.15, 30.28, "waterLevel", 5));
        create(sensor("urn:ngsi-ld:FloodMonitoring:binjiang", "FloodMonitoring", 120.25, 30.20, "waterLevel", 5));
        create("""
                {"id": "urn:ngsi-ld:RoadSegment:wensan-underpass", "type": "RoadSegment",
                 "status": {"type": "Property", "value": "open"}}""");
        Api waterStaff = city.person("water-staff", "water", "staff");
        environmentAdmin = city.person("environment-admin", "environment", "department-admin");
        String request = city.ok(waterStaff.post("/sharing/v1/requests", """
                {"type": "WeatherObserved", "attributes": ["precipitation", "location"], "purpose": "flood warnings",
                 "until": "%s"}""".formatted(Instant.now().plus(30, ChronoUnit.DAYS)))).path("id").asText();
        precipitationGrant = city.ok(environmentAdmin.post("/sharing/v1/requests/" + request + "/decision", "{\"decision\": \"grant\"}"))
                .path("id").asText();
    }

    protected void create(String entity) {
        Api.Response created = city.send(operator.post("/ngsi-ld/v1/entities", entity));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    protected static String sensor(String id, String type, double longitude, double latitude, String attribute, double value) {
        return """
                {"id": "%s", "type": "%s", "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [%s, %s]}},
                 "%s": {"type": "Property", "value": %s}}""".formatted(id, type, longitude, latitude, attribute, value);
    }

    protected void reading(String id, String attribute, double value, Instant at) {
        Api.Response sent = city.send(operator.patch("/ngsi-ld/v1/entities/" + id + "/attrs",
                "{\"" + attribute + "\": {\"type\": \"Property\", \"value\": " + value + ", \"observedAt\": \"" + at + "\"}}"));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(204);
    }

    protected Api.Response postRule(Api who, String yaml) {
        return city.send(who.postBytes("/rules/v1/rules", yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/yaml"));
    }

    /** Polls until the answer passes (the engine works after the commit), at most twenty seconds. */
    protected JsonNode await(Api who, String path, Predicate<JsonNode> passes) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = city.ok(who.get(path));
            if (passes.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " never passed; last: " + last);
    }
}
