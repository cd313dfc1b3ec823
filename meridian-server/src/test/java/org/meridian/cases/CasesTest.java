package org.meridian.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Cases over HTTP, as the people of a city handle them: each action one event, every rule checked on the server. */
class CasesTest {
    private final Api operator = TestServer.api();
    private final String tenant = TestServer.newTenant();
    private Api citizen;
    private Api neighbour;
    private Api dispatcher;
    private Api inspector;
    private Api water;
    private Api transport;

    private final org.meridian.testing.InTenant city = new org.meridian.testing.InTenant(operator, tenant);

    private Api.Response send(Api.Request request) {
        return city.send(request);
    }

    private JsonNode ok(Api.Request request) {
        return city.ok(request);
    }

    private Api person(String name, String department, String role) {
        return city.person(name, department, role);
    }

    @BeforeEach
    void aCityWithItsDepartmentsCatalogueAndRouting() {
        for (String department : List.of("water", "transport", "urban-management")) {
            ok(operator.put("/admin/v1/departments/" + department, "{\"name\": \"" + department + "\"}"));
        }
        citizen = person("citizen", "", "citizen");
        neighbour = person("neighbour", "", "citizen");
        dispatcher = person("dispatcher", "", "dispatcher");
        inspector = person("inspector", "urban-management", "grid-inspector");
        water = person("water", "water", "staff");
        transport = person("transport", "transport", "staff");
        ok(operator.put("/cases/v1/categories/manhole-cover", """
                {"name": "井盖 Manhole cover", "kind": "component", "parent": "public-facilities",
                 "limits": {"normal": {"dispatched": 2, "in-progress": 16}, "urgent": {"dispatched": 0.5, "in-progress": 4}}}"""));
        ok(operator.put("/cases/v1/routing", "{\"category\": \"manhole-cover\", \"lead\": \"water\", \"coHandlers\": [\"transport\"]}"));
    }

