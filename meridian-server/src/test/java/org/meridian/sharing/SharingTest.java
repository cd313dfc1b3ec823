package org.meridian.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Governed sharing, as two departments and an auditor live it: the owner writes and reads its dataset; another
 * department sees nothing of it, asks, is granted some attributes, sees exactly those (entities, attributes, counts,
 * history, discovery), and nothing once the grant is revoked; the ledger records each step.
 */
class SharingTest {
    private final Api operator = TestServer.api();
    private final String tenant = TestServer.newTenant();
    private Api ecologyAdmin;
    private Api ecologyStaff;
    private Api transportStaff;
    private Api auditor;

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
    void departmentsPeopleAndADataset() {
        ok(operator.put("/admin/v1/departments/ecology", "{\"name\": \"Ecology\"}"));
        ok(operator.put("/admin/v1/departments/transport", "{\"name\": \"Transport\"}"));
        ecologyAdmin = person("eco-admin", "ecology", "department-admin");
        ecologyStaff = person("eco-staff", "ecology", "staff");
        transportStaff = person("tr-staff", "transport", "staff");
        auditor = person("auditor", "", "auditor");
        ok(operator.put("/sharing/v1/datasets/AirQualityObserved", """
                {"owner": "ecology", "title": "Air quality stations", "updateFrequency": "every minute"}"""));
        for (int i = 1; i <= 3; i++) {
            ok(ecologyStaff.post("/ngsi-ld/v1/entities", """
                    {"id": "urn:ngsi-ld:AirQualityObserved:%d", "type": "AirQualityObserved",
                     "NO2": {"type": "Property", "value": %d, "observedAt": "2026-12-01T08:00:00Z"},
                     "PM10": {"type": "Property", "value": 80, "observedAt": "2026-12-01T08:00:00Z"},
                     "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [120.1, 30.2]}}}""".formatted(i, 30 + i)));
        }
    }

    @Test
    void aGrantThatLeavesOutThePlaceStillAnswersQueries() {
        // Found by a city node reading a district through such a grant: the masked place was invalid SQL (a 500).
        ok(ecologyAdmin.post("/sharing/v1/grants", """
                {"type": "AirQualityObserved", "grantee": "transport", "attributes": ["NO2"], "until": "%s"}"""
                .formatted(Instant.now().plus(1, ChronoUnit.DAYS))));

        JsonNode entities = ok(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved"));

        assertThat(entities).hasSize(3);
        entities.forEach(entity -> assertThat(entity.has("location")).as("not granted").isFalse());
        assertThat(ok(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved&georel=near;maxDistance==1000"
                + "&geometry=Point&coordinates=[120.1,30.2]"))).as("nor found by it").isEmpty();
    }

