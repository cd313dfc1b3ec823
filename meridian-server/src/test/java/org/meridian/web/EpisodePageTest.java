package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** A rule episode's page: the reading that opened it, what it caused, and acknowledging it as the one on duty. */
class EpisodePageTest {
    private final Api operator = TestServer.api();

    @Test
    void anEpisodeShowsItsReadingAndWhatItCausedAndIsAcknowledgedFromThePage() throws Exception {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String type = "PageGauge" + unique;
        String rule = "page-gauge-" + unique;
        operator.put("/admin/v1/departments/emergency", "{\"name\": \"Emergency\"}").send();
        String gauge = "urn:ngsi-ld:" + type + ":g1";
        Api.Response created = operator.post("/ngsi-ld/v1/entities", """
                {"id": "%s", "type": "%s", "level": {"type": "Property", "value": 1},
                 "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [120.15, 30.27]}}}"""
                .formatted(gauge, type)).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Api.Response owned = operator.put("/sharing/v1/datasets/" + type, "{\"owner\": \"emergency\", \"title\": \"Gauges\"}").send();
        assertThat(owned.status()).as(owned.toString()).isIn(200, 201);
        Api.Response added = operator.postBytes("/rules/v1/rules", ("""
                id: %s
                name: Gauge high
                department: emergency
                when:
                  all:
                    - {type: %s, attribute: level, above: 5}
                then:
                  - raiseAlert: {category: weather, subCategory: flood}
                  - notify: {stream: operations}
                """.formatted(rule, type)).getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/yaml").send();
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        Api.Response enabled = operator.post("/rules/v1/rules/" + rule + "/enable", "").send();
        assertThat(enabled.status()).as(enabled.toString()).isEqualTo(200);
        String episode = null;
        for (int i = 0; i < 100 && episode == null; i++) {
            // The gauge keeps reporting high, as a sensor does (the engine takes up a new rule within moments).
            Api.Response risen = operator.patch("/ngsi-ld/v1/entities/" + gauge + "/attrs",
                    "{\"level\": {\"type\": \"Property\", \"value\": " + (9 + i) + "}}").send();
            assertThat(risen.status()).as(risen.toString()).isEqualTo(204);
            for (JsonNode open : operator.get("/rules/v1/episodes?open=true").send().json()) {
                if (open.path("rule").asText().equals(rule)) {
                    episode = open.path("id").asText();
                }
            }
            Thread.sleep(200);
        }
        assertThat(episode).as("the rule opened an episode: %s / %s", operator.get("/rules/v1/rules/" + rule).send(),
                operator.get("/rules/v1/episodes").send()).isNotNull();

        String name = "episode-page-" + unique;
        operator.post("/admin/v1/users", "{\"username\": \"" + name + "\", \"password\": \"a-test-password-1\", "
                + "\"roles\": [{\"department\": \"\", \"role\": \"dispatcher\"}]}").send();
        WebClient dispatcher = new WebClient(operator.base(), "en");
        dispatcher.signIn(Map.of("username", name, "password", "a-test-password-1"));
        HttpResponse<String> page = dispatcher.get("/ops/episodes/" + episode);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("href=\"/ops/entities/" + gauge + "\"").contains(">level<").contains("Alert published")
                .contains("/ops/episodes/" + episode + "/acknowledge");
        HttpResponse<String> acknowledged = dispatcher.post("/ops/episodes/" + episode + "/acknowledge",
                Map.of("_csrf", WebClient.csrf(page.body())));
        assertThat(acknowledged.statusCode()).isEqualTo(303);
        assertThat(dispatcher.get("/ops/episodes/" + episode).body()).contains("Acknowledged").doesNotContain("/acknowledge\"");
        assertThat(dispatcher.get("/ops/episodes/no-such-episode").statusCode()).isEqualTo(404);
    }
}
