package org.meridian.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.NotificationReceiver;
import org.meridian.testing.TestServer;

/** Credentials a client stores are used, never read back. */
class StoredSecretsTest {
    private final Api api = TestServer.api();

    @Test
    void aSubscriptionsCredentialsAreMaskedToReadersAndStillSentToTheReceiver() {
        String tenant = TestServer.newTenant();
        try (NotificationReceiver receiver = new NotificationReceiver()) {
            String uri = receiver.url().replace("http://", "http://notifier:pa55word@");
            Api.Response created = api.post("/ngsi-ld/v1/subscriptions", """
                    {"type": "Subscription", "entities": [{"type": "Pump"}],
                     "notification": {"endpoint": {"uri": "%s", "receiverInfo": [
                        {"key": "Authorization", "value": "Bearer t0ken"}, {"key": "X-District", "value": "Old-Town"}]}}}"""
                    .formatted(uri)).tenant(tenant).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);

            String listed = api.get("/ngsi-ld/v1/subscriptions").tenant(tenant).send().body();
            assertThat(listed).doesNotContain("pa55word").doesNotContain("t0ken").contains("Old-Town").contains("notifier:********@");
            JsonNode one = api.get(created.header("Location")).tenant(tenant).send().json();
            assertThat(one.path("notification").path("endpoint").path("receiverInfo").get(0).path("value").asText())
                    .isEqualTo("********");

            api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Pump:1\", \"type\": \"Pump\"}").tenant(tenant).send();
            NotificationReceiver.Received received = receiver.await(1, Duration.ofSeconds(15)).getFirst();
            assertThat(received.header("Authorization")).isEqualTo("Bearer t0ken");
        }
    }
}
