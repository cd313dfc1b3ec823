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

    /**
     * A node that stops between a case's commit and its entity's write leaves the entity behind the log: the watch
     * finds such cases (once they are a minute old, so a writer at work is not raced) and writes them again.
     */
    @Test
    void anEntityLostInACrashIsWrittenAgain(@TempDir Path data) throws Exception {
        MovableClock clock = new MovableClock();
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1",
                CaseSettings.WATCH_SECONDS, "0"), List.of(), clock)) {
            String tenant = TestServer.newTenant();
            InTenant city = new InTenant(TestServer.client(server), tenant);
            city.ok(city.operator().put("/admin/v1/departments/water", "{\"name\": \"Water\"}"));
            city.ok(city.operator().put("/cases/v1/categories/manhole-cover", "{\"name\": \"Manhole cover\"}"));
            city.ok(city.operator().put("/cases/v1/routing", "{\"category\": \"manhole-cover\", \"lead\": \"water\"}"));
            city.person("dispatcher", "", "dispatcher");
            city.person("citizen", "", "citizen");
            String id = dispatched(city, "dispatcher-" + tenant, "citizen-" + tenant);
            String entity = "/ngsi-ld/v1/entities/urn:ngsi-ld:ServiceRequest:" + id;
            CaseService cases = server.services().require(CaseService.class);

            // The crash: the dispatch committed, its entity never written.
            assertThat(city.send(city.operator().delete(entity)).status()).isEqualTo(204);
            try (java.sql.Connection connection = server.dataSource().getConnection();
                 java.sql.PreparedStatement behind = connection.prepareStatement(
                         "UPDATE case_record SET published_version = 0 WHERE tenant = ? AND id = ?")) {
                behind.setString(1, tenant);
                behind.setString(2, id);
                assertThat(behind.executeUpdate()).isEqualTo(1);
            }
            assertThat(cases.republishBehind(100)).as("changed less than a minute ago (by the clock): left to its writer").isZero();
            clock.advance(Duration.ofMinutes(2));
            assertThat(cases.republishBehind(100)).isEqualTo(1);
            JsonNode restored = city.ok(city.operator().get(entity + "?options=keyValues"));
            assertThat(restored.path("agency_responsible").asText()).isEqualTo("water");
            assertThat(restored.path("caseVersion").asInt()).isEqualTo(3);
            assertThat(cases.republishBehind(100)).as("once: every entity is current").isZero();
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
