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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Server-sent events: the notifications of an sse: subscription, for the web pages. */
@Tag("clause-5.8")
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + path)).header("Accept", "text/event-stream").header("Authorization", api.authorization()).build();
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
    void everyClientOfOneSubscriptionGetsEveryNotificationAndAResumingClientCarriesOn() throws Exception {
        String tenant = TestServer.newTenant();
        String path = streamSubscription(tenant);
        List<HttpResponse<java.io.InputStream>> clients = new ArrayList<>();
        List<CompletableFuture<List<Event>>> received = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<java.io.InputStream> response = open(path, null);
            clients.add(response);
            received.add(CompletableFuture.supplyAsync(() -> readEvents(response, 20)));
        }
        for (int i = 0; i < 20; i++) {
            api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Alarm:" + i + "\", \"type\": \"Alarm\"}").tenant(tenant).send();
        }

        List<String> expected = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "urn:ngsi-ld:Alarm:" + i).toList();
        for (CompletableFuture<List<Event>> events : received) {
            assertThat(events.get(20, TimeUnit.SECONDS)).extracting(Event::entityId).containsExactlyElementsOf(expected);
        }
        clients.forEach(response -> closeQuietly(response));

        String tenth = received.getFirst().get().get(9).id();
        HttpResponse<java.io.InputStream> resumed = open(path, tenth);
        assertThat(readEvents(resumed, 10)).extracting(Event::entityId).containsExactlyElementsOf(expected.subList(10, 20));
        closeQuietly(resumed);
    }

    @Test
    void aClientThatFellBehindWhatIsKeptIsToldWhatItMissed() throws Exception {
        String tenant = TestServer.newTenant();
        String path = streamSubscription(tenant);
        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Alarm:1\", \"type\": \"Alarm\"}").tenant(tenant).send();
        HttpResponse<java.io.InputStream> first = open(path, null);
        String seen = readEvents(first, 1).getFirst().id();
        closeQuietly(first);
        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Alarm:2\", \"type\": \"Alarm\"}").tenant(tenant).send();
        awaitQueued(tenant, 2);
        try (java.sql.Connection connection = TestServer.dataSource().getConnection()) {
            new org.meridian.broker.store.NotificationStore().trimStreams(connection, Duration.ZERO, 10_000);
        }
        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Alarm:3\", \"type\": \"Alarm\"}").tenant(tenant).send();

        HttpResponse<java.io.InputStream> resumed = open(path, seen);
        List<Event> events = readEvents(resumed, 2);
        closeQuietly(resumed);
        assertThat(events.getFirst().name()).isEqualTo("missed");
        assertThat(events.get(1).entityId()).isEqualTo("urn:ngsi-ld:Alarm:3");
    }

    private String streamSubscription(String tenant) {
        Api.Response created = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Alarm"}], "notification": {"endpoint": {"uri": "sse:screens"}}}""")
                .tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.header("Location") + "/stream?tenant=" + tenant;
    }

    private void awaitQueued(String tenant, int count) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (java.sql.Connection connection = TestServer.dataSource().getConnection();
                 var select = connection.prepareStatement("SELECT count(*) FROM notification WHERE tenant = ?")) {
                select.setString(1, tenant);
                try (var result = select.executeQuery()) {
                    result.next();
                    if (result.getInt(1) >= count) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the notifications were not queued");
    }

    private HttpResponse<java.io.InputStream> open(String path, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + path)).header("Accept", "text/event-stream").header("Authorization", api.authorization());
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static void closeQuietly(HttpResponse<java.io.InputStream> response) {
        try {
            response.body().close();
        } catch (java.io.IOException e) {
            // the stream is gone either way
        }
    }

    /** One server-sent event: its name, id and, for notifications, the entity it is about. */
    private record Event(String name, String id, String entityId) {
    }

    private static List<Event> readEvents(HttpResponse<java.io.InputStream> response, int count) {
        List<Event> events = new ArrayList<>();
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            String name = null;
            String id = null;
            for (String line = reader.readLine(); line != null && events.size() < count; line = reader.readLine()) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    JsonNode data = Api.parse(line.substring(5).trim());
                    events.add(new Event(name, id, data.path("data").path(0).path("id").asText(null)));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return events;
    }

    @Test
    void onlyStreamSubscriptionsCanBeStreamed() {
        String tenant = TestServer.newTenant();
        Api.Response created = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Alarm"}], "notification": {"endpoint": {"uri": "http://127.0.0.1:9/x"}}}""")
                .tenant(tenant).send();

        Api.Response refused = api.get(created.header("Location") + "/stream").tenant(tenant).accept("text/event-stream").send();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorType()).isEqualTo("BadRequestData");
        assertThat(api.get("/ngsi-ld/v1/subscriptions/urn:ngsi-ld:Subscription:none/stream").tenant(tenant).send().status()).isEqualTo(404);

        String stream = streamSubscription(tenant).replaceFirst("\\?tenant=.*", "");
        Api.Response withoutAccept = api.get(stream).tenant(tenant).send();
        assertThat(withoutAccept.status()).as("not an empty 200").isEqualTo(406);
        assertThat(withoutAccept.json().path("detail").asText()).contains("text/event-stream");
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
