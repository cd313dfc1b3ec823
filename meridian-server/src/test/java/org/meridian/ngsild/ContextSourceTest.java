package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.9–5.11: context source registrations, their discovery, and subscriptions to them. */
@Tag("clause-5.9")
class ContextSourceTest {
    private static final String BASE = "/ngsi-ld/v1/csourceRegistrations";
    private static final String CITY = "\"@context\": {\"AirQualityObserved\": \"https://city.example/AirQualityObserved\", "
            + "\"pm25\": \"https://city.example/pm25\", \"Streetlight\": \"https://city.example/Streetlight\"}";
    private final Api api = TestServer.api();
    private String tenant;

    @BeforeEach
    void tenant() {
        tenant = TestServer.newTenant();
    }

    private Api.Response register(String body) {
        return api.post(BASE, body).header("Content-Type", "application/ld+json").tenant(tenant).send();
    }

    private static String district(String name, String west, String extra) {
        String east = String.valueOf(Double.parseDouble(west) + 0.05);
        return """
                {"id": "urn:ngsi-ld:ContextSourceRegistration:%s", "type": "ContextSourceRegistration",
                 "information": [{"entities": [{"type": "AirQualityObserved"}], "propertyNames": ["pm25"]}],
                 "endpoint": "https://%s.city.example/ngsi-ld/v1", "level": "district",
                 "location": {"type": "Polygon", "coordinates": [[[%s, 39.90], [%s, 39.90], [%s, 39.95], [%s, 39.95], [%s, 39.90]]]},
                 "observationInterval": {"startAt": "2024-01-01T00:00:00Z", "endAt": "2024-12-31T00:00:00Z"}%s, %s}"""
                .formatted(name, name, west, east, east, west, west, extra, CITY);
    }

    private List<String> ids(String query) {
        Api.Response response = api.get(BASE + query).tenant(tenant).send();
        assertThat(response.status()).as(query + " " + response).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.json().forEach(registration -> ids.add(registration.path("id").asText()));
        return ids;
    }

