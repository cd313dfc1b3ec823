package org.meridian.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.InTenant;
import org.meridian.testing.TestServer;

/**
 * Rules over HTTP, as a city's engineers use them: a flood rule written in YAML, readings sent through NGSI-LD, and
 * what follows — one episode, one case for the water department with the traffic police co-handling, an {@code Alert}
 * entity, the road segment closed — traced from the case back to the readings, and undone when the water drops.
 */
class RulesTest extends FloodCity {
    @Test
    void aFloodOpensOneEpisodeOneCaseOneAlertClosesTheRoadAndClearsWhenTheWaterDrops() throws Exception {
        Api.Response added = postRule(waterAdmin, FLOOD);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        assertThat(added.header("Location")).isEqualTo("/rules/v1/rules/underpass-flood");
        assertThat(added.json().path("enabled").asBoolean()).as("added disabled; enabled on purpose").isFalse();
        city.ok(waterAdmin.post("/rules/v1/rules/underpass-flood/enable", ""));

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // The underpass has been above 30 cm for six minutes, in a storm of readings; binjiang's too, but no rain there.
        for (int second = 360; second >= 0; second -= 10) {
            reading("urn:ngsi-ld:FloodMonitoring:wensan", "waterLevel", 42, now.minusSeconds(second));
            reading("urn:ngsi-ld:FloodMonitoring:binjiang", "waterLevel", 50, now.minusSeconds(second));
        }
        reading("urn:ngsi-ld:WeatherObserved:xihu-1", "precipitation", 22.5, now);

        JsonNode episodes = await(dispatcher, "/rules/v1/episodes?open=true", list -> list.size() >= 1);
        Thread.sleep(500);
        episodes = city.ok(dispatcher.get("/rules/v1/episodes?open=true"));
        assertThat(episodes).as("one episode for the storm of readings").hasSize(1);
        JsonNode episode = episodes.get(0);
        assertThat(episode.path("key").asText()).isEqualTo("xihu");
        assertThat(episode.path("evidence").toString()).contains("urn:ngsi-ld:WeatherObserved:xihu-1", "urn:ngsi-ld:FloodMonitoring:wensan")
                .doesNotContain("binjiang");
        String id = episode.path("id").asText();

        // The case: for water, the traffic police co-handling, urgent, from the rule, at the underpass.
        JsonNode trace = await(dispatcher, "/rules/v1/episodes/" + id + "/trace",
                t -> t.path("steps").toString().contains("\"case\"") && t.path("steps").toString().contains("\"alert\"")
                        && t.path("steps").toString().contains("\"entity\""));
        String caseId = null;
        for (JsonNode step : trace.path("steps")) {
            if (step.path("kind").asText().equals("case")) {
                caseId = step.path("ref").asText();
            }
        }
        JsonNode opened = city.ok(dispatcher.get("/cases/v1/cases/" + caseId));
        assertThat(opened.path("source").asText()).isEqualTo("rule");
        assertThat(opened.path("urgency").asText()).isEqualTo("urgent");
        assertThat(opened.path("district").asText()).isEqualTo("xihu");
        assertThat(opened.path("description").asText()).contains(id, "waterLevel", "precipitation");
        JsonNode dispatched = city.ok(dispatcher.post("/cases/v1/cases/" + caseId + "/actions", "{\"action\": \"register\"}"));
        dispatched = city.ok(dispatcher.post("/cases/v1/cases/" + caseId + "/actions", "{\"action\": \"dispatch\"}"));
        assertThat(dispatched.path("lead").asText()).isEqualTo("water");
        assertThat(dispatched.path("coHandlers")).extracting(JsonNode::asText).containsExactly("traffic-police");
        // From the case back to the episode, and so to the readings.
        assertThat(city.ok(dispatcher.get("/rules/v1/causes?case=" + caseId))).extracting(JsonNode::asText).containsExactly(id);
        assertThat(trace.path("readings").toString()).contains("waterLevel");

        // The alert is city data: an Alert entity, and the road is closed.
        JsonNode alert = city.ok(operator.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Alert:" + id + "?options=keyValues"));
        assertThat(alert.path("severity").asText()).isEqualTo("high");
        assertThat(alert.path("category").asText()).isEqualTo("weather");
        assertThat(alert.path("subCategory").asText()).isEqualTo("flood");
        assertThat(alert.path("data").path("state").asText()).isEqualTo("open");
        assertThat(alert.path("location").path("coordinates").isArray()).isTrue();
        assertThat(city.ok(operator.get("/ngsi-ld/v1/entities/urn:ngsi-ld:RoadSegment:wensan-underpass?options=keyValues"))
                .path("status").asText()).isEqualTo("closed");

        // Acknowledged by the dispatcher; then the water drops: the episode clears, the alert ends, the road reopens.
        assertThat(city.ok(dispatcher.post("/rules/v1/episodes/" + id + "/acknowledge", "")).path("state").asText()).isEqualTo("acknowledged");
        reading("urn:ngsi-ld:FloodMonitoring:wensan", "waterLevel", 8, Instant.now());
        await(dispatcher, "/rules/v1/episodes/" + id, e -> e.path("state").asText().equals("cleared"));
        await(operator, "/ngsi-ld/v1/entities/urn:ngsi-ld:RoadSegment:wensan-underpass?options=keyValues",
                road -> road.path("status").asText().equals("open"));
        JsonNode ended = await(operator, "/ngsi-ld/v1/entities/urn:ngsi-ld:Alert:" + id + "?options=keyValues",
                a -> a.path("data").path("state").asText().equals("cleared"));
        assertThat(ended.has("validTo")).isTrue();
        assertThat(city.ok(dispatcher.get("/rules/v1/episodes?open=true"))).isEmpty();
    }

    @Test
    void badRulesAreRefusedSayingWhereAndStoreNothing() {
        record Bad(String why, String yaml, int status, String says) {
        }
        List<Bad> bad = List.of(
                new Bad("not YAML", "id: [unclosed", 400, "line"),
                new Bad("a misspelt duration", FLOOD.replace("for: PT5M", "for: 5 minutes"), 400, "$.when.all[1].for"),
                new Bad("an unknown comparison", FLOOD.replace("atLeast: 16", "atleast: 16"), 400, "$.when.all[0]"),
                new Bad("an unknown type", FLOOD.replace("type: WeatherObserved", "type: WeatherObsrved"), 400, "WeatherObsrved"),
                new Bad("an unknown attribute", FLOOD.replace("attribute: precipitation", "attribute: rainfall"), 400, "rainfall"),
                new Bad("an attribute not granted", FLOOD.replace("attribute: precipitation", "attribute: temperature"), 400,
                        "not granted"),
                new Bad("time alone", FLOOD.substring(0, FLOOD.indexOf("  all:")) + "  all:\n    - timeOfDay: {from: '18:00', to: '06:00'}\n"
                        + FLOOD.substring(FLOOD.indexOf("suppressFor")), 400, "time alone"),
                new Bad("two types per entity", FLOOD.replace("per: district", "per: entity"), 400, "$.when.per"),
                new Bad("a window of a year", FLOOD.replace("for: PT5M", "for: P365D"), 400, "$.when.all[1].for"),
                new Bad("another department's", FLOOD.replace("department: water", "department: environment"), 403, "environment"),
                new Bad("a loop", FLOOD.replace("type: RoadSegment", "type: FloodMonitoring").replace("{status: closed}", "{waterLevel: 99}")
                        .replace("{status: open}", "{waterLevel: 0}"), 400, "without end"),
                new Bad("an action that does not exist", FLOOD.replace("raiseAlert:", "raiseAlarm:"), 400, "$.then[1]"),
                new Bad("a case category that does not exist", FLOOD.replace("category: waterlogging", "category: waterloging"), 400,
                        "$.then[0].openCase.category"));
        for (Bad each : bad) {
            Api.Response refused = postRule(waterAdmin, each.yaml());
            assertThat(refused.status()).as(each.why() + ": " + refused).isEqualTo(each.status());
            assertThat(refused.json().path("detail").asText()).as(each.why()).contains(each.says());
        }
        Api.Response asJson = city.send(waterAdmin.post("/rules/v1/rules", "{\"id\": \"x\"}"));
        assertThat(asJson.status()).isEqualTo(400);
        assertThat(asJson.json().path("detail").asText()).contains("name", "when", "then");
        assertThat(city.send(dispatcher.postBytes("/rules/v1/rules", FLOOD.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "application/yaml")).status()).as("rules are their department's administrators'").isEqualTo(403);
        assertThat(city.ok(dispatcher.get("/rules/v1/rules"))).as("nothing stored").isEmpty();
        assertThat(postRule(waterAdmin, FLOOD).status()).isEqualTo(201);
        assertThat(postRule(waterAdmin, FLOOD).status()).as("the same id twice").isEqualTo(409);
    }

    @Test
    void aDryRunReplaysRecordedHistoryAndChangesNothing() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        // An hour ago: twenty minutes of high water at wensan in a storm, then the water drops; binjiang is outside.
        reading("urn:ngsi-ld:WeatherObserved:xihu-1", "precipitation", 22.5, now.minus(58, ChronoUnit.MINUTES));
        for (int minute = 60; minute >= 40; minute--) {
            reading("urn:ngsi-ld:FloodMonitoring:wensan", "waterLevel", 42, now.minus(minute, ChronoUnit.MINUTES));
            reading("urn:ngsi-ld:FloodMonitoring:binjiang", "waterLevel", 50, now.minus(minute, ChronoUnit.MINUTES));
        }
        reading("urn:ngsi-ld:FloodMonitoring:wensan", "waterLevel", 8, now.minus(35, ChronoUnit.MINUTES));
        String range = "?from=" + now.minus(2, ChronoUnit.HOURS) + "&to=" + now;

        Api.Response tried = city.send(waterAdmin.postBytes("/rules/v1/dry-run" + range,
                FLOOD.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/yaml"));
        assertThat(tried.status()).as(tried.toString()).isEqualTo(200);
        JsonNode result = tried.json();
        assertThat(result.path("readings").asInt()).isEqualTo(1 + 21 + 21 + 1);
        assertThat(result.path("opened").asInt()).as(result.toString()).isEqualTo(1);
        assertThat(result.path("cleared").asInt()).isEqualTo(1);
        JsonNode episode = result.path("episodes").get(0);
        assertThat(episode.path("key").asText()).isEqualTo("xihu");
        // Opened once the water had stood five minutes in the rain, cleared when it dropped, in event time.
        assertThat(Instant.parse(episode.path("openedAt").asText())).isEqualTo(now.minus(55, ChronoUnit.MINUTES));
        assertThat(Instant.parse(episode.path("clearedAt").asText())).isEqualTo(now.minus(35, ChronoUnit.MINUTES));
        assertThat(episode.path("evidence").toString()).contains("wensan").doesNotContain("binjiang");
        assertThat(episode.path("actions")).extracting(action -> action.path("kind").asText())
                .containsExactly("openCase", "raiseAlert", "update");
        assertThat(episode.path("actions").get(2).path("entity").asText()).isEqualTo("urn:ngsi-ld:RoadSegment:wensan-underpass");

        // Nothing happened for real: no rule, no episode, no case, the road open.
        assertThat(city.ok(dispatcher.get("/rules/v1/rules"))).isEmpty();
        assertThat(city.ok(dispatcher.get("/rules/v1/episodes"))).isEmpty();
        assertThat(city.ok(dispatcher.get("/cases/v1/cases")).toString()).doesNotContain("waterlogging");
        assertThat(city.ok(operator.get("/ngsi-ld/v1/entities/urn:ngsi-ld:RoadSegment:wensan-underpass?options=keyValues"))
                .path("status").asText()).isEqualTo("open");

        // The same from a terminal: `meridian rules dry-run flood.yaml`, and a refusal says why and exits 1.
        java.nio.file.Path file = java.nio.file.Files.createTempFile("flood", ".yaml");
        java.nio.file.Files.writeString(file, FLOOD);
        String[] node = {"--url", waterAdmin.base(), "--tenant", tenant, "--from", now.minus(2, ChronoUnit.HOURS).toString(), "--to", now.toString()};
        Cli byAdmin = cli(concat(new String[] {"rules", "dry-run", file.toString(), "--token", waterAdmin.authorization().substring(7)}, node));
        assertThat(byAdmin.code()).as(byAdmin.err()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(byAdmin.out()).path("opened").asInt()).isEqualTo(1);
        Cli byDispatcher = cli(concat(new String[] {"rules", "dry-run", file.toString(), "--token", dispatcher.authorization().substring(7)},
                node));
        assertThat(byDispatcher.code()).isEqualTo(1);
        assertThat(byDispatcher.err()).contains("department-admin", "(403)");

        // A stored rule dry-runs by its id; bad ranges, rules and callers are refused.
        assertThat(postRule(waterAdmin, FLOOD).status()).isEqualTo(201);
        assertThat(city.ok(waterAdmin.post("/rules/v1/rules/underpass-flood/dry-run" + range, "")).path("opened").asInt()).isEqualTo(1);
        assertThat(city.send(waterAdmin.post("/rules/v1/rules/underpass-flood/dry-run?from=" + now + "&to=" + now.minusSeconds(1), ""))
                .status()).isEqualTo(400);
        assertThat(city.send(waterAdmin.post("/rules/v1/rules/underpass-flood/dry-run?from=" + now.minus(40, ChronoUnit.DAYS) + "&to="
                + now, "")).json().path("detail").asText()).contains("31 days");
        assertThat(city.send(waterAdmin.post("/rules/v1/rules/underpass-flood/dry-run?from=yesterday&to=" + now, "")).status()).isEqualTo(400);
        assertThat(city.send(waterAdmin.postBytes("/rules/v1/dry-run" + range, FLOOD.replace("attribute: precipitation",
                "attribute: temperature").getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/yaml")).json()
                .path("detail").asText()).as("a dry run reads only what the department is granted").contains("not granted");
        assertThat(city.send(dispatcher.post("/rules/v1/rules/underpass-flood/dry-run" + range, "")).status()).isEqualTo(403);
        assertThat(city.send(waterAdmin.post("/rules/v1/rules/nope/dry-run" + range, "")).status()).isEqualTo(404);
    }

    @Test
    void aLampDarkWhileItsCabinetHasPowerOpensARepairCaseAndTellsTheMaintainerOverMqtt() throws Exception {
        city.ok(operator.put("/cases/v1/categories/street-light", """
                {"name": "路灯 Street light", "kind": "component", "questions": [
                  {"code": "lamps", "datatype": "number", "required": true, "description": "How many lamps are out", "order": 1}]}"""));
        city.ok(operator.put("/cases/v1/routing", "{\"category\": \"street-light\", \"lead\": \"water\"}"));
        city.ok(operator.put("/sharing/v1/datasets/Streetlight", "{\"owner\": \"water\"}"));
        city.ok(operator.put("/sharing/v1/datasets/StreetlightControlCabinet", "{\"owner\": \"water\"}"));
        for (String cabinet : List.of("A", "B")) {
            create("""
                    {"id": "urn:ngsi-ld:StreetlightControlCabinet:%s", "type": "StreetlightControlCabinet",
                     "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [120.1, 30.25]}},
                     "energyConsumed": {"type": "Property", "value": 0}}""".formatted(cabinet));
            create("""
                    {"id": "urn:ngsi-ld:Streetlight:%s-1", "type": "Streetlight",
                     "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [120.1, 30.25]}},
                     "refStreetlightControlCabinet": {"type": "Relationship", "object": "urn:ngsi-ld:StreetlightControlCabinet:%s"},
                     "powerState": {"type": "Property", "value": "on"}}""".formatted(cabinet, cabinet));
        }
        try (org.meridian.testing.Mosquitto mosquitto = new org.meridian.testing.Mosquitto()) {
            var listener = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://127.0.0.1:" + mosquitto.port(), "maintainer",
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            java.util.concurrent.BlockingQueue<JsonNode> messages = new java.util.concurrent.LinkedBlockingQueue<>();
            listener.connect();
            listener.subscribe("lighting/faults", 1, (topic, message) ->
                    messages.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(message.getPayload())));
            Api.Response added = postRule(waterAdmin, """
                    id: broken-lamp
                    name: 路灯损坏 Lamp broken
                    department: water
                    when:
                      per: {relationship: refStreetlightControlCabinet}
                      all:
                        - {type: Streetlight, attribute: powerState, equals: "off"}
                        - {type: StreetlightControlCabinet, attribute: energyConsumed, above: 0}
                    then:
                      - openCase: {category: street-light, answers: {lamps: 1}}
                      - notify: {mqtt: "mqtt://127.0.0.1:%d/lighting/faults"}
                    """.formatted(mosquitto.port()));
            assertThat(added.status()).as(added.toString()).isEqualTo(201);
            city.ok(waterAdmin.post("/rules/v1/rules/broken-lamp/enable", ""));

            Instant now = Instant.now();
            // Cabinet A has power, B has none (a cut): both lamps go dark; only A's lamp is broken.
            reading("urn:ngsi-ld:StreetlightControlCabinet:A", "energyConsumed", 3.5, now);
            city.send(operator.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:B-1/attrs",
                    "{\"powerState\": {\"type\": \"Property\", \"value\": \"off\", \"observedAt\": \"" + now + "\"}}"));
            city.send(operator.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:A-1/attrs",
                    "{\"powerState\": {\"type\": \"Property\", \"value\": \"off\", \"observedAt\": \"" + now + "\"}}"));

            JsonNode episodes = await(dispatcher, "/rules/v1/episodes?rule=broken-lamp", list -> list.size() >= 1);
            assertThat(episodes).hasSize(1);
            assertThat(episodes.get(0).path("key").asText()).isEqualTo("urn:ngsi-ld:StreetlightControlCabinet:A");
            assertThat(episodes.get(0).path("evidence").toString()).contains("Streetlight:A-1").doesNotContain("Streetlight:B-1");
            JsonNode told = messages.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(told).as("the maintainer's MQTT topic").isNotNull();
            assertThat(told.path("step").asText()).isEqualTo("opened");
            assertThat(told.path("episode").path("key").asText()).isEqualTo("urn:ngsi-ld:StreetlightControlCabinet:A");
            String id = episodes.get(0).path("id").asText();
            JsonNode trace = await(dispatcher, "/rules/v1/episodes/" + id + "/trace", t -> t.path("steps").toString().contains("\"case\""));
            String caseId = null;
            for (JsonNode step : trace.path("steps")) {
                if (step.path("kind").asText().equals("case")) {
                    caseId = step.path("ref").asText();
                }
            }
            JsonNode opened = city.ok(dispatcher.get("/cases/v1/cases/" + caseId));
            assertThat(opened.path("events").get(0).path("data").path("answers").path("lamps").asText()).as(opened.toString()).isEqualTo("1");
            listener.disconnect();
        }
    }

    private record Cli(int code, String out, String err) {
    }

    /** Runs the command line as `./meridian …` would, capturing what it prints. */
    private static Cli cli(String... arguments) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine command = new picocli.CommandLine(new org.meridian.app.Main());
        command.setOut(new java.io.PrintWriter(out, true));
        command.setErr(new java.io.PrintWriter(err, true));
        int code = command.execute(arguments);
        return new Cli(code, out.toString(), err.toString());
    }

    private static String[] concat(String[] first, String[] second) {
        String[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