    private JsonNode report(Api reporter, double longitude, double latitude, String description) {
        Api.Response created = send(reporter.post("/cases/v1/cases", """
                {"category": "manhole-cover", "description": %s, "location": {"type": "Point", "coordinates": [%s, %s]},
                 "address": "文三路 12号"}""".formatted(Api.quote(description), longitude, latitude)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/cases/v1/cases/" + created.json().path("id").asText());
        return created.json();
    }

    private JsonNode act(Api actor, String id, String body) {
        return ok(actor.post("/cases/v1/cases/" + id + "/actions", body));
    }

    @Test
    void aCitizensReportIsHandledAcrossDepartmentsToARatedClosure() {
        String description = "<script>alert('井盖')</script> missing cover & an open hole";
        JsonNode reported = report(citizen, 120.1551, 30.2741, description);
        String id = reported.path("id").asText();
        assertThat(id).matches("\\d{8}-\\d{6}");
        assertThat(reported.path("state").asText()).isEqualTo("received");
        assertThat(reported.path("description").asText()).as("text exactly as given").isEqualTo(description);
        assertThat(send(transport.get("/cases/v1/cases/" + id)).status()).as("not transport's case yet").isEqualTo(404);
        assertThat(send(neighbour.get("/cases/v1/cases/" + id)).status()).as("another citizen's").isEqualTo(404);

        act(inspector, id, "{\"action\": \"verify\", \"note\": \"seen on site\"}");
        act(dispatcher, id, "{\"action\": \"register\"}");
        JsonNode dispatched = act(dispatcher, id, "{\"action\": \"dispatch\"}");
        assertThat(dispatched.path("lead").asText()).as("routed by category").isEqualTo("water");
        assertThat(dispatched.path("coHandlers").toString()).isEqualTo("[\"transport\"]");
        assertThat(dispatched.path("deadline").asText()).as("2 working hours to accept").isNotEmpty();
        assertThat(ok(transport.get("/cases/v1/cases/" + id)).path("state").asText()).as("a co-handler sees it now").isEqualTo("dispatched");
        assertThat(send(transport.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"accept\"}")).status())
                .as("only the lead accepts").isEqualTo(403);
        act(water, id, "{\"action\": \"accept\"}");
        act(transport, id, "{\"action\": \"note\", \"text\": \"cones placed\"}");
        act(water, id, "{\"action\": \"handle\", \"result\": \"cover replaced\"}");
        act(citizen, id, "{\"action\": \"check\", \"passed\": false, \"note\": \"it rocks\"}");
        act(water, id, "{\"action\": \"handle\", \"result\": \"cover seated\"}");
        act(inspector, id, "{\"action\": \"check\", \"passed\": true}");
        act(dispatcher, id, "{\"action\": \"close\"}");
        JsonNode rated = act(citizen, id, "{\"action\": \"rate\", \"satisfaction\": \"satisfied\", \"solved\": true}");
        assertThat(rated.path("state").asText()).isEqualTo("closed");
        assertThat(rated.path("reworks").asInt()).isEqualTo(1);
        assertThat(rated.path("rating").path("satisfaction").asText()).isEqualTo("satisfied");

        JsonNode kpis = ok(dispatcher.get("/cases/v1/kpis"));
        assertThat(kpis.path("water").path("closures").asInt()).isEqualTo(1);
        assertThat(kpis.path("water").path("satisfactionRate").asDouble()).isEqualTo(1.0);
        assertThat(kpis.path("water").path("reworkRate").asDouble()).isEqualTo(1.0);
        assertThat(ok(dispatcher.get("/cases/v1/kpis?department=water")).path("water").path("closures").asInt())
                .as("one department's cases, read alone").isEqualTo(1);
        assertThat(ok(dispatcher.get("/cases/v1/kpis?department=transport"))).as("transport leads none").isEmpty();
        JsonNode ranking = ok(citizen.get("/cases/v1/kpis/ranking?indicator=satisfactionRate"));
        assertThat(ranking.get(0).path("group").asText()).isEqualTo("water");
        assertThat(send(dispatcher.get("/cases/v1/kpis?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z")).status())
                .as("at most a year").isEqualTo(400);

        // The case is city data too: a ServiceRequest entity, kept current, without who reported it.
        JsonNode entity = ok(operator.get("/ngsi-ld/v1/entities/urn:ngsi-ld:ServiceRequest:" + id + "?options=keyValues"));
        assertThat(entity.path("status").asText()).isEqualTo("closed");
        assertThat(entity.path("agency_responsible").asText()).isEqualTo("water");
        assertThat(entity.path("service_code").asText()).isEqualTo("manhole-cover");
        assertThat(entity.path("location").path("coordinates").get(0).asDouble()).isEqualTo(120.1551);
        assertThat(entity.toString()).doesNotContain("citizen-");

        JsonNode detail = ok(citizen.get("/cases/v1/cases/" + id));
        List<String> kinds = new ArrayList<>();
        detail.path("events").forEach(event -> kinds.add(event.path("kind").asText()));
        assertThat(kinds).containsExactly("reported", "verified", "registered", "dispatched", "accepted", "noted", "handled",
                "rework", "handled", "checked", "closed", "rated");
        assertThat(ok(citizen.get("/cases/v1/cases?mine=true"))).extracting(node -> node.path("id").asText()).containsExactly(id);
        assertThat(ok(water.get("/cases/v1/cases"))).extracting(node -> node.path("id").asText()).contains(id);
        assertThat(ok(neighbour.get("/cases/v1/cases"))).isEmpty();
    }

    /** Two actions at once on one case: one is taken, the other answered 409, and the log has one event for both. */
    @Test
    void concurrentTransitionsCannotBothWin() throws Exception {
        String id = report(citizen, 120.16, 30.28, "cover missing").path("id").asText();
        act(dispatcher, id, "{\"action\": \"register\"}");
        act(dispatcher, id, "{\"action\": \"dispatch\"}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racers.add(() -> send(water.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"accept\"}")).status());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(racers)) {
                statuses.add(status.get());
            }
            assertThat(statuses).filteredOn(status -> status == 200).as("%s", statuses).hasSize(1);
            assertThat(statuses).filteredOn(status -> status == 409).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
        JsonNode events = ok(dispatcher.get("/cases/v1/cases/" + id)).path("events");
        assertThat(events).hasSize(4);
        assertThat(events.get(3).path("kind").asText()).isEqualTo("accepted");
    }

    /**
     * A second report near the first is flagged to the hotline (not to the citizen, who is shown no one else's case)
     * and merged; its reporter then follows the case, but sees neither the first reporter's account nor their phone,
     * and an inspector who may read every case sees no reporter's details at all. The hotline and the departments on
     * the case, who call reporters back, see both.
     */
    @Test
    void aNearbyReportIsFlaggedAndMergedAndNoReporterSeesAnother() {
        String first = send(citizen.post("/cases/v1/cases", """
                {"category": "manhole-cover", "description": "cover gone", "location": {"type": "Point", "coordinates": [120.17, 30.29]},
                 "contact": {"name": "王芳", "phone": "13800000001"}}""")).json().path("id").asText();
        Api.Response made = send(neighbour.post("/cases/v1/cases", """
                {"category": "manhole-cover", "description": "hole in the road",
                 "location": {"type": "Point", "coordinates": [120.1703, 30.2901]}, "contact": {"phone": "13900000002"}}"""));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        JsonNode second = made.json();
        assertThat(second.path("likelyDuplicates")).as("about 30 m away, but the citizen is not shown it").isEmpty();
        JsonNode flagged = ok(dispatcher.get("/cases/v1/cases/" + second.path("id").asText())).path("events").get(0);
        assertThat(flagged.path("data").path("likelyDuplicates")).extracting(JsonNode::asText).containsExactly(first);
        JsonNode far = send(dispatcher.post("/cases/v1/cases", """
                {"category": "manhole-cover", "description": "another cover", "source": "hotline",
                 "location": {"type": "Point", "coordinates": [120.18, 30.29]}}""")).json();
        assertThat(far.path("likelyDuplicates")).as("a kilometre away").isEmpty();
        JsonNode near = send(dispatcher.post("/cases/v1/cases", """
                {"category": "manhole-cover", "description": "a third call", "source": "hotline",
                 "location": {"type": "Point", "coordinates": [120.1701, 30.29]}}""")).json();
        assertThat(near.path("likelyDuplicates")).extracting(node -> node.path("id").asText()).as("the hotline is shown them")
                .containsExactly(first, second.path("id").asText());

        JsonNode merged = act(dispatcher, second.path("id").asText(), "{\"action\": \"merge\", \"into\": \"" + first + "\"}");
        assertThat(merged.path("state").asText()).isEqualTo("merged");
        JsonNode asNeighbour = ok(neighbour.get("/cases/v1/cases/" + first));
        assertThat(asNeighbour.path("id").asText()).as("the duplicate's reporter follows the case it joined").isEqualTo(first);
        assertThat(asNeighbour.toString()).doesNotContain("13800000001", "王芳", "citizen-").contains("\"actor\":\"reporter\"");
        String asInspector = ok(inspector.get("/cases/v1/cases/" + first)).toString();
        assertThat(asInspector).doesNotContain("13800000001", "13900000002", "citizen-", "neighbour-");
        assertThat(ok(citizen.get("/cases/v1/cases/" + first)).toString()).as("their own details").contains("13800000001")
                .doesNotContain("neighbour-");
        act(dispatcher, first, "{\"action\": \"register\"}");
        act(dispatcher, first, "{\"action\": \"dispatch\"}");
        assertThat(ok(water.get("/cases/v1/cases/" + first)).toString()).as("the lead calls them back")
                .contains("13800000001", "citizen-", "neighbour-");
        assertThat(ok(dispatcher.get("/cases/v1/cases/" + first)).toString()).contains("13800000001");
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        String id = report(citizen, 120.15, 30.27, "cover").path("id").asText();
        for (String body : new String[] {"{}", "{\"action\": \"fly\"}", "{\"action\": \"reject\"}",
                "{\"action\": \"register\", \"extra\": 1}", "{\"action\": \"check\"}", "not json", "{\"action\": \"merge\"}",
                "{\"action\": \"note\", \"text\": \"x\", \"publicNote\": \"the public is not told of notes\"}"}) {
            Api.Response refused = send(dispatcher.post("/cases/v1/cases/" + id + "/actions", body));
            assertThat(refused.status()).as(body + ": " + refused).isEqualTo(400);
            assertThat(refused.json().path("detail").asText()).isNotBlank();
        }
        assertThat(send(dispatcher.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"close\"}")).status())
                .as("closing a case just received").isEqualTo(409);
        for (String body : new String[] {
                "{\"category\": \"manhole-cover\", \"description\": \"x\"}",
                "{\"category\": \"manhole-cover\", \"description\": \"x\", \"location\": {\"type\": \"Polygon\", \"coordinates\": []}}",
                "{\"category\": \"unknown\", \"description\": \"x\", \"location\": {\"type\": \"Point\", \"coordinates\": [120, 30]}}",
                "{\"category\": \"manhole-cover\", \"description\": \"" + "x".repeat(4001) + "\", \"location\": {\"type\": \"Point\", \"coordinates\": [120, 30]}}",
                "{\"category\": \"manhole-cover\", \"description\": \"x\", \"location\": {\"type\": \"Point\", \"coordinates\": [200, 30]}}"}) {
            Api.Response refused = send(citizen.post("/cases/v1/cases", body));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        }
        assertThat(ok(dispatcher.get("/cases/v1/cases/" + id)).path("events")).as("nothing recorded").hasSize(1);
        assertThat(send(dispatcher.put("/cases/v1/categories/pothole", "{\"name\": \"Pothole\"}")).status())
                .as("categories are the operators'").isEqualTo(403);
        assertThat(send(operator.put("/cases/v1/categories/Bad_Code", "{\"name\": \"x\"}")).status()).isEqualTo(400);
        assertThat(send(operator.put("/cases/v1/categories/pothole", "{\"name\": \"x\", \"limits\": {\"normal\": {\"sleeping\": 3}}}"))
                .status()).isEqualTo(400);
        assertThat(send(operator.put("/cases/v1/categories/pothole", "{\"name\": \"x\", \"limits\": {\"normal\": {\"dispatched\": 2001}}}"))
                .status()).as("more than a working year").isEqualTo(400);
    }

    @Test
    void theWorkingCalendarMovesDeadlines() {
        ok(operator.put("/cases/v1/calendar/2026", "{\"holidays\": [\"2026-10-01\", \"2026-10-02\"], \"workdays\": [\"2026-09-27\"]}"));
        JsonNode calendar = ok(citizen.get("/cases/v1/calendar/2026"));
        assertThat(calendar.path("holidays").toString()).isEqualTo("[\"2026-10-01\",\"2026-10-02\"]");
        assertThat(calendar.path("workdays").toString()).isEqualTo("[\"2026-09-27\"]");
        assertThat(send(operator.put("/cases/v1/calendar/2026", "{\"holidays\": [\"2027-01-01\"]}")).status()).isEqualTo(400);
        assertThat(send(operator.put("/cases/v1/calendar/2026", "{\"holidays\": [\"2026-10-01\"], \"workdays\": [\"2026-10-01\"]}"))
                .status()).isEqualTo(400);
    }

    /** A 12345 hotline works around the clock: its deadlines run in real time, whatever the hour or the day. */
    @Test
    void aTenantMayWorkAroundTheClock() {
        assertThat(ok(citizen.get("/cases/v1/working-hours")).toString())
                .isEqualTo("{\"windows\":[[\"09:00\",\"12:00\"],[\"13:30\",\"17:30\"]],\"weekend\":[\"saturday\",\"sunday\"]}");
        for (String bad : new String[] {"{\"windows\": []}", "{\"windows\": [[\"12:00\", \"09:00\"]]}",
                "{\"windows\": [[\"9am\", \"5pm\"]]}", "{\"windows\": [[\"09:00\", \"12:00\"], [\"11:00\", \"13:00\"]]}",
                "{\"windows\": [[\"09:00\", \"17:00\"]], \"weekend\": [\"caturday\"]}", "{\"windows\": [[\"09:00\", \"09:30\"]]}",
                "{\"windows\": [[\"09:00\", \"17:00\"]], \"weekend\": [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", "
                        + "\"friday\", \"saturday\", \"sunday\"]}"}) {
            Api.Response refused = send(operator.put("/cases/v1/working-hours", bad));
            assertThat(refused.status()).as(bad + ": " + refused).isEqualTo(400);
        }
        assertThat(send(dispatcher.put("/cases/v1/working-hours", "{\"windows\": [[\"00:00\", \"24:00\"]]}")).status())
                .as("the operators'").isEqualTo(403);
        ok(operator.put("/cases/v1/working-hours", "{\"windows\": [[\"09:00\", \"10:00\"]], \"weekend\": [\"sunday\", \"sunday\", "
                + "\"sunday\", \"sunday\", \"sunday\", \"sunday\", \"sunday\"]}"));
        assertThat(ok(citizen.get("/cases/v1/working-hours")).path("weekend").toString()).as("a day named seven times is one day")
                .isEqualTo("[\"sunday\"]");
        ok(operator.put("/cases/v1/working-hours", "{\"windows\": [[\"00:00\", \"24:00\"]], \"weekend\": []}"));
        assertThat(ok(citizen.get("/cases/v1/working-hours")).toString()).isEqualTo("{\"windows\":[[\"00:00\",\"24:00\"]],\"weekend\":[]}");
        String id = report(citizen, 120.2, 30.3, "cover").path("id").asText();
        act(dispatcher, id, "{\"action\": \"register\"}");
        JsonNode dispatched = act(dispatcher, id, "{\"action\": \"dispatch\"}");
        java.time.Duration limit = java.time.Duration.between(java.time.Instant.parse(dispatched.path("updatedAt").asText()),
                java.time.Instant.parse(dispatched.path("deadline").asText()));
        assertThat(limit).as("2 working hours are 2 hours, at any hour of any day").isEqualTo(java.time.Duration.ofHours(2));
    }

    /** A report that does not say its district is routed by the district its place lies in (the city's District entities). */
    @Test
    void aReportIsRoutedByTheDistrictItLiesIn() {
        ok(operator.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:District:gongshu", "type": "District", "name": {"type": "Property", "value": "拱墅区"},
                 "location": {"type": "GeoProperty", "value": {"type": "Polygon",
                   "coordinates": [[[120.10, 30.30], [120.20, 30.30], [120.20, 30.40], [120.10, 30.40], [120.10, 30.30]]]}}}""")
                .contentType("application/json"));
        ok(operator.put("/cases/v1/routing", "{\"category\": \"manhole-cover\", \"district\": \"gongshu\", \"lead\": \"transport\"}"));
        JsonNode inside = report(citizen, 120.15, 30.35, "cover in Gongshu");
        assertThat(inside.path("district").asText()).isEqualTo("gongshu");
        assertThat(act(dispatcher, inside.path("id").asText(), "{\"action\": \"register\"}").path("state").asText()).isEqualTo("registered");
        assertThat(act(dispatcher, inside.path("id").asText(), "{\"action\": \"dispatch\"}").path("lead").asText())
                .as("the district's route").isEqualTo("transport");
        JsonNode outside = report(citizen, 120.05, 30.25, "cover elsewhere");
        assertThat(outside.has("district")).isFalse();
        act(dispatcher, outside.path("id").asText(), "{\"action\": \"register\"}");
        assertThat(act(dispatcher, outside.path("id").asText(), "{\"action\": \"dispatch\"}").path("lead").asText())
                .as("anywhere else's route").isEqualTo("water");
    }
}
