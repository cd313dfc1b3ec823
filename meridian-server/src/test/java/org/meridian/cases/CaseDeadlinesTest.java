package org.meridian.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.InTenant;
import org.meridian.testing.MovableClock;
import org.meridian.testing.TestServer;

/** Deadlines on a clock the test moves: reminders before, supervision after, escalation later, each once. */
class CaseDeadlinesTest {
    @Test
    void theClockRemindsSupervisesAndEscalates(@TempDir Path data) {
        MovableClock clock = new MovableClock();
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1",
                // The test runs the watch itself, at the moments it chooses.
                CaseSettings.WATCH_SECONDS, "0"), List.of(), clock)) {
            String tenant = TestServer.newTenant();
            InTenant city = new InTenant(TestServer.client(server), tenant);
            city.ok(city.operator().put("/admin/v1/departments/water", "{\"name\": \"Water\"}"));
            city.ok(city.operator().put("/cases/v1/categories/manhole-cover", """
                    {"name": "Manhole cover", "limits": {"normal": {"dispatched": 2}}}"""));
            city.ok(city.operator().put("/cases/v1/routing", "{\"category\": \"manhole-cover\", \"lead\": \"water\"}"));
            city.person("dispatcher", "", "dispatcher");
            city.person("citizen", "", "citizen");
            String late = dispatched(city, "dispatcher-" + tenant, "citizen-" + tenant);
            String soon = dispatched(city, "dispatcher-" + tenant, "citizen-" + tenant);
            CaseService cases = server.services().require(CaseService.class);

            Instant deadline = Instant.parse(city.ok(dispatcher(city, tenant).get("/cases/v1/cases/" + soon)).path("deadline").asText());
            clock.advance(Duration.between(clock.instant(), deadline).minus(Duration.ofMinutes(30)));
            assertThat(cases.watchDeadlines()).as("both are due within the hour: reminded").isEqualTo(2);
            assertThat(cases.watchDeadlines()).as("once per deadline").isZero();
            assertThat(kinds(city, tenant, soon)).endsWith("reminded");

            clock.advance(Duration.ofDays(10));
            assertThat(cases.watchDeadlines()).as("both: supervised, then escalated").isEqualTo(4);
            assertThat(cases.watchDeadlines()).isZero();
            assertThat(kinds(city, tenant, late)).endsWith("dispatched", "reminded", "supervised", "escalated");
            JsonNode view = city.ok(dispatcher(city, tenant).get("/cases/v1/cases/" + late));
            assertThat(view.path("supervised").asBoolean()).isTrue();
            assertThat(view.path("escalated").asBoolean()).isTrue();
            JsonNode overdue = city.ok(dispatcher(city, tenant).get("/cases/v1/cases?overdue=true"));
            assertThat(overdue).extracting(node -> node.path("id").asText()).containsExactlyInAnyOrder(late, soon);
        }
    }

    /** A new person's client each time: the clock moved days, past the last sign-in's tokens. */
    private static Api dispatcher(InTenant city, String tenant) {
        return city.operator().as("dispatcher-" + tenant, InTenant.PASSWORD);
    }

    private static String dispatched(InTenant city, String dispatcher, String citizen) {
        Api reporter = city.operator().as(citizen, InTenant.PASSWORD);
        String id = city.ok(reporter.post("/cases/v1/cases", """
                {"category": "manhole-cover", "description": "cover missing", "location": {"type": "Point", "coordinates": [120.1, 30.2]}}"""))
                .path("id").asText();
        Api acting = city.operator().as(dispatcher, InTenant.PASSWORD);
        city.ok(acting.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"register\"}"));
        city.ok(acting.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"dispatch\"}"));
        return id;
    }

    private static List<String> kinds(InTenant city, String tenant, String id) {
        List<String> kinds = new ArrayList<>();
        city.ok(dispatcher(city, tenant).get("/cases/v1/cases/" + id)).path("events").forEach(event -> kinds.add(event.path("kind").asText()));
        return kinds;
    }
}
