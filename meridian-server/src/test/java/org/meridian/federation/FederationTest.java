package org.meridian.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * A district node under a city node, two real servers with their own databases: the district registers with the city
 * by itself, within its boundary; the city reads what the district's grants let it read, both ledgers record it; the
 * district offline, the city answers with what it has and names the district; back, it is read again.
 */
class FederationTest {
    private static final String EAST = "[[[116.30,39.90],[116.40,39.90],[116.40,40.00],[116.30,40.00],[116.30,39.90]]]";
    private static final String ELSEWHERE = "[[[117.30,39.90],[117.40,39.90],[117.40,40.00],[117.30,40.00],[117.30,39.90]]]";

    @TempDir
    Path cityData;
    @TempDir
    Path districtData;
    private MeridianServer city;
    private MeridianServer district;

    @AfterEach
    void stop() {
        if (district != null) {
            district.close();
        }
        if (city != null) {
            city.close();
        }
    }

    private static JsonNode ok(Api.Request request) {
        Api.Response response = request.send();
        assertThat(response.status()).as(response.toString()).isBetween(200, 299);
        return response.body() == null || response.body().isEmpty() ? null : response.json();
    }

    private MeridianServer startDistrict(Map<String, String> settings) {
        return TestServer.startOwn(districtData.resolve("node"), settings);
    }