    @Test
    void aDepartmentSeesExactlyWhatItIsGrantedAndNothingOnceRevoked() {
        // Before any grant: nothing of it, however asked; and it may not write it either.
        assertThat(ok(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved"))).isEmpty();
        assertThat(send(transportStaff.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:1")).status()).isEqualTo(404);
        Api.Response write = send(transportStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:1/attrs",
                "{\"NO2\": {\"type\": \"Property\", \"value\": 0}}"));
        assertThat(write.status()).as(write.toString()).isEqualTo(403);
        assertThat(write.json().path("code").asText()).isEqualTo("broker.NOT_YOUR_DATA");
        assertThat(send(transportStaff.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:AirQualityObserved:9\", \"type\": \"AirQualityObserved\"}"))
                .status()).isEqualTo(403);
        assertThat(ok(ecologyStaff.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:1")).path("NO2").path("value").asInt())
                .as("the refused write changed nothing").isEqualTo(31);

        // The request, which transport cannot decide itself; ecology grants NO2 and location only.
        JsonNode request = ok(transportStaff.post("/sharing/v1/requests", """
                {"type": "AirQualityObserved", "attributes": ["NO2", "PM10", "location"], "purpose": "signal timing near schools",
                 "until": "%s"}""".formatted(Instant.now().plus(30, ChronoUnit.DAYS))));
        String requestId = request.path("id").asText();
        assertThat(send(transportStaff.post("/sharing/v1/requests/" + requestId + "/decision", "{\"decision\": \"grant\"}")).status())
                .isEqualTo(403);
        assertThat(send(ecologyStaff.post("/sharing/v1/requests/" + requestId + "/decision", "{\"decision\": \"grant\"}")).status())
                .as("staff of the owner do not decide").isEqualTo(403);
        JsonNode grant = ok(ecologyAdmin.post("/sharing/v1/requests/" + requestId + "/decision",
                "{\"decision\": \"grant\", \"attributes\": [\"NO2\", \"location\"], \"reason\": \"PM10 is not validated yet\"}"));
        assertThat(grant.path("attributes").toString()).contains("NO2").doesNotContain("PM10");
        assertThat(send(ecologyAdmin.post("/sharing/v1/requests/" + requestId + "/decision", "{\"decision\": \"grant\"}")).status())
                .as("decided once").isEqualTo(409);

        // Exactly the granted attributes: in entities, in queries on them, in counts, history and discovery.
        Api.Response query = send(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved&count=true"));
        assertThat(query.status()).isEqualTo(200);
        assertThat(query.header("NGSILD-Results-Count")).isEqualTo("3");
        for (JsonNode entity : query.json()) {
            assertThat(entity.has("NO2")).isTrue();
            assertThat(entity.has("location")).isTrue();
            assertThat(entity.has("PM10")).as("not granted").isFalse();
        }
        Api.Response countOnly = send(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved&count=true&limit=0"));
        assertThat(countOnly.header("NGSILD-Results-Count")).isEqualTo("3");
        assertThat(ok(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved&q=PM10%3E0"))).as("no query on it").isEmpty();
        assertThat(ok(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved&q=NO2%3E32"))).hasSize(1);
        JsonNode history = ok(transportStaff.get("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:1"));
        assertThat(history.has("NO2")).isTrue();
        assertThat(history.has("PM10")).isFalse();
        assertThat(ok(transportStaff.get("/ngsi-ld/v1/attributes")).toString()).contains("NO2").doesNotContain("PM10");
        assertThat(send(transportStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:1/attrs",
                "{\"NO2\": {\"type\": \"Property\", \"value\": 0}}")).status()).as("a grant is to read, not to write").isEqualTo(403);

        // Revoked: gone at once.
        ok(ecologyAdmin.post("/sharing/v1/grants/" + grant.path("id").asText() + "/revocation", "{\"reason\": \"project ended\"}"));
        assertThat(ok(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved"))).isEmpty();
        assertThat(send(transportStaff.get("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:1")).status()).isEqualTo(404);

        // The ledger has it all: the request, the decision, the read with its grant and count, the revocation.
        JsonNode ledger = ok(auditor.get("/sharing/v1/ledger?limit=1000"));
        String text = ledger.toString();
        assertThat(text).contains("\"kind\":\"requested\"").contains("\"kind\":\"granted\"").contains("\"kind\":\"revoked\"");
        boolean readRecorded = false;
        boolean countRecorded = false;
        for (JsonNode entry : ledger) {
            boolean transportsWithGrant = entry.path("grant").asText().equals(grant.path("id").asText())
                    && entry.path("entityCount").asInt() == 3 && entry.path("actor").asText().contains("tr-staff");
            readRecorded |= transportsWithGrant && entry.path("kind").asText().equals("read");
            countRecorded |= transportsWithGrant && entry.path("kind").asText().equals("count")
                    && entry.path("detail").asText().startsWith("count type=");
        }
        assertThat(readRecorded).as("transport's query of three entities, with its grant: %s", text).isTrue();
        assertThat(countRecorded).as("transport's count of three entities, which showed none: %s", text).isTrue();
        assertThat(ok(auditor.get("/sharing/v1/ledger/verification")).path("intact").asBoolean()).isTrue();
        assertThat(send(transportStaff.get("/sharing/v1/ledger")).status()).as("not an auditor").isEqualTo(403);
    }

    /**
     * Notifications are what the subscription's owner may read at each change: nothing before the grant, the granted
     * attributes during it, nothing after its revocation; and the subscription is its owner's alone.
     */
    @Test
    void notificationsFollowTheGrantsOfTheSubscriptionsOwner() {
        try (org.meridian.testing.NotificationReceiver receiver = new org.meridian.testing.NotificationReceiver()) {
            ok(transportStaff.post("/ngsi-ld/v1/subscriptions", """
                    {"type": "Subscription", "entities": [{"type": "AirQualityObserved"}],
                     "notification": {"endpoint": {"uri": "%s"}}}""".formatted(receiver.url())));
            Api.Response location = send(transportStaff.get("/ngsi-ld/v1/subscriptions"));
            String id = location.json().get(0).path("id").asText();
            assertThat(send(ecologyStaff.get("/ngsi-ld/v1/subscriptions/" + id)).status()).as("another's subscription").isEqualTo(404);
            assertThat(ok(ecologyStaff.get("/ngsi-ld/v1/subscriptions"))).isEmpty();
            assertThat(send(ecologyStaff.delete("/ngsi-ld/v1/subscriptions/" + id)).status()).isEqualTo(404);

            ok(ecologyStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:1/attrs", "{\"NO2\": {\"type\": \"Property\", \"value\": 41}}"));
            JsonNode grant = ok(ecologyAdmin.post("/sharing/v1/grants", """
                    {"type": "AirQualityObserved", "grantee": "transport", "attributes": ["NO2"], "until": "%s"}"""
                    .formatted(Instant.now().plus(1, ChronoUnit.DAYS))));
            ok(ecologyStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:2/attrs",
                    "{\"NO2\": {\"type\": \"Property\", \"value\": 42}, \"PM10\": {\"type\": \"Property\", \"value\": 90}}"));
            var received = receiver.await(1, java.time.Duration.ofSeconds(20));
            assertThat(received).hasSize(1);
            JsonNode data = received.get(0).body().path("data");
            assertThat(data).hasSize(1);
            assertThat(data.get(0).path("id").asText()).as("not entity 1, changed before the grant").endsWith(":2");
            assertThat(data.get(0).has("NO2")).isTrue();
            assertThat(data.get(0).has("PM10")).isFalse();

            ok(ecologyAdmin.post("/sharing/v1/grants/" + grant.path("id").asText() + "/revocation", ""));
            ok(ecologyStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:3/attrs", "{\"NO2\": {\"type\": \"Property\", \"value\": 43}}"));
            // A grant again, and a change of entity 1: its notification comes next, none came for entity 3 (a
            // subscription's notifications keep the order of the changes).
            ok(ecologyAdmin.post("/sharing/v1/grants", """
                    {"type": "AirQualityObserved", "grantee": "transport", "attributes": ["NO2"], "until": "%s"}"""
                    .formatted(Instant.now().plus(1, ChronoUnit.DAYS))));
            ok(ecologyStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:1/attrs", "{\"NO2\": {\"type\": \"Property\", \"value\": 44}}"));
            var after = receiver.await(2, java.time.Duration.ofSeconds(20));
            assertThat(after.get(1).body().path("data").get(0).path("id").asText()).as("nothing for the change made while revoked")
                    .endsWith(":1");

            // The owner disabled: its subscription notifies nothing (again shown by what comes next once re-enabled).
            String username = "tr-staff-" + tenant;
            ok(operator.patch("/admin/v1/users/" + username, "{\"disabled\": true}"));
            ok(ecologyStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:3/attrs", "{\"NO2\": {\"type\": \"Property\", \"value\": 45}}"));
            ok(operator.patch("/admin/v1/users/" + username, "{\"disabled\": false}"));
            ok(ecologyStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:2/attrs", "{\"NO2\": {\"type\": \"Property\", \"value\": 46}}"));
            var last = receiver.await(3, java.time.Duration.ofSeconds(20));
            assertThat(last.get(2).body().path("data").get(0).path("id").asText()).as("nothing while its owner was disabled")
                    .endsWith(":2");

            // The ledger has what the subscription notified transport of: three entities of ecology's dataset.
            TestServer.services().require(org.meridian.sharing.Sharing.class).flushNotifications();
            int notified = 0;
            for (JsonNode entry : ok(auditor.get("/sharing/v1/ledger?limit=1000"))) {
                if (entry.path("kind").asText().equals("notified") && entry.path("actor").asText().contains("tr-staff")) {
                    assertThat(entry.path("detail").asText()).contains("subscription " + id).contains("dataset");
                    notified += entry.path("entityCount").asInt();
                }
            }
            assertThat(notified).isEqualTo(3);
        }
    }

    @Test
    void theCatalogueListsEveryDatasetForEveryDepartmentAsDcat() {
        JsonNode datasets = ok(transportStaff.get("/sharing/v1/datasets"));
        assertThat(datasets.toString()).contains("AirQualityObserved").contains("\"owner\":\"ecology\"");
        // What exists, without a value: how many, when last changed, where, and the shape of an entity.
        JsonNode air = ok(transportStaff.get("/sharing/v1/datasets/AirQualityObserved"));
        assertThat(air.path("entityCount").asInt()).isEqualTo(3);
        assertThat(Instant.parse(air.path("lastUpdate").asText())).isAfter(Instant.now().minus(10, ChronoUnit.MINUTES));
        assertThat(air.path("spatialCoverage").toString()).isEqualTo("[120.1,30.2,120.1,30.2]");
        assertThat(air.path("sample").path("NO2").path("type").asText()).isEqualTo("Property");
        assertThat(air.path("sample").path("location").path("type").asText()).isEqualTo("GeoProperty");
        assertThat(air.path("sample").toString()).as("no values in the catalogue").doesNotContain("31").doesNotContain("80");
        Api.Response dcat = send(transportStaff.get("/sharing/v1/catalogue"));
        assertThat(dcat.status()).isEqualTo(200);
        assertThat(dcat.header("Content-Type")).startsWith("application/ld+json");
        assertThat(dcat.json().path("@type").asText()).isEqualTo("dcat:Catalog");
        assertThat(dcat.json().path("dcat:dataset").get(0).path("dct:publisher").path("foaf:name").asText()).isEqualTo("ecology");
        assertThat(dcat.json().path("dcat:dataset").get(0).path("void:entities").asInt()).isEqualTo(3);
        assertThat(dcat.json().path("dcat:dataset").get(0).path("dct:spatial").path("dcat:bbox").path("@value").asText())
                .startsWith("POLYGON((120.1 30.2,");
        // Ownership is the operators' to give.
        assertThat(send(ecologyAdmin.put("/sharing/v1/datasets/TrafficFlowObserved", "{\"owner\": \"ecology\"}")).status()).isEqualTo(403);
        assertThat(send(ecologyAdmin.put("/sharing/v1/datasets/AirQualityObserved",
                "{\"owner\": \"ecology\", \"title\": \"Air quality\", \"published\": true}")).status()).as("its owner describes it").isEqualTo(200);
    }

    /** Published data is for anyone, without signing in, as its owner publishes it: attributes dropped, places rounded. */
    @Test
    void openDataIsWhatTheOwnerPublishedAndNothingElse() {
        Api anyone = operator.anonymous();
        assertThat(send(anyone.get("/open/v1/datasets/AirQualityObserved/entities")).status()).as("not published yet").isEqualTo(404);
        ok(ecologyAdmin.put("/sharing/v1/datasets/AirQualityObserved", """
                {"owner": "ecology", "title": "Air quality", "published": true,
                 "openData": {"dropAttributes": ["PM10"], "gridMeters": 1000}}"""));
        assertThat(ok(anyone.get("/open/v1/datasets")).toString()).contains("AirQualityObserved").contains("Air quality");
        JsonNode open = ok(anyone.get("/open/v1/datasets/AirQualityObserved/entities"));
        assertThat(open).hasSize(3);
        for (JsonNode entity : open) {
            assertThat(entity.has("NO2")).isTrue();
            assertThat(entity.has("PM10")).as("dropped by its owner").isFalse();
            double longitude = entity.path("location").path("coordinates").get(0).asDouble();
            double step = 1000 / 111_320.0;
            assertThat(Math.abs(longitude / step - Math.round(longitude / step))).as("on the 1 km grid: %s", longitude).isLessThan(1e-6);
        }
        // Open data is not a way into the NGSI-LD API.
        assertThat(send(anyone.get("/ngsi-ld/v1/entities?type=AirQualityObserved")).status()).isEqualTo(401);
        assertThat(send(anyone.get("/open/v1/datasets/Unpublished/entities")).status()).isEqualTo(404);
        assertThat(send(anyone.get("/open/v1/datasets/AirQualityObserved/entities?limit=100000")).status()).isEqualTo(400);
    }

    /** A grant limited to an area: entities located outside it are absent on every read path. */
    @Test
    void aGrantMayBeLimitedToAnArea() {
        ok(ecologyStaff.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:far", "type": "AirQualityObserved",
                 "NO2": {"type": "Property", "value": 50},
                 "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [121.5, 31.0]}}}"""));
        ok(ecologyStaff.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:nowhere", "type": "AirQualityObserved", "NO2": {"type": "Property", "value": 51}}"""));
        JsonNode request = ok(transportStaff.post("/sharing/v1/requests", """
                {"type": "AirQualityObserved", "attributes": ["NO2", "location"], "area": [119, 29, 122, 32],
                 "purpose": "signal timing in the west district", "until": "%s"}""".formatted(Instant.now().plus(30, ChronoUnit.DAYS))));
        assertThat(request.path("area").toString()).isEqualTo("[119.0,29.0,122.0,32.0]");
        String decision = "/sharing/v1/requests/" + request.path("id").asText() + "/decision";
        Api.Response wider = send(ecologyAdmin.post(decision, "{\"decision\": \"grant\", \"area\": [100, 20, 130, 40]}"));
        assertThat(wider.status()).as("a grant narrows the area, never widens it: %s", wider).isEqualTo(400);
        assertThat(send(ecologyAdmin.post(decision, "{\"decision\": \"grant\", \"area\": [120.5, 30, 120, 30.5]}")).status())
                .as("west beyond east").isEqualTo(400);
        JsonNode grant = ok(ecologyAdmin.post(decision, "{\"decision\": \"grant\", \"area\": [120.0, 30.0, 120.5, 30.5]}"));
        assertThat(grant.path("area").toString()).isEqualTo("[120.0,30.0,120.5,30.5]");

        try (org.meridian.testing.NotificationReceiver receiver = new org.meridian.testing.NotificationReceiver()) {
            ok(transportStaff.post("/ngsi-ld/v1/subscriptions", """
                    {"type": "Subscription", "entities": [{"type": "AirQualityObserved"}], "watchedAttributes": ["NO2"],
                     "notification": {"endpoint": {"uri": "%s"}}}""".formatted(receiver.url())));
            Api.Response query = send(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved&count=true"));
            assertThat(query.header("NGSILD-Results-Count")).as("the three inside; not the one outside, nor the unlocated one").isEqualTo("3");
            assertThat(query.body()).doesNotContain(":far").doesNotContain(":nowhere");
            assertThat(ok(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved&q=NO2%3E45"))).as("q finds none outside").isEmpty();
            assertThat(send(transportStaff.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:far")).status()).isEqualTo(404);
            assertThat(send(transportStaff.get("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:far")).status()).isEqualTo(404);
            // An area grant shows no history (past places and readings may lie outside); a temporal query lists only
            // entities with something to show, so none.
            assertThat(ok(transportStaff.get("/ngsi-ld/v1/temporal/entities?type=AirQualityObserved"))).isEmpty();
            assertThat(ok(transportStaff.get("/ngsi-ld/v1/entities?type=AirQualityObserved&geoproperty=location&georel=near;maxDistance==500000"
                    + "&geometry=Point&coordinates=%5B121.5,31.0%5D"))).as("a geo-query near it finds only those inside").hasSize(3);
            JsonNode types = ok(transportStaff.get("/ngsi-ld/v1/types?details=true"));
            assertThat(types.toString()).contains("AirQualityObserved");
            JsonNode type = ok(transportStaff.get("/ngsi-ld/v1/types/AirQualityObserved"));
            assertThat(type.path("entityCount").asInt()).as("discovery counts what may be read").isEqualTo(3);
            JsonNode no2 = ok(transportStaff.get("/ngsi-ld/v1/attributes/NO2"));
            assertThat(no2.path("attributeCount").asInt()).isEqualTo(3);

            // A change outside notifies nothing; one inside does (and comes first).
            ok(ecologyStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:far/attrs", "{\"NO2\": {\"type\": \"Property\", \"value\": 60}}"));
            ok(ecologyStaff.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:2/attrs", "{\"NO2\": {\"type\": \"Property\", \"value\": 61}}"));
            var received = receiver.await(1, java.time.Duration.ofSeconds(20));
            assertThat(received.get(0).body().path("data").get(0).path("id").asText()).endsWith(":2");
        }

        // An entity of two types outside the area: the type granted everywhere shows its name only, and a query
        // cannot test the attributes the area-limited grant would show (no oracle for NO2 out there).
        ok(operator.put("/sharing/v1/datasets/Landmark", "{\"owner\": \"ecology\"}"));
        ok(ecologyAdmin.post("/sharing/v1/grants", """
                {"type": "Landmark", "grantee": "transport", "attributes": ["name"], "until": "%s"}"""
                .formatted(Instant.now().plus(1, ChronoUnit.DAYS))));
        ok(ecologyStaff.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:Landmark:tower", "type": ["Landmark", "AirQualityObserved"], "name": {"type": "Property", "value": "Tower"},
                 "NO2": {"type": "Property", "value": 99},
                 "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [121.5, 31.0]}}}"""));
        JsonNode tower = ok(transportStaff.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Landmark:tower"));
        assertThat(tower.has("name")).isTrue();
        assertThat(tower.has("NO2")).as("outside the area").isFalse();
        assertThat(ok(transportStaff.get("/ngsi-ld/v1/entities?type=Landmark&q=NO2%3E90"))).as("no oracle").isEmpty();
        assertThat(ok(transportStaff.get("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:1")).has("NO2"))
                .as("no history under an area grant: past places and readings may lie outside").isFalse();
    }

    /** Published as hourly means: anyone sees each numeric value as its mean over the last complete hour, never live. */
    @Test
    void openDataMayBeHourlyMeansOnly() {
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        // Readings in this hour and the one before, the same in both: whichever is complete when read, its mean is 15.
        StringBuilder readings = new StringBuilder();
        for (Instant start : new Instant[] {hour.minus(1, ChronoUnit.HOURS), hour}) {
            readings.append(readings.isEmpty() ? "" : ",").append("""
                    {"type": "Property", "value": 10, "observedAt": "%s"}, {"type": "Property", "value": 20, "observedAt": "%s"}"""
                    .formatted(start.plus(10, ChronoUnit.MINUTES), start.plus(20, ChronoUnit.MINUTES)));
        }
        ok(ecologyStaff.post("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:1/attrs", "{\"NO2\": [" + readings + "]}"));
        ok(ecologyStaff.post("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:1/attrs", """
                {"alarm": {"type": "Property", "value": true}, "reading": {"type": "Property", "value": "42"},
                 "trend": {"type": "Property", "value": [1, 2, 3]}, "station": {"type": "Property", "value": "West Lake"}}"""));
        ok(ecologyAdmin.put("/sharing/v1/datasets/AirQualityObserved", """
                {"owner": "ecology", "title": "Air quality", "published": true, "openData": {"hourly": true}}"""));
        assertThat(ok(ecologyAdmin.get("/sharing/v1/datasets/AirQualityObserved")).path("openData").path("hourly").asBoolean()).isTrue();
        JsonNode open = ok(operator.anonymous().get("/open/v1/datasets/AirQualityObserved/entities"));
        assertThat(open).hasSize(3);
        for (JsonNode entity : open) {
            String[] interval = entity.path("averagedOver").asText().split("/");
            assertThat(Instant.parse(interval[1])).as("the last complete hour").isIn(hour, hour.plus(1, ChronoUnit.HOURS));
            assertThat(Instant.parse(interval[0])).isEqualTo(Instant.parse(interval[1]).minus(1, ChronoUnit.HOURS));
            if (entity.path("id").asText().endsWith(":1")) {
                assertThat(entity.path("NO2").asDouble()).as("the hour's mean, not the live 31: %s", entity).isEqualTo(15.0);
            } else {
                assertThat(entity.has("NO2")).as("no reading in the hour, so no value: %s", entity).isFalse();
            }
            assertThat(entity.has("PM10")).as("its live value is never shown").isFalse();
            assertThat(entity.has("location")).as("what is not a number stays").isTrue();
            assertThat(entity.has("alarm") || entity.has("reading") || entity.has("trend"))
                    .as("true/false, numbers as text and lists could carry a live reading: %s", entity).isFalse();
            if (entity.path("id").asText().endsWith(":1")) {
                assertThat(entity.path("station").asText()).as("plain text stays").isEqualTo("West Lake");
            }
        }
    }

    @Test
    void badSharingInputIsRefusedClearly() {
        for (String body : new String[] {"{}", "{\"type\": \"AirQualityObserved\", \"purpose\": \"x\"}",
                "{\"type\": \"AirQualityObserved\", \"purpose\": \"x\", \"until\": \"tomorrow\"}",
                "{\"type\": \"AirQualityObserved\", \"purpose\": \"x\", \"until\": \"2020-01-01T00:00:00Z\"}",
                "{\"type\": \"NoSuchDataset\", \"purpose\": \"x\", \"until\": \"2027-01-01T00:00:00Z\"}",
                "{\"type\": \"AirQualityObserved\", \"purpose\": \"x\", \"until\": \"2027-01-01T00:00:00Z\", \"extra\": 1}"}) {
            Api.Response refused = send(transportStaff.post("/sharing/v1/requests", body));
            assertThat(refused.status()).as(body + ": " + refused).isIn(400, 404);
        }
        assertThat(send(ecologyAdmin.post("/sharing/v1/requests/not-a-uuid/decision", "{\"decision\": \"grant\"}")).status()).isEqualTo(404);
        assertThat(ok(transportStaff.get("/sharing/v1/requests"))).isEmpty();
    }
}
