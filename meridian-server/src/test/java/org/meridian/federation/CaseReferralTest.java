package org.meridian.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.app.Settings;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * A case a district cannot solve goes up to its city (上报), two real servers with their own databases: the city
 * opens it with the same identity and the district's timeline, without the reporter's details; the district follows
 * the city's handling and closes when the city closes; the KPIs count it once; only the district that referred it
 * refers or reads it; and a referral made while the city is down reaches it when it is back.
 */
class CaseReferralTest {
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

    @Test
    void aCaseReferredUpGoesOnAtTheCityAndComesBackClosed() throws Exception {
        int cityPort;
        try (ServerSocket free = new ServerSocket(0)) {
            cityPort = free.getLocalPort();
        }
        Map<String, String> citySettings = Map.of(IngestSettings.MQTT_PORT, "-1", Settings.PORT, String.valueOf(cityPort),
                FederationSettings.NAME, "Hangzhou", FederationSettings.LEVEL, "city");
        city = TestServer.startOwn(cityData, citySettings);
        Api cityApi = TestServer.client(city);
        ok(cityApi.put("/admin/v1/departments/east", "{\"name\": \"East District\"}"));
        ok(cityApi.put("/admin/v1/departments/roads", "{\"name\": \"City roads bureau\"}"));
        String eastKey = ok(cityApi.post("/admin/v1/clients", "{\"id\": \"east-node\", \"department\": \"east\", \"role\": \"system\"}"))
                .path("apiKey").asText();
        String westKey = ok(cityApi.post("/admin/v1/clients", "{\"id\": \"west-node\", \"department\": \"east\", \"role\": \"system\"}"))
                .path("apiKey").asText();
        ok(cityApi.put("/cases/v1/categories/bridge", "{\"name\": \"Bridge damage\", \"kind\": \"component\"}"));

        Map<String, String> settings = new HashMap<>(Map.of(IngestSettings.MQTT_PORT, "-1",
                FederationSettings.PARENT, cityApi.base(), FederationSettings.PARENT_KEY, eastKey,
                FederationSettings.NAME, "East District", FederationSettings.LEVEL, "district",
                FederationSettings.REFRESH_SECONDS, "5", FederationSettings.READER_CLIENT, "city-node"));
        district = TestServer.startOwn(districtData, settings);
        Api districtApi = TestServer.client(district);
        ok(districtApi.put("/admin/v1/departments/city", "{\"name\": \"The city\"}"));
        ok(districtApi.post("/admin/v1/clients", "{\"id\": \"city-node\", \"department\": \"city\", \"role\": \"system\"}"));
        ok(districtApi.put("/cases/v1/categories/bridge", "{\"name\": \"Bridge damage\", \"kind\": \"component\"}"));
        ok(districtApi.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:Bridge:east-1", "type": "Bridge", "name": {"type": "Property", "value": "East bridge"}}"""));
        await(cityApi, "/ngsi-ld/v1/csourceRegistrations?type=Bridge", answer -> answer.size() == 1);