    @Test
    void aDistrictUnderACityIsReadThroughItsGrantsAndMissedAloudWhenOffline() throws Exception {
        city = TestServer.startOwn(cityData, Map.of(IngestSettings.MQTT_PORT, "-1"));
        Api cityApi = TestServer.client(city);
        ok(cityApi.put("/admin/v1/departments/east", "{\"name\": \"East District\"}"));
        String districtKey = ok(cityApi.post("/admin/v1/clients", "{\"id\": \"east-node\", \"department\": \"east\", \"role\": \"system\"}"))
                .path("apiKey").asText();
        Path boundary = Files.writeString(districtData.resolve("east.geojson"), """
                {"type": "Feature", "properties": {"name": "East"}, "geometry": {"type": "Polygon", "coordinates": %s}}""".formatted(EAST));
        Map<String, String> settings = new HashMap<>(Map.of(IngestSettings.MQTT_PORT, "-1",
                FederationSettings.PARENT, cityApi.base(), FederationSettings.PARENT_KEY, districtKey,
                FederationSettings.NAME, "East District", FederationSettings.LEVEL, "district",
                FederationSettings.BOUNDARY, boundary.toString(), FederationSettings.REFRESH_SECONDS, "5",
                FederationSettings.READER_CLIENT, "city-node"));
        district = startDistrict(settings);
        Api districtApi = TestServer.client(district);

        // The district governs what the city may read: the city's client is in the department "city", granted the
        // air-quality stations' PM2.5 only, and none of the water bureau's data.
        for (String department : new String[] {"environment", "water", "city"}) {
            ok(districtApi.put("/admin/v1/departments/" + department, "{\"name\": \"" + department + "\"}"));
        }
        ok(districtApi.post("/admin/v1/clients", "{\"id\": \"city-node\", \"department\": \"city\", \"role\": \"system\"}"));
        ok(districtApi.put("/sharing/v1/datasets/AirQualityObserved", "{\"owner\": \"environment\", \"title\": \"Air quality\"}"));
        ok(districtApi.put("/sharing/v1/datasets/WaterQualityObserved", "{\"owner\": \"water\", \"title\": \"Water quality\"}"));
        ok(districtApi.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:east-1", "type": "AirQualityObserved",
                 "pm25": {"type": "Property", "value": 35, "observedAt": "2026-12-06T08:00:00Z"},
                 "no2": {"type": "Property", "value": 20, "observedAt": "2026-12-06T08:00:00Z"},
                 "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [116.35, 39.95]}}}"""));
        ok(districtApi.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:WaterQualityObserved:east-river", "type": "WaterQualityObserved",
                 "ph": {"type": "Property", "value": 7.1},
                 "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [116.36, 39.95]}}}"""));
        ok(districtApi.post("/sharing/v1/grants", """
                {"type": "AirQualityObserved", "grantee": "city", "attributes": ["pm25"], "until": "%s"}"""
                .formatted(Instant.now().plus(Duration.ofDays(1)))));

        JsonNode seen = await(cityApi, "/ngsi-ld/v1/entities?type=AirQualityObserved", answer -> answer.size() == 1);
        assertThat(seen.get(0).path("id").asText()).isEqualTo("urn:ngsi-ld:AirQualityObserved:east-1");
        assertThat(seen.get(0).path("pm25").path("value").asInt()).isEqualTo(35);
        assertThat(seen.get(0).has("no2")).as("not granted to the city").isFalse();
        assertThat(ok(cityApi.get("/ngsi-ld/v1/entities?type=WaterQualityObserved"))).as("no grant, nothing").isEmpty();
        assertThat(ok(cityApi.get("/ngsi-ld/v1/entities?type=AirQualityObserved&georel=within&geometry=Polygon&coordinates="
                + ELSEWHERE.replace(" ", "")))).as("an area the district does not meet").isEmpty();

        JsonNode registrations = ok(cityApi.get("/ngsi-ld/v1/csourceRegistrations?type=AirQualityObserved"));
        assertThat(registrations).hasSize(1);
        JsonNode registration = registrations.get(0);
        assertThat(registration.path("registrationName").asText()).isEqualTo("East District");
        assertThat(registration.path("location").path("type").asText()).isEqualTo("Polygon");
        assertThat(registration.toString()).contains("WaterQualityObserved", "pm25");

        // Another child of the city cannot take the registration over.
        String westKey = ok(cityApi.post("/admin/v1/clients", "{\"id\": \"west-node\", \"department\": \"east\", \"role\": \"system\"}"))
                .path("apiKey").asText();
        Api.Response takeover = cityApi.anonymous().patch("/ngsi-ld/v1/csourceRegistrations/" + registration.path("id").asText(),
                "{\"endpoint\": \"http://127.0.0.1:9/steal\"}").header("X-Api-Key", westKey).send();
        assertThat(takeover.status()).as(takeover.toString()).isEqualTo(403);

        // Both sides recorded the exchange.
        assertThat(ok(cityApi.get("/sharing/v1/ledger?limit=1000")).toString()).contains("remote-read", "East District");
        assertThat(ok(districtApi.get("/sharing/v1/ledger?limit=1000")).toString()).contains("client:city-node", "AirQualityObserved");

        // The city governs who of its own reads what the district gave it, as it governs its own data.
        ok(cityApi.put("/admin/v1/departments/ecology", "{\"name\": \"Ecology\"}"));
        ok(cityApi.put("/admin/v1/departments/transport", "{\"name\": \"Transport\"}"));
        ok(cityApi.put("/sharing/v1/datasets/AirQualityObserved", "{\"owner\": \"ecology\", \"title\": \"Air quality\"}"));
        Api ecology = person(cityApi, "city-ecology", "ecology");
        Api transport = person(cityApi, "city-transport", "transport");
        assertThat(ok(ecology.get("/ngsi-ld/v1/entities?type=AirQualityObserved"))).hasSize(1);
        assertThat(ok(transport.get("/ngsi-ld/v1/entities?type=AirQualityObserved"))).as("not granted at the city").isEmpty();
        assertThat(transport.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:east-1").send().status()).isEqualTo(404);

        // Case KPIs roll up: each node counts its own cases, the city adds the district's total.
        reportACase(districtApi, 116.35);
        reportACase(cityApi, 116.20);
        JsonNode kpis = ok(cityApi.get("/federation/v1/kpis"));
        assertThat(kpis.path("own").path("reported").asInt()).isEqualTo(1);
        assertThat(kpis.path("children").get(0).path("node").asText()).isEqualTo("East District");
        assertThat(kpis.path("children").get(0).path("total").path("reported").asInt()).isEqualTo(1);
        assertThat(kpis.path("total").path("reported").asInt()).isEqualTo(2);
        assertThat(kpis.has("missing")).isFalse();

        // Offline: the city answers with what it holds and says which child is missing.
        ok(cityApi.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:city-1", "type": "AirQualityObserved",
                 "pm25": {"type": "Property", "value": 12}}"""));
        district.close();
        district = null;
        Api.Response partial = cityApi.get("/ngsi-ld/v1/entities?type=AirQualityObserved").send();
        assertThat(partial.status()).isEqualTo(200);
        assertThat(partial.json()).hasSize(1);
        assertThat(partial.header("Warning")).contains("East District");

        JsonNode withoutIt = ok(cityApi.get("/federation/v1/kpis"));
        assertThat(withoutIt.path("missing").toString()).contains("East District");
        assertThat(withoutIt.path("total").path("reported").asInt()).as("what answered, and said so").isEqualTo(1);

        // Back: its renewal at start ends the city's wait, and it is read again.
        district = startDistrict(settings);
        JsonNode again = await(cityApi, "/ngsi-ld/v1/entities?type=AirQualityObserved", answer -> answer.size() == 2);
        assertThat(again.toString()).contains("east-1", "city-1");
    }

    private static void reportACase(Api operator, double longitude) {
        ok(operator.put("/cases/v1/categories/pothole", "{\"name\": \"Pothole\", \"kind\": \"component\"}"));
        ok(operator.post("/cases/v1/cases", """
                {"category": "pothole", "description": "A pothole", "location": {"type": "Point", "coordinates": [%s, 39.95]}}"""
                .formatted(longitude)));
    }

    private static Api person(Api operator, String username, String department) {
        ok(operator.post("/admin/v1/users", "{\"username\": \"" + username + "\", \"password\": \"a-city-password-1\", "
                + "\"roles\": [{\"department\": \"" + department + "\", \"role\": \"staff\"}]}"));
        return operator.as(username, "a-city-password-1");
    }

    private static JsonNode await(Api api, String path, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Api.Response last = null;
        while (System.nanoTime() < deadline) {
            last = api.get(path).send();
            if (last.status() == 200 && done.test(last.json())) {
                return last.json();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not reached in 30 s; last answer " + last + " " + last.headers().allValues("Warning")
                + " registrations " + api.get("/ngsi-ld/v1/csourceRegistrations?type=AirQualityObserved").send().body());
    }
}
