package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Server-sent events: the notifications of an sse: subscription, for the web pages. */
class NotificationStreamTest {
    private final Api api = TestServer.api();

    @Test
    void notificationsQueuedBeforeAndAfterConnectingAreStreamedInOrder() throws Exception {
        String tenant = TestServer.newTenant();
        Api.Response created = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Alarm"}], "notification": {"endpoint": {"uri": "sse:operations-centre"}}}""")
                .tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String path = created.header("Location") + "/stream?tenant=" + tenant;
        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Alarm:1\", \"type\": \"Alarm\", \"severity\": \"high\"}").tenant(tenant).send();

        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + path)).header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        CompletableFuture<List<JsonNode>> events = CompletableFuture.supplyAsync(() -> readNotifications(response, 2));
        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Alarm:2\", \"type\": \"Alarm\", \"severity\": \"low\"}").tenant(tenant).send();

        List<JsonNode> notifications = events.get(20, TimeUnit.SECONDS);
        assertThat(notifications).extracting(n -> n.path("data").get(0).path("id").asText())
                .containsExactly("urn:ngsi-ld:Alarm:1", "urn:ngsi-ld:Alarm:2");
        response.body().close();
    }

    @Test
    void onlyStreamSubscriptionsCanBeStreamed() {
        String tenant = TestServer.newTenant();
        Api.Response created = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Alarm"}], "notification": {"endpoint": {"uri": "http://127.0.0.1:9/x"}}}""")
                .tenant(tenant).send();

        Api.Response refused = api.get(created.header("Location") + "/stream").tenant(tenant).send();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorType()).isEqualTo("BadRequestData");
        assertThat(api.get("/ngsi-ld/v1/subscriptions/urn:ngsi-ld:Subscription:none/stream").tenant(tenant).send().status()).isEqualTo(404);
    }

    private static List<JsonNode> readNotifications(HttpResponse<java.io.InputStream> response, int count) {
        List<JsonNode> notifications = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = reader.readLine(); line != null && notifications.size() < count; line = reader.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:") && "notification".equals(event)) {
                    notifications.add(Api.parse(line.substring(5).trim()));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return notifications;
    }
}