        // The district registers a report, then refers it: beyond a district's means.
        String id = ok(districtApi.post("/cases/v1/cases", """
                {"category": "bridge", "description": "A crack across the river bridge", "urgency": "urgent",
                 "location": {"type": "Point", "coordinates": [116.35, 39.95]}, "contact": {"phone": "13800000000"}}"""))
                .path("id").asText();
        ok(districtApi.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"register\"}"));
        JsonNode referred = ok(districtApi.post("/cases/v1/cases/" + id + "/actions",
                "{\"action\": \"refer\", \"reason\": \"The bridge is the city's to repair\"}"));
        assertThat(referred.path("state").asText()).isEqualTo("referred");

        String above = "east-district:" + id;
        JsonNode atCity = await(cityApi, "/cases/v1/cases/" + above, answer -> true);
        assertThat(atCity.path("state").asText()).as(atCity.toString()).isEqualTo("registered");
        assertThat(atCity.path("referredFrom").asText()).isEqualTo("East District");
        assertThat(atCity.path("urgency").asText()).isEqualTo("urgent");
        JsonNode first = atCity.path("events").get(0);
        assertThat(first.path("kind").asText()).isEqualTo("referred-in");
        List<String> below = new ArrayList<>();
        first.path("data").path("history").forEach(event -> below.add(event.path("node").asText() + " " + event.path("kind").asText()));
        assertThat(below).containsExactly("East District reported", "East District registered", "East District referred");
        assertThat(atCity.toString()).as("the reporter's details stay in the district").doesNotContain("13800000000");
        JsonNode waiting = await(districtApi, "/cases/v1/cases/" + id,
                answer -> !answer.path("referredTo").path("pending").asBoolean(true));
        assertThat(waiting.path("referredTo").path("case").asText()).isEqualTo(above);

        // Only the district that referred it refers or reads it; a bad referral is refused.
        Api.Response intruder = cityApi.anonymous().get("/federation/v1/referrals/" + above).header("X-Api-Key", westKey).send();
        assertThat(intruder.status()).as(intruder.toString()).isEqualTo(403);
        Api.Response forged = cityApi.anonymous().post("/federation/v1/referrals", "{\"case\": \"x\"}").header("X-Api-Key", westKey).send();
        assertThat(forged.status()).as(forged.toString()).isEqualTo(403);
        Api.Response bad = cityApi.anonymous().post("/federation/v1/referrals", "{\"case\": \"20261206-1\", \"reason\": \"?\"}")
                .header("X-Api-Key", eastKey).send();
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.json().path("detail").asText()).contains("referral");

        // The city handles it; the district follows, and closes when the city closes.
        for (String action : List.of("{\"action\": \"dispatch\", \"lead\": \"roads\"}", "{\"action\": \"accept\"}",
                "{\"action\": \"handle\", \"result\": \"The bridge deck was repaired\"}", "{\"action\": \"check\", \"passed\": true}",
                "{\"action\": \"close\"}")) {
            ok(cityApi.post("/cases/v1/cases/" + above + "/actions", action));
        }
        JsonNode closed = await(districtApi, "/cases/v1/cases/" + id, answer -> answer.path("state").asText().equals("closed"));
        List<String> followed = new ArrayList<>();
        closed.path("events").forEach(event -> {
            if (event.path("kind").asText().equals("upstream")) {
                followed.add(event.path("data").path("kind").asText());
            }
        });
        assertThat(followed).containsExactly("dispatched", "accepted", "handled", "checked", "closed");
        assertThat(closed.toString()).contains("The bridge deck was repaired", "node:Hangzhou");
        ok(districtApi.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"rate\", \"satisfaction\": \"satisfied\", \"solved\": true}"));

        // Counted once in the roll-up: reported and closed where it was reported, not again at the city.
        JsonNode kpis = await(cityApi, "/federation/v1/kpis", answer -> !answer.has("missing"));
        assertThat(kpis.path("total").path("reported").asInt()).as(kpis.toString()).isEqualTo(1);
        assertThat(kpis.path("total").path("closures").asInt()).as(kpis.toString()).isEqualTo(1);
        assertThat(kpis.path("own").path("closures").asInt()).isZero();

        // Not done after all: reopened in the district and referred again, the city's case is reopened.
        ok(districtApi.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"reopen\", \"reason\": \"The crack is back\"}"));
        ok(districtApi.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"refer\", \"reason\": \"The crack is back\"}"));
        JsonNode reopened = await(cityApi, "/cases/v1/cases/" + above, answer -> answer.path("state").asText().equals("registered"));
        assertThat(reopened.path("reopens").asInt()).isEqualTo(1);

        // The city down: a referral waits in the district, and reaches the city when it is back.
        city.close();
        city = null;
        String second = ok(districtApi.post("/cases/v1/cases", """
                {"category": "bridge", "description": "A railing torn off", "location": {"type": "Point", "coordinates": [116.36, 39.95]}}"""))
                .path("id").asText();
        ok(districtApi.post("/cases/v1/cases/" + second + "/actions", "{\"action\": \"register\"}"));
        ok(districtApi.post("/cases/v1/cases/" + second + "/actions", "{\"action\": \"refer\", \"reason\": \"The city's bridge\"}"));
        Thread.sleep(1_000);
        assertThat(ok(districtApi.get("/cases/v1/cases/" + second)).path("referredTo").path("pending").asBoolean()).isTrue();
        city = TestServer.startOwn(cityData, citySettings);
        await(TestServer.client(city), "/cases/v1/cases/east-district:" + second, answer -> true);
        await(districtApi, "/cases/v1/cases/" + second, answer -> !answer.path("referredTo").path("pending").asBoolean(true));
    }

    private static JsonNode ok(Api.Request request) {
        Api.Response response = request.send();
        assertThat(response.status()).as(response.toString()).isBetween(200, 299);
        return response.body() == null || response.body().isEmpty() ? null : response.json();
    }

    private static JsonNode await(Api api, String path, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Api.Response last = null;
        while (System.nanoTime() < deadline) {
            last = api.get(path).send();
            if (last.status() == 200 && done.test(last.json())) {
                return last.json();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not reached in 60 s; last answer " + last);
    }
}
