package org.meridian.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;

/**
 * What keeps rules useful and safe, seen over HTTP: who hears of an episode (an HTTP receiver, though another is dead;
 * the operations centre's live alarm stream), a clear by hand undoing what the episode did, cascades longer than
 * allowed refused, a rule firing without bound or failing as it decides disabled (and the others going on), and a rule
 * losing the data its department is no longer granted.
 */
class RuleGuardsTest extends FloodCity {

    /** An alert for each gauge above 30 cm. */
    private static final String HIGH_WATER = """
            id: high-water
            name: Any gauge above 30 cm
            department: water
            when:
              per: entity
              all:
                - {type: FloodMonitoring, attribute: waterLevel, above: 30}
            then:
              - raiseAlert: {category: weather}
            """;

    /** One server-sent event. */
    private record Sent(String name, String id, JsonNode data) {
    }

    private HttpResponse<InputStream> alarmStream(Api who, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(who.base() + "/rules/v1/alarms?tenant=" + tenant))
                .header("Accept", "text/event-stream").header("Authorization", who.authorization());
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        return response;
    }

    private static List<Sent> read(HttpResponse<InputStream> response, int count) {
        List<Sent> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = null;
            String id = null;
            for (String line = reader.readLine(); line != null && events.size() < count; line = reader.readLine()) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    events.add(new Sent(name, id, Api.parse(line.substring(5).trim())));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return events;
    }

    private void sixMinutesOfHighWaterInTheRain() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int second = 360; second >= 0; second -= 30) {
            reading("urn:ngsi-ld:FloodMonitoring:wensan", "waterLevel", 42, now.minusSeconds(second));
        }
        reading("urn:ngsi-ld:WeatherObserved:xihu-1", "precipitation", 22.5, now);
    }

    private static String stepRef(JsonNode trace, String kind) {
        for (JsonNode step : trace.path("steps")) {
            if (step.path("kind").asText().equals(kind)) {
                return step.path("ref").asText();
            }
        }
        return null;
    }

    @Test
    void receiversAndTheAlarmStreamHearOfAnEpisodeAndAClearByHandUndoesWhatItDid() throws Exception {
        BlockingQueue<JsonNode> heard = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/flood", exchange -> {
            heard.add(Api.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        int dead;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = closed.getLocalPort();
        }
        try {
            // The dead receiver comes first: it must not delay the live one, nor the alarm.
            String rule = FLOOD.replace("then:\n", "then:\n  - notify: {http: \"http://127.0.0.1:" + dead + "/gone\"}\n"
                    + "  - notify: {http: \"http://127.0.0.1:" + receiver.getAddress().getPort() + "/flood\"}\n"
                    + "  - notify: {stream: operations}\n");
            Api.Response added = postRule(waterAdmin, rule);
            assertThat(added.status()).as(added.toString()).isEqualTo(201);
            city.ok(waterAdmin.post("/rules/v1/rules/underpass-flood/enable", ""));
            assertThat(city.send(dispatcher.get("/rules/v1/alarms")).status()).as("no event-stream Accept").isEqualTo(406);
            HttpResponse<InputStream> screen = alarmStream(dispatcher, null);
            CompletableFuture<List<Sent>> onScreen = CompletableFuture.supplyAsync(() -> read(screen, 2));

            sixMinutesOfHighWaterInTheRain();

            JsonNode opened = heard.poll(20, TimeUnit.SECONDS);
            assertThat(opened).as("the live receiver heard of the flood").isNotNull();
            assertThat(opened.path("step").asText()).isEqualTo("opened");
            assertThat(opened.path("episode").path("rule").asText()).isEqualTo("underpass-flood");
            assertThat(opened.path("episode").path("key").asText()).isEqualTo("xihu");
            assertThat(opened.path("episode").path("evidence").toString()).contains("FloodMonitoring:wensan");
            String id = opened.path("episode").path("episode").asText();
            JsonNode trace = await(dispatcher, "/rules/v1/episodes/" + id + "/trace", t -> stepRef(t, "case") != null
                    && stepRef(t, "alert") != null && stepRef(t, "entity") != null && stepRef(t, "notification") != null);
            assertThat(stepRef(trace, "notification")).endsWith("/flood");
            assertThat(city.ok(operator.get("/ngsi-ld/v1/entities/urn:ngsi-ld:RoadSegment:wensan-underpass?options=keyValues"))
                    .path("status").asText()).isEqualTo("closed");

            // Cleared by hand while the water still stands: the alert ends, the road reopens, everyone hears.
            assertThat(city.send(operator.anonymous().post("/rules/v1/episodes/" + id + "/clear", "")).status()).isEqualTo(401);
            JsonNode cleared = city.ok(dispatcher.post("/rules/v1/episodes/" + id + "/clear", ""));
            assertThat(cleared.path("state").asText()).isEqualTo("cleared");
            assertThat(city.send(dispatcher.post("/rules/v1/episodes/" + id + "/clear", "")).status()).as("over already").isEqualTo(409);
            JsonNode told = heard.poll(20, TimeUnit.SECONDS);
            assertThat(told).as("the receiver heard of the clearing").isNotNull();
            assertThat(told.path("step").asText()).isEqualTo("cleared");
            await(operator, "/ngsi-ld/v1/entities/urn:ngsi-ld:RoadSegment:wensan-underpass?options=keyValues",
                    road -> road.path("status").asText().equals("open"));
            await(operator, "/ngsi-ld/v1/entities/urn:ngsi-ld:Alert:" + id + "?options=keyValues",
                    alert -> alert.path("data").path("state").asText().equals("cleared") && alert.has("validTo"));

            List<Sent> alarms = onScreen.get(20, TimeUnit.SECONDS);
            assertThat(alarms).extracting(Sent::name).containsExactly("opened", "cleared");
            assertThat(alarms).allSatisfy(alarm -> assertThat(alarm.data().path("episode").asText()).isEqualTo(id));
            assertThat(alarms.getFirst().data().path("severity").asText()).isEqualTo("high");
            assertThat(alarms.getFirst().data().path("place").has("longitude")).isTrue();
            screen.body().close();

            // A screen reconnecting after the first alarm gets the second again; a made-up id is refused.
            HttpResponse<InputStream> resumed = alarmStream(dispatcher, alarms.getFirst().id());
            assertThat(read(resumed, 1)).extracting(Sent::name).containsExactly("cleared");
            resumed.body().close();
            Api.Response bad = city.send(dispatcher.get("/rules/v1/alarms").header("Accept", "text/event-stream")
                    .header("Last-Event-ID", "yesterday"));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().path("detail").asText()).contains("Last-Event-ID");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aCascadeLongerThanFourRulesIsRefused() {
        for (int stage = 1; stage <= 6; stage++) {
            city.ok(operator.put("/sharing/v1/datasets/Stage" + stage, "{\"owner\": \"water\"}"));
            create("{\"id\": \"urn:ngsi-ld:Stage" + stage + ":x\", \"type\": \"Stage" + stage + "\", \"level\": {\"type\": \"Property\", \"value\": 0}}");
        }
        for (int stage = 1; stage <= 5; stage++) {
            Api.Response added = postRule(waterAdmin, """
                    id: stage-%1$d
                    name: Stage %1$d sets off stage %2$d
                    department: water
                    when:
                      per: entity
                      all:
                        - {type: Stage%1$d, attribute: level, above: 1}
                    then:
                      - update: {type: Stage%2$d, entity: "urn:ngsi-ld:Stage%2$d:x", set: {level: 5}}
                    """.formatted(stage, stage + 1));
            if (stage <= 4) {
                assertThat(added.status()).as("rule %d: %s", stage, added).isEqualTo(201);
            } else {
                assertThat(added.status()).as(added.toString()).isEqualTo(400);
                assertThat(added.json().path("detail").asText()).contains("stage-1", "stage-5", "longer than 4");
            }
        }
        assertThat(city.ok(dispatcher.get("/rules/v1/rules"))).hasSize(4);
    }

    @Test
    void aRuleFiringWithoutBoundIsDisabledAndItsOpenEpisodesEnd() throws Exception {
        assertThat(postRule(waterAdmin, HIGH_WATER).status()).isEqualTo(201);
        city.ok(waterAdmin.post("/rules/v1/rules/high-water/enable", ""));
        reading("urn:ngsi-ld:FloodMonitoring:wensan", "waterLevel", 42, Instant.now());
        JsonNode first = await(dispatcher, "/rules/v1/episodes?open=true", list -> list.size() == 1).get(0);
        String alert = "/ngsi-ld/v1/entities/urn:ngsi-ld:Alert:" + first.path("id").asText() + "?options=keyValues";
        await(operator, alert, a -> a.path("data").path("state").asText().equals("open"));

        // Six hundred gauges report high water at once: no city needs six hundred alarms from one rule.
        StringBuilder batch = new StringBuilder("[");
        for (int gauge = 0; gauge < 600; gauge++) {
            batch.append(gauge == 0 ? "" : ",").append(sensor("urn:ngsi-ld:FloodMonitoring:g" + gauge, "FloodMonitoring",
                    120.1 + gauge * 1e-4, 30.25, "waterLevel", 50));
        }
        Api.Response created = city.send(operator.post("/ngsi-ld/v1/entityOperations/create", batch.append(']').toString()));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        JsonNode rule = await(waterAdmin, "/rules/v1/rules/high-water", r -> !r.path("enabled").asBoolean());
        assertThat(rule.path("problem").asText()).contains("more than 500 episodes in a minute");
        assertThat(city.ok(dispatcher.get("/rules/v1/episodes?open=true"))).as("the storm opened none, and the first ended").isEmpty();
        JsonNode ended = city.ok(dispatcher.get("/rules/v1/episodes/" + first.path("id").asText()));
        assertThat(ended.path("state").asText()).isEqualTo("cleared");
        await(operator, alert, a -> a.path("data").path("state").asText().equals("cleared"));
    }

    @Test
    void aRuleThatFailsAtRunTimeIsDisabledAndReportedAndTheOthersGoOn() throws Exception {
        // The tenant's working hours damaged in the database (no request can store an hour 25:99): the rule that asks
        // for them fails as it decides, and the rule that does not goes on.
        try (java.sql.Connection connection = org.meridian.testing.TestServer.dataSource().getConnection();
             java.sql.PreparedStatement damage = connection.prepareStatement(
                     "INSERT INTO case_working_hours (tenant, windows) VALUES (?, '[[\"25:99\", \"26:00\"]]'::jsonb)")) {
            damage.setString(1, tenant);
            damage.executeUpdate();
        }
        assertThat(postRule(waterAdmin, """
                id: after-hours-water
                name: High water out of working hours
                department: water
                when:
                  per: entity
                  all:
                    - {type: FloodMonitoring, attribute: waterLevel, above: 30}
                    - {workingHours: false}
                then:
                  - raiseAlert: {category: weather}
                """).status()).isEqualTo(201);
        assertThat(postRule(waterAdmin, HIGH_WATER).status()).isEqualTo(201);
        city.ok(waterAdmin.post("/rules/v1/rules/after-hours-water/enable", ""));
        city.ok(waterAdmin.post("/rules/v1/rules/high-water/enable", ""));

        reading("urn:ngsi-ld:FloodMonitoring:wensan", "waterLevel", 42, Instant.now());
        JsonNode failed = await(waterAdmin, "/rules/v1/rules/after-hours-water", r -> !r.path("enabled").asBoolean());
        assertThat(failed.path("problem").asText()).contains("failed at run time").contains("25:99");
        JsonNode open = await(dispatcher, "/rules/v1/episodes?open=true", list -> list.size() == 1).get(0);
        assertThat(open.path("rule").asText()).as("the other rule went on").isEqualTo("high-water");
        assertThat(city.ok(waterAdmin.get("/rules/v1/rules/high-water")).path("enabled").asBoolean()).isTrue();
    }

    @Test
    void aStationWhoseLocationIsNotGrantedIsInNoDistrict() throws Exception {
        // Environment grants water the precipitation again, but no longer where the station stands.
        grantedInstead("\"attributes\": [\"precipitation\"]");
        assertThat(postRule(waterAdmin, FLOOD).status()).isEqualTo(201);
        city.ok(waterAdmin.post("/rules/v1/rules/underpass-flood/enable", ""));

        sixMinutesOfHighWaterInTheRain();
        Instant last = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        reading("urn:ngsi-ld:WeatherObserved:xihu-1", "precipitation", 23, last);
        awaitFloodRuleTookIn(last);
        assertThat(city.ok(dispatcher.get("/rules/v1/episodes"))).as("rain the rule may read, in no district it may know").isEmpty();
    }

    @Test
    void aStationThatLeavesTheAreaOfItsGrantIsNoLongerSeen() throws Exception {
        // Environment grants water the rain and where the stations are, but only in the west of Xihu district.
        JsonNode grant = grantedInstead("\"attributes\": [\"precipitation\", \"location\"], \"area\": [120.0, 30.2, 120.12, 30.35]");
        assertThat(grant.path("area").toString()).isEqualTo("[120.0,30.2,120.12,30.35]");
        assertThat(postRule(waterAdmin, FLOOD).status()).isEqualTo(201);
        city.ok(waterAdmin.post("/rules/v1/rules/underpass-flood/enable", ""));
        // The station moves east, still in Xihu district, out of the granted area: its rain is no longer water's.
        Api.Response moved = city.send(operator.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:xihu-1/attrs",
                "{\"location\": {\"type\": \"GeoProperty\", \"value\": {\"type\": \"Point\", \"coordinates\": [120.15, 30.25]}}}"));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(204);

        sixMinutesOfHighWaterInTheRain();
        Instant last = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        reading("urn:ngsi-ld:WeatherObserved:xihu-1", "precipitation", 23, last);
        reading("urn:ngsi-ld:FloodMonitoring:wensan", "waterLevel", 43, last);
        awaitFloodRuleTookIn(last);
        assertThat(city.ok(dispatcher.get("/rules/v1/episodes"))).as("rain outside the granted area is not the rule's").isEmpty();
    }

    /** Environment revokes its grant of weather data to water and grants what a new request asks instead; the grant. */
    private JsonNode grantedInstead(String asked) {
        assertThat(city.send(environmentAdmin.post("/sharing/v1/grants/" + precipitationGrant + "/revocation",
                "{\"reason\": \"narrowed\"}")).status()).isEqualTo(204);
        String request = city.ok(city.person("water-staff-2", "water", "staff").post("/sharing/v1/requests",
                "{\"type\": \"WeatherObserved\", " + asked + ", \"purpose\": \"flood warnings\", \"until\": \""
                        + Instant.now().plus(30, ChronoUnit.DAYS) + "\"}")).path("id").asText();
        return city.ok(environmentAdmin.post("/sharing/v1/requests/" + request + "/decision", "{\"decision\": \"grant\"}"));
    }

    /** Waits until the flood rule has taken in the readings of that moment (its watermark says so). */
    private void awaitFloodRuleTookIn(Instant last) throws Exception {
        await(waterAdmin, "/rules/v1/rules/underpass-flood", r -> r.path("status").hasNonNull("watermark")
                && !Instant.parse(r.path("status").path("watermark").asText()).isBefore(last));
    }

    @Test
    void aRuleStopsSeeingWhatItsDepartmentIsNoLongerGranted() throws Exception {
        assertThat(postRule(waterAdmin, FLOOD).status()).isEqualTo(201);
        city.ok(waterAdmin.post("/rules/v1/rules/underpass-flood/enable", ""));
        Api.Response revoked = city.send(environmentAdmin.post("/sharing/v1/grants/" + precipitationGrant + "/revocation",
                "{\"reason\": \"the station is being recalibrated\"}"));
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(204);
        // A rule's read scope is kept five seconds: past that, the revocation holds.
        Thread.sleep(5_500);

        sixMinutesOfHighWaterInTheRain();
        Instant last = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        reading("urn:ngsi-ld:FloodMonitoring:wensan", "waterLevel", 43, last);
        // Once the rule has taken in the last reading (its watermark says so), the rain before it was not seen.
        awaitFloodRuleTookIn(last);
        assertThat(city.ok(dispatcher.get("/rules/v1/episodes"))).as("no flood without rain it may read").isEmpty();
        Api.Response tried = city.send(waterAdmin.post("/rules/v1/rules/underpass-flood/dry-run?from=" + last.minus(1, ChronoUnit.HOURS)
                + "&to=" + last.plusSeconds(1), ""));
        assertThat(tried.status()).as("nor can a dry run read it: " + tried).isEqualTo(400);
        assertThat(tried.json().path("detail").asText()).contains("not granted");
    }
}
