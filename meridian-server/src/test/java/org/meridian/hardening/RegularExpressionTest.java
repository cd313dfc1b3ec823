package org.meridian.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.NotificationReceiver;
import org.meridian.testing.TestServer;

/**
 * Client-supplied regular expressions cost time linear in the text they match: a pattern that makes a backtracking
 * engine run for ages (here {@code (a|aa)+$} against 60 a's and a '!') neither stalls the write it is matched in nor
 * anything else. Constructs only a backtracking engine has are refused up front.
 */
class RegularExpressionTest {
    private static final String EXPONENTIAL = "(a|aa)+$";
    private final Api api = TestServer.api();

    @Test
    void aSubscriptionsPatternCannotStallTheWriteItIsMatchedIn() {
        String tenant = TestServer.newTenant();
        try (NotificationReceiver receiver = new NotificationReceiver()) {
            Api.Response subscribed = api.post("/ngsi-ld/v1/subscriptions", """
                    {"type": "Subscription", "entities": [{"type": "Road", "idPattern": "urn:ngsi-ld:Road:(x|xx)+$"}],
                     "q": "name~=\\"%s\\"",
                     "notification": {"endpoint": {"uri": "%s", "accept": "application/json"}}}"""
                    .formatted(EXPONENTIAL, receiver.url())).tenant(tenant).send();
            assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);

            String slow = "a".repeat(60) + "!";
            Api.Response created = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> api.post("/ngsi-ld/v1/entities",
                    "{\"id\": \"urn:ngsi-ld:Road:" + "x".repeat(60) + "!\", \"type\": \"Road\", \"name\": \"" + slow + "\"}")
                    .tenant(tenant).send());
            assertThat(created.status()).as(created.toString()).isEqualTo(201);

            api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Road:xxx\", \"type\": \"Road\", \"name\": \"aaaa\"}")
                    .tenant(tenant).send();
            assertThat(receiver.await(1, Duration.ofSeconds(15)).getFirst().body().path("data").get(0).path("id").asText())
                    .isEqualTo("urn:ngsi-ld:Road:xxx");
        }
    }

    @Test
    void aQueryPatternIsMatchedInLinearTime() {
        String tenant = TestServer.newTenant();
        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Road:1\", \"type\": \"Road\", \"name\": \""
                + "a".repeat(60) + "!\"}").tenant(tenant).send();
        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Road:2\", \"type\": \"Road\", \"name\": \"aaa\"}")
                .tenant(tenant).send();

        Api.Response found = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> api.get("/ngsi-ld/v1/entities?type=Road&q="
                + URLEncoder.encode("name~=\"" + EXPONENTIAL + "\"", StandardCharsets.UTF_8)).tenant(tenant).send());

        assertThat(found.status()).as(found.toString()).isEqualTo(200);
        assertThat(found.json()).hasSize(1);
        assertThat(found.json().get(0).path("id").asText()).isEqualTo("urn:ngsi-ld:Road:2");
    }

    @Test
    void backreferencesAndLookaroundAreRefusedWithTheReason() {
        String tenant = TestServer.newTenant();
        Api.Response query = api.get("/ngsi-ld/v1/entities?type=Road&q="
                + URLEncoder.encode("name~=\"(a+)\\\\1\"", StandardCharsets.UTF_8)).tenant(tenant).send();
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.errorType()).isEqualTo("BadRequestData");
        assertThat(query.json().path("detail").asText()).contains("RE2 syntax");

        Api.Response idPattern = api.get("/ngsi-ld/v1/entities?type=Road&idPattern="
                + URLEncoder.encode("urn:(?=x).*", StandardCharsets.UTF_8)).tenant(tenant).send();
        assertThat(idPattern.status()).isEqualTo(400);
        assertThat(idPattern.json().path("detail").asText()).contains("idPattern");

        Api.Response subscription = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Road", "idPattern": "(a)\\\\1"}],
                 "notification": {"endpoint": {"uri": "http://127.0.0.1:9/notify"}}}""").tenant(tenant).send();
        assertThat(subscription.status()).isEqualTo(400);
        assertThat(subscription.json().path("detail").asText()).contains("entities.idPattern");
    }
}
