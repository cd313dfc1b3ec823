package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** An entity's page: its attributes as the reader may see them, and the day's chart of a numeric one, from history. */
class EntityPageTest {
    private final Api operator = TestServer.api();

    private WebClient signedIn(String role, String department) {
        operator.put("/admin/v1/departments/" + (department.isEmpty() ? "ecology" : department), "{\"name\": \"x\"}").send();
        return WebClient.signedIn(operator, "", role, department);
    }

    @Test
    void anEntitysAttributesAndItsDayAreShownAsTheReaderMaySeeThem() {
        String id = "urn:ngsi-ld:NoiseLevelObserved:page-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Api.Response created = operator.post("/ngsi-ld/v1/entities", """
                {"id": "%s", "type": "NoiseLevelObserved", "name": {"type": "Property", "value": "<b>Gate</b> monitor"},
                 "LAeq": {"type": "Property", "value": 61, "observedAt": "%s"}}""".formatted(id, now)).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        for (int i = 1; i <= 5; i++) {
            operator.patch("/ngsi-ld/v1/entities/" + id + "/attrs", """
                    {"LAeq": {"type": "Property", "value": %d, "observedAt": "%s"}}""".formatted(50 + i * 4, now.minusSeconds(i * 1800)))
                    .send();
        }
        WebClient dispatcher = signedIn("dispatcher", "");
        HttpResponse<String> page = dispatcher.get("/ops/entities/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(id).contains(">LAeq<").contains("&lt;b&gt;Gate&lt;/b&gt; monitor")
                .contains("id=\"history-chart\"").contains("class=\"line\"").contains("<td>61.00</td>");

        // A department that does not own noise data and holds no grant: as if there were no such entity.
        operator.put("/sharing/v1/datasets/NoiseLevelObserved", "{\"owner\": \"ecology\", \"title\": \"Noise\"}").send();
        WebClient transport = signedIn("staff", "transport");
        assertThat(transport.get("/ops/entities/" + id).statusCode()).isEqualTo(404);
    }
}
