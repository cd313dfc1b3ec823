package org.meridian.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.core.security.ReadScope;
import org.meridian.testing.Api;
import org.meridian.testing.NotificationReceiver;
import org.meridian.testing.TestServer;

/**
 * Every entity read goes through the read policy seam: with a policy that lets callers of one tenant see parkings but
 * not devices, and never a parking's operator notes, no read path shows a device or a note, or finds anything by them.
 * (Sharing, issue #20, contributes the real policies; this one stands in for it.)
 */
class ReadPolicyTest {
    private static final String DEFAULT = "https://uri.etsi.org/ngsi-ld/default-context/";
    private static final String PARKING = "urn:ngsi-ld:OffStreetParking:p1";
    private static final String DEVICE = "urn:ngsi-ld:Device:d1";

    private final Api api = TestServer.api();
    private final String tenant = TestServer.newTenant();
    private NotificationReceiver receiver;

    @BeforeEach
    void restrictThisTenant() {
        TestServer.services().require(ReadPolicies.class).add(caller -> caller.tenant().equals(tenant)
                ? ReadScope.of(DEFAULT + "OffStreetParking", ReadScope.View.except(Set.of(DEFAULT + "operatorNotes"))) : ReadScope.ALL);
        receiver = new NotificationReceiver();
        assertThat(send(api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "OffStreetParking"}, {"type": "Device"}],
                 "notification": {"format": "keyValues", "endpoint": {"uri": "%s"}}}""".formatted(receiver.url()))).status())
                .isEqualTo(201);
        // Writing is not reading: the policy governs what is seen, not what may be stored.
        assertThat(send(api.post("/ngsi-ld/v1/entities", """
                {"id": "%s", "type": "OffStreetParking", "availableSpotNumber": 12, "operatorNotes": "gate 3 broken"}"""
                .formatted(PARKING))).status()).isEqualTo(201);
        assertThat(send(api.post("/ngsi-ld/v1/entities", """
                {"id": "%s", "type": "Device", "batteryLevel": 0.8}""".formatted(DEVICE))).status()).isEqualTo(201);
    }

    @AfterEach
    void close() {
        receiver.close();
    }

    private Api.Response send(Api.Request request) {
        return request.tenant(tenant).send();
    }

    private JsonNode ok(Api.Request request) {
        Api.Response response = send(request);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    @Test
    void retrieveShowsNeitherAHiddenTypeNorAHiddenAttribute() {
        assertThat(send(api.get("/ngsi-ld/v1/entities/" + DEVICE)).status()).isEqualTo(404);
        JsonNode parking = ok(api.get("/ngsi-ld/v1/entities/" + PARKING));
        assertThat(parking.path("availableSpotNumber").path("value").asInt()).isEqualTo(12);
        assertThat(parking.has("operatorNotes")).isFalse();
    }

    @Test
    void queriesNeitherReturnNorMatchWhatIsHidden() {
        assertThat(ok(api.get("/ngsi-ld/v1/entities?type=Device"))).isEmpty();
        assertThat(ok(api.get("/ngsi-ld/v1/entities?type=OffStreetParking,Device"))).extracting(e -> e.path("id").asText())
                .containsExactly(PARKING);
        assertThat(ok(api.get("/ngsi-ld/v1/entities?type=OffStreetParking")).get(0).has("operatorNotes")).isFalse();
        // A filter on a hidden attribute finds nothing: the attribute is not there for this caller.
        assertThat(ok(api.get("/ngsi-ld/v1/entities?type=OffStreetParking&q=operatorNotes==%22gate%203%20broken%22"))).isEmpty();
        assertThat(ok(api.get("/ngsi-ld/v1/entities?attrs=operatorNotes&local=true"))).isEmpty();
        assertThat(ok(api.get("/ngsi-ld/v1/entities?type=OffStreetParking&q=availableSpotNumber==12"))).hasSize(1);
        Api.Response counted = send(api.get("/ngsi-ld/v1/entities?local=true&count=true"));
        assertThat(counted.header("NGSILD-Results-Count")).isEqualTo("1");
    }

    @Test
    void theTemporalApiShowsNoHiddenHistory() {
        assertThat(send(api.get("/ngsi-ld/v1/temporal/entities/" + DEVICE)).status()).isEqualTo(404);
        JsonNode history = ok(api.get("/ngsi-ld/v1/temporal/entities/" + PARKING));
        assertThat(history.has("availableSpotNumber")).isTrue();
        assertThat(history.has("operatorNotes")).isFalse();
        assertThat(ok(api.get("/ngsi-ld/v1/temporal/entities?type=Device"))).isEmpty();
        assertThat(ok(api.get("/ngsi-ld/v1/temporal/entities?type=OffStreetParking")).get(0).has("operatorNotes")).isFalse();
    }

    @Test
    void discoveryListsOnlyWhatMayBeSeen() {
        JsonNode types = ok(api.get("/ngsi-ld/v1/types"));
        assertThat(types.path("typeList").toString()).contains("OffStreetParking").doesNotContain("Device");
        JsonNode attributes = ok(api.get("/ngsi-ld/v1/attributes"));
        assertThat(attributes.path("attributeList").toString()).contains("availableSpotNumber")
                .doesNotContain("operatorNotes").doesNotContain("batteryLevel");
    }

    @Test
    void notificationsCarryOnlyWhatTheSubscriberMaySee() {
        assertThat(send(api.patch("/ngsi-ld/v1/entities/" + DEVICE + "/attrs", "{\"batteryLevel\": 0.7}")).status()).isEqualTo(204);
        assertThat(send(api.patch("/ngsi-ld/v1/entities/" + PARKING + "/attrs", "{\"operatorNotes\": \"fixed\"}")).status())
                .isEqualTo(204);
        assertThat(send(api.patch("/ngsi-ld/v1/entities/" + PARKING + "/attrs", "{\"availableSpotNumber\": 11}")).status())
                .isEqualTo(204);
        // One queue per subscription, delivered in order: once the last change is notified, any before it would have been.
        List<NotificationReceiver.Received> received = receiver.await(2, Duration.ofSeconds(20));
        assertThat(received).extracting(r -> r.body().path("data").get(0).path("availableSpotNumber").asInt())
                .containsExactly(12, 11);
        assertThat(received).allSatisfy(r -> {
            assertThat(r.body().path("data").get(0).path("id").asText()).isEqualTo(PARKING);
            assertThat(r.body().path("data").get(0).has("operatorNotes")).isFalse();
        });
    }
}