    @Test
    void aRegistrationIsKeptAsSentAndShownInTheReadersTerms() {
        Api.Response created = register(district("dongcheng", "116.40", ", \"expiresAt\": \"2099-01-01T00:00:00Z\""));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(java.net.URLDecoder.decode(created.header("Location"), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(BASE + "/urn:ngsi-ld:ContextSourceRegistration:dongcheng");

        JsonNode shown = api.get(created.header("Location")).tenant(tenant).send().json();
        assertThat(shown.path("information").get(0).path("entities").get(0).path("type").asText())
                .as("no context: full IRIs").isEqualTo("https://city.example/AirQualityObserved");
        assertThat(shown.path("information").get(0).path("propertyNames").get(0).asText()).isEqualTo("https://city.example/pm25");
        assertThat(shown.path("expiresAt").asText()).as("as sent").isEqualTo("2099-01-01T00:00:00Z");
        assertThat(shown.path("level").asText()).as("the source's own member").isEqualTo("district");
        assertThat(shown.has("@context")).isFalse();

        Api.Response updated = api.patch(created.header("Location"),
                "{\"endpoint\": \"https://dongcheng-2.city.example/ngsi-ld/v1\", \"expiresAt\": null}").tenant(tenant).send();
        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
        JsonNode after = api.get(created.header("Location")).tenant(tenant).send().json();
        assertThat(after.path("endpoint").asText()).isEqualTo("https://dongcheng-2.city.example/ngsi-ld/v1");
        assertThat(after.has("expiresAt")).isFalse();
        assertThat(after.path("information").get(0).path("entities").get(0).path("type").asText())
                .as("an update without the context reads the names the same").isEqualTo("https://city.example/AirQualityObserved");

        assertThat(api.patch(created.header("Location"), "{\"information\": null}").tenant(tenant).send().status()).isEqualTo(400);
        assertThat(api.patch(created.header("Location"), "{\"type\": \"Building\"}").tenant(tenant).send().status()).isEqualTo(400);
        assertThat(register(district("dongcheng", "116.40", "")).status()).isEqualTo(409);
        assertThat(api.delete(created.header("Location")).tenant(tenant).send().status()).isEqualTo(204);
        assertThat(api.get(created.header("Location")).tenant(tenant).send().status()).isEqualTo(404);
        assertThat(api.delete(created.header("Location")).tenant(tenant).send().status()).isEqualTo(404);
        assertThat(api.get(BASE + "/not-a-uri").tenant(tenant).send().errorType()).isEqualTo("BadRequestData");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"information\": null, \"endpoint\": \"https://a.example\"",
            "\"information\": [], \"endpoint\": \"https://a.example\"",
            "\"information\": [{}], \"endpoint\": \"https://a.example\"",
            "\"information\": [{\"entities\": [{\"type\": \"T\"}]}]",
            "\"information\": [{\"entities\": [{\"type\": \"T\"}]}], \"endpoint\": \"xxx\"",
            "\"information\": [{\"entities\": [{\"type\": \"T\"}]}], \"endpoint\": \"file:///etc/passwd\"",
            "\"information\": [{\"entities\": [{\"type\": \"T\", \"idPattern\": \"(\"}]}], \"endpoint\": \"https://a.example\"",
            "\"information\": [{\"entities\": [{\"type\": \"T\", \"id\": \"urn:a:1\", \"idPattern\": \".*\"}]}], \"endpoint\": \"https://a.example\"",
            "\"information\": [{\"propertyNames\": [\"p\"]}], \"endpoint\": \"https://a.example\", \"expiresAt\": \"2018-11-29T14:53:15Z\"",
            "\"information\": [{\"propertyNames\": [\"p\"]}], \"endpoint\": \"https://a.example\", \"operations\": [\"teleport\"]",
            "\"information\": [{\"propertyNames\": [\"p\"]}], \"endpoint\": \"https://a.example\", \"mode\": \"sometimes\"",
            "\"information\": [{\"propertyNames\": [\"p\"]}], \"endpoint\": \"https://a.example\", \"mode\": \"exclusive\"",
            "\"information\": [{\"propertyNames\": [\"p\"]}], \"endpoint\": \"https://a.example\", \"location\": {\"type\": \"Point\"}",
            "\"information\": [{\"propertyNames\": [\"p\"]}], \"endpoint\": \"https://a.example\", "
                    + "\"observationInterval\": {\"startAt\": \"2024-02-01T00:00:00Z\", \"endAt\": \"2024-01-01T00:00:00Z\"}",
            "\"information\": [{\"propertyNames\": [\"p\"]}], \"endpoint\": \"https://a.example\", \"management\": {\"timeout\": -5}"})
    void badRegistrationsAreRefusedAndNothingIsStored(String members) {
        Api.Response response = api.post(BASE, "{\"id\": \"urn:ngsi-ld:ContextSourceRegistration:bad\", "
                + "\"type\": \"ContextSourceRegistration\", " + members + "}").tenant(tenant).send();

        assertThat(response.status()).as(members + " -> " + response).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("BadRequestData");
        assertThat(api.get(BASE + "/urn:ngsi-ld:ContextSourceRegistration:bad").tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void discoveryFindsTheSourcesOfferingWhatIsAsked() {
        register(district("dongcheng", "116.40", ", \"quality\": \"certified\""));
        register(district("xicheng", "116.30", ", \"quality\": \"draft\""));
        assertThat(register("""
                {"id": "urn:ngsi-ld:ContextSourceRegistration:lights", "type": "ContextSourceRegistration",
                 "information": [{"entities": [{"type": "Streetlight", "idPattern": "^urn:ngsi-ld:Streetlight:dc-"}]}],
                 "endpoint": "https://lights.city.example/ngsi-ld/v1",
                 "managementInterval": {"startAt": "2020-01-01T00:00:00Z"}, %s}""".formatted(CITY)).status()).isEqualTo(201);
        String type = "type=https%3A%2F%2Fcity.example%2FAirQualityObserved";

        assertThat(ids("?" + type)).containsExactly("urn:ngsi-ld:ContextSourceRegistration:dongcheng",
                "urn:ngsi-ld:ContextSourceRegistration:xicheng");
        assertThat(ids("?attrs=https%3A%2F%2Fcity.example%2Fpm25")).as("the lights name no attributes: they offer all of theirs")
                .containsExactly("urn:ngsi-ld:ContextSourceRegistration:dongcheng", "urn:ngsi-ld:ContextSourceRegistration:lights",
                        "urn:ngsi-ld:ContextSourceRegistration:xicheng");
        assertThat(ids("?attrs=https%3A%2F%2Fcity.example%2Fno2")).as("the lights offer every attribute of theirs")
                .containsExactly("urn:ngsi-ld:ContextSourceRegistration:lights");
        assertThat(ids("?id=urn:ngsi-ld:Streetlight:dc-7")).containsExactly("urn:ngsi-ld:ContextSourceRegistration:dongcheng",
                "urn:ngsi-ld:ContextSourceRegistration:lights", "urn:ngsi-ld:ContextSourceRegistration:xicheng");
        assertThat(ids("?type=https%3A%2F%2Fcity.example%2FStreetlight&id=urn:ngsi-ld:Streetlight:xc-1")).isEmpty();
        assertThat(ids("?" + type + "&q=quality%3D%3D%22certified%22")).containsExactly("urn:ngsi-ld:ContextSourceRegistration:dongcheng");
        assertThat(ids("?" + type + "&georel=near%3BmaxDistance%3D%3D1000&geometry=Point&coordinates=%5B116.32%2C39.92%5D"))
                .containsExactly("urn:ngsi-ld:ContextSourceRegistration:xicheng");
        assertThat(ids("?timerel=after&timeAt=2025-01-01T00:00:00Z")).as("observation ended in 2024").isEmpty();
        assertThat(ids("?timerel=after&timeAt=2025-01-01T00:00:00Z&timeproperty=modifiedAt"))
                .containsExactly("urn:ngsi-ld:ContextSourceRegistration:lights");

        Api.Response page = api.get(BASE + "?" + type + "&limit=1&count=true").tenant(tenant).send();
        assertThat(page.json()).hasSize(1);
        assertThat(page.header("NGSILD-Results-Count")).isEqualTo("2");
        assertThat(page.headers().allValues("Link")).anySatisfy(link -> assertThat(link).contains("offset=1").contains("rel=\"next\""));
        assertThat(api.get(BASE).tenant(tenant).send().errorType()).as("no criterion").isEqualTo("BadRequestData");
        assertThat(api.get(BASE + "?q=(broken").tenant(tenant).send().status()).isEqualTo(400);
        assertThat(api.get(BASE + "?georel=within").tenant(tenant).send().status()).isEqualTo(400);
        assertThat(api.get(BASE + "?timerel=before").tenant(tenant).send().status()).isEqualTo(400);
        assertThat(api.get(BASE + "?" + type + "&colour=red").tenant(tenant).send().errorType()).isEqualTo("InvalidRequest");
    }

    @Test
    void theBrokerSaysWhichSourceItIs() {
        JsonNode identity = api.get("/ngsi-ld/v1/info/sourceIdentity").tenant(tenant).send().json();

        assertThat(identity.path("type").asText()).isEqualTo("ContextSourceIdentity");
        assertThat(identity.path("contextSourceAlias").asText()).startsWith("urn:meridian:node:").endsWith(":" + tenant);
        assertThat(identity.path("contextSourceUptime").asText()).as("an ISO 8601 duration; whole minutes have no seconds part").matches("PT(\\d+H)?(\\d+M)?([0-9.]+S)?");
        assertThat(java.time.Instant.parse(identity.path("contextSourceTimeAt").asText())).isAfter(java.time.Instant.now().minusSeconds(60));
        JsonNode again = api.get("/ngsi-ld/v1/info/sourceIdentity").tenant(tenant).send().json();
        assertThat(again.path("id").asText()).isEqualTo(identity.path("id").asText());
        assertThat(api.get("/ngsi-ld/v1/info/sourceIdentity").send().json().path("contextSourceAlias").asText())
                .as("another tenant is another source").isNotEqualTo(identity.path("contextSourceAlias").asText());
    }

    @Test
    void subscribersAreToldOfRegistrationsAsTheyComeChangeAndGo() throws InterruptedException {
        try (org.meridian.testing.NotificationReceiver receiver = new org.meridian.testing.NotificationReceiver()) {
            Api.Response created = api.post("/ngsi-ld/v1/csourceSubscriptions", """
                    {"type": "Subscription", "entities": [{"type": "AirQualityObserved"}],
                     "notification": {"endpoint": {"uri": "%s"}}, %s}""".formatted(receiver.url(), CITY))
                    .header("Content-Type", "application/ld+json").tenant(tenant).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(register("""
                    {"id": "urn:ngsi-ld:ContextSourceRegistration:water", "type": "ContextSourceRegistration",
                     "information": [{"entities": [{"type": "WaterQualityObserved"}]}], "endpoint": "https://water.example", %s}"""
                    .formatted(CITY)).status()).as("matches nothing: no notification").isEqualTo(201);
            assertThat(register(district("east", "116.30", ", \"contextSourceInfo\": [{\"key\": \"X-Api-Key\", \"value\": \"secret-key\"}]"))
                    .status()).isEqualTo(201);

            var first = receiver.await(1, java.time.Duration.ofSeconds(10)).getFirst();
            assertThat(first.body().path("subscriptionId").asText()).isEqualTo(created.header("Location").replaceAll(".*/", ""));
            assertThat(first.body().path("triggerReason").asText()).isEqualTo("newlyMatching");
            assertThat(first.body().path("data").get(0).path("id").asText()).isEqualTo("urn:ngsi-ld:ContextSourceRegistration:east");
            assertThat(first.body().toString()).as("credentials are not notified").doesNotContain("secret-key");

            assertThat(api.patch(BASE + "/urn:ngsi-ld:ContextSourceRegistration:east", "{\"registrationName\": \"East\"}")
                    .tenant(tenant).send().status()).isEqualTo(204);
            assertThat(receiver.await(2, java.time.Duration.ofSeconds(10)).get(1).body().path("triggerReason").asText()).isEqualTo("updated");
            assertThat(api.patch(BASE + "/urn:ngsi-ld:ContextSourceRegistration:east",
                    "{\"information\": [{\"entities\": [{\"type\": \"NoiseLevelObserved\"}]}]}").tenant(tenant).send().status()).isEqualTo(204);
            assertThat(receiver.await(3, java.time.Duration.ofSeconds(10)).get(2).body().path("triggerReason").asText())
                    .isEqualTo("noLongerMatching");

            // Kept once the receiver has answered, so a moment after it has the notification.
            JsonNode shown = api.get(created.header("Location")).tenant(tenant).send().json();
            for (int tries = 0; tries < 50 && shown.path("notification").path("timesSent").asInt() < 3; tries++) {
                Thread.sleep(100);
                shown = api.get(created.header("Location")).tenant(tenant).send().json();
            }
            assertThat(shown.path("notification").path("timesSent").asInt()).isEqualTo(3);
            assertThat(shown.path("notification").path("status").asText()).isEqualTo("ok");
            assertThat(shown.path("notification").has("lastSuccess")).isTrue();
        }
    }

    @Test
    void aSubscriptionToRegistrationsMayWatchTheirIntervals() {
        try (org.meridian.testing.NotificationReceiver receiver = new org.meridian.testing.NotificationReceiver()) {
            String subscription = """
                    {"type": "Subscription", "entities": [{"type": "AirQualityObserved"}],
                     "temporalQ": {"timerel": "after", "timeAt": "2024-06-01T00:00:00Z", "timeproperty": "observedAt"},
                     "notification": {"endpoint": {"uri": "%s"}}, %s}""".formatted(receiver.url(), CITY);
            Api.Response created = api.post("/ngsi-ld/v1/csourceSubscriptions", subscription)
                    .header("Content-Type", "application/ld+json").tenant(tenant).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(api.post("/ngsi-ld/v1/csourceSubscriptions", subscription.replace("\"after\"", "\"around\""))
                    .header("Content-Type", "application/ld+json").tenant(tenant).send().errorType()).isEqualTo("BadRequestData");

            // Observed through 2024: after June 2024 it is; a registration observed only in 2023 is not.
            assertThat(register(district("east", "116.30", "")).status()).isEqualTo(201);
            assertThat(register(district("west", "116.20", "").replace("2024-01-01", "2023-01-01").replace("2024-12-31", "2023-12-31"))
                    .status()).isEqualTo(201);

            var received = receiver.await(1, java.time.Duration.ofSeconds(10));
            assertThat(received.getFirst().body().path("type").asText()).isEqualTo("ContextSourceNotification");
            assertThat(received.getFirst().body().path("data").get(0).path("id").asText()).endsWith(":east");
        }
    }

    @Test
    void subscriptionsToRegistrationsAreTheSubscribersOwn() {
        String subscription = """
                {"id": "urn:ngsi-ld:Subscription:new-sources", "type": "Subscription",
                 "entities": [{"type": "AirQualityObserved"}],
                 "notification": {"endpoint": {"uri": "https://hooks.city.example/sources"}}}""";
        Api.Response created = api.post("/ngsi-ld/v1/csourceSubscriptions", subscription).tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        JsonNode shown = api.get(created.header("Location")).tenant(tenant).send().json();
        assertThat(shown.path("status").asText()).isEqualTo("active");
        assertThat(shown.has("isActive")).isFalse();
        assertThat(api.post("/ngsi-ld/v1/csourceSubscriptions", subscription).tenant(tenant).send().errorType()).isEqualTo("AlreadyExists");

        assertThat(api.patch(created.header("Location"), "{\"isActive\": false}").tenant(tenant).send().status()).isEqualTo(204);
        assertThat(api.get(created.header("Location")).tenant(tenant).send().json().path("status").asText()).isEqualTo("paused");
        assertThat(api.get("/ngsi-ld/v1/csourceSubscriptions").tenant(tenant).send().json()).hasSize(1);
        assertThat(api.post("/ngsi-ld/v1/csourceSubscriptions", "{\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}]}")
                .tenant(tenant).send().errorType()).as("no notification").isEqualTo("BadRequestData");
        assertThat(api.delete(created.header("Location")).tenant(tenant).send().status()).isEqualTo(204);
        assertThat(api.get(created.header("Location")).tenant(tenant).send().status()).isEqualTo(404);
    }
}
