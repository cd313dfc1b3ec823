package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.meridian.testing.Api;
import org.meridian.testing.NotificationReceiver;
import org.meridian.testing.TestServer;

/** Clause 5.8 subscriptions and 5.3 notifications, delivered over HTTP to a real receiver. */
@Tag("clause-5.8")
class SubscriptionTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final Api api = TestServer.api();
    private final NotificationReceiver receiver = new NotificationReceiver();
    private String tenant;

    @BeforeEach
    void tenant() {
        tenant = TestServer.newTenant();
        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Streetlight:0\", \"type\": \"Streetlight\"}").tenant(tenant).send();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private String subscribe(String extra) {
        Api.Response response = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Streetlight"}], %s
                 "notification": {"endpoint": {"uri": "%s", "accept": "application/json"}}}""".formatted(extra, receiver.url()))
                .tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.header("Location").substring("/ngsi-ld/v1/subscriptions/".length());
    }

    private void create(String body) {
        assertThat(api.post("/ngsi-ld/v1/entities", body).tenant(tenant).send().status()).isEqualTo(201);
    }

    private void patch(String id, String body) {
        Api.Response response = api.patch("/ngsi-ld/v1/entities/" + id + "/attrs", body).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(204);
    }

    @Test
    void createdSubscriptionIsShownWithItsState() {
        String id = subscribe("\"watchedAttributes\": [\"status\"],");

        JsonNode subscription = api.get("/ngsi-ld/v1/subscriptions/" + id).tenant(tenant).send().json();
        assertThat(subscription.path("id").asText()).isEqualTo(java.net.URLDecoder.decode(id, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(subscription.path("status").asText()).isEqualTo("active");
        assertThat(subscription.path("watchedAttributes").get(0).asText()).isEqualTo("status");
        assertThat(subscription.path("notification").has("timesSent")).as("nothing sent yet: no counter").isFalse();
        assertThat(subscription.path("notificationTrigger").toString()).isEqualTo("[\"attributeCreated\",\"attributeUpdated\"]");
        assertThat(api.get("/ngsi-ld/v1/subscriptions").tenant(tenant).send().json()).hasSize(1);

        assertThat(api.delete("/ngsi-ld/v1/subscriptions/" + id).tenant(tenant).send().status()).isEqualTo(204);
        assertThat(api.get("/ngsi-ld/v1/subscriptions/" + id).tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void aSubscriptionIsShownInTheTermsOfTheReadersContext() {
        Api.Response created = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Streetlight"}], "watchedAttributes": ["powerState"],
                 "notification": {"attributes": ["powerState"], "endpoint": {"uri": "%s"}},
                 "@context": {"Streetlight": "https://example.org/city#Streetlight", "powerState": "https://example.org/city#powerState"}}"""
                .formatted(receiver.url())).header("Content-Type", "application/ld+json").tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        JsonNode shown = api.get(created.header("Location")).tenant(tenant).send().json();
        assertThat(shown.path("entities").get(0).path("type").asText()).as("no context: full IRIs").isEqualTo("https://example.org/city#Streetlight");
        assertThat(shown.path("watchedAttributes").get(0).asText()).isEqualTo("https://example.org/city#powerState");
        assertThat(shown.path("notification").path("attributes").get(0).asText()).isEqualTo("https://example.org/city#powerState");
    }

    @Test
    void watchedAttributeChangesAreNotifiedInOrderAndOthersAreNot() {
        subscribe("\"watchedAttributes\": [\"status\"],");
        create("{\"id\": \"urn:ngsi-ld:Streetlight:1\", \"type\": \"Streetlight\", \"status\": \"on\", \"power\": 50}");
        patch("urn:ngsi-ld:Streetlight:1", "{\"power\": 55}");
        patch("urn:ngsi-ld:Streetlight:1", "{\"status\": \"off\"}");

        List<NotificationReceiver.Received> received = receiver.await(2, WAIT);
        assertThat(received).hasSize(2);
        JsonNode first = received.get(0).body();
        assertThat(first.path("type").asText()).isEqualTo("Notification");
        assertThat(first.path("data").get(0).path("id").asText()).isEqualTo("urn:ngsi-ld:Streetlight:1");
        assertThat(first.path("data").get(0).path("status").path("value").asText()).isEqualTo("on");
        assertThat(received.get(1).body().path("data").get(0).path("status").path("value").asText()).isEqualTo("off");
        assertThat(received.get(1).header("NGSILD-Tenant")).isEqualTo(tenant);
        assertThat(received.get(1).header("Link")).contains("ngsi-ld-core-context");
    }

    @Test
    void qSelectsWhichChangesAreNotifiedAndFormatShapesThem() {
        subscribe("\"q\": \"status==\\\"broken\\\"\",");
        create("{\"id\": \"urn:ngsi-ld:Streetlight:2\", \"type\": \"Streetlight\", \"status\": \"on\"}");
        patch("urn:ngsi-ld:Streetlight:2", "{\"status\": \"broken\"}");

        List<NotificationReceiver.Received> received = receiver.await(1, WAIT);
        assertThat(received.getFirst().body().path("data").get(0).path("status").path("value").asText()).isEqualTo("broken");
    }

    @Test
    void anUpdatedOrPausedSubscriptionIsMatchedAsItIsNowFromTheNextWrite() throws InterruptedException {
        String id = subscribe("\"q\": \"power>50\",");
        create("{\"id\": \"urn:ngsi-ld:Streetlight:5\", \"type\": \"Streetlight\", \"power\": 60}");
        assertThat(receiver.await(1, WAIT)).hasSize(1);

        assertThat(api.patch("/ngsi-ld/v1/subscriptions/" + id, "{\"q\": \"power<10\"}").tenant(tenant).send().status())
                .isEqualTo(204);
        patch("urn:ngsi-ld:Streetlight:5", "{\"power\": 70}"); // matched the old q, not the new one
        patch("urn:ngsi-ld:Streetlight:5", "{\"power\": 5}");
        assertThat(receiver.await(2, WAIT)).hasSize(2);

        assertThat(api.patch("/ngsi-ld/v1/subscriptions/" + id, "{\"isActive\": false}").tenant(tenant).send().status())
                .isEqualTo(204);
        patch("urn:ngsi-ld:Streetlight:5", "{\"power\": 4}"); // paused: not notified, now or later
        assertThat(api.patch("/ngsi-ld/v1/subscriptions/" + id, "{\"isActive\": true}").tenant(tenant).send().status())
                .isEqualTo(204);
        patch("urn:ngsi-ld:Streetlight:5", "{\"power\": 3}");
        patch("urn:ngsi-ld:Streetlight:5", "{\"power\": 2}");
        // A subscription's notifications arrive in order: once the last is in, nothing queued before it is still to come.
        receiver.await(4, WAIT);
        assertThat(receiver.received()).extracting(r -> r.body().path("data").get(0).path("power").path("value").asInt())
                .containsExactly(60, 5, 3, 2);
    }

    @Test
    void keyValuesAndNotifiedAttributes() {
        Api.Response response = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Streetlight", "idPattern": "^urn:ngsi-ld:Streetlight:3$"}],
                 "notification": {"attributes": ["status"], "format": "keyValues",
                                  "endpoint": {"uri": "%s", "receiverInfo": [{"key": "X-City", "value": "Haidian"}]}}}"""
                .formatted(receiver.url())).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        create("{\"id\": \"urn:ngsi-ld:Streetlight:3\", \"type\": \"Streetlight\", \"status\": \"on\", \"power\": 7}");

        NotificationReceiver.Received received = receiver.await(1, WAIT).getFirst();
        assertThat(received.body().path("data").get(0).toString()).isEqualTo(
                "{\"id\":\"urn:ngsi-ld:Streetlight:3\",\"type\":\"Streetlight\",\"status\":\"on\"}");
        assertThat(received.header("X-City")).isEqualTo("Haidian");
    }

    @Test
    void deletionIsNotifiedWhenAskedFor() {
        subscribe("\"notificationTrigger\": [\"entityDeleted\"],");
        create("{\"id\": \"urn:ngsi-ld:Streetlight:4\", \"type\": \"Streetlight\", \"status\": \"on\"}");
        api.delete("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:4").tenant(tenant).send();

        JsonNode data = receiver.await(1, WAIT).getFirst().body().path("data").get(0);
        assertThat(data.path("id").asText()).isEqualTo("urn:ngsi-ld:Streetlight:4");
        assertThat(data.has("deletedAt")).isTrue();
    }

    @Test
    void batchWritesAreNotifiedPerEntity() {
        subscribe("");
        api.post("/ngsi-ld/v1/entityOperations/upsert", """
                [{"id": "urn:ngsi-ld:Streetlight:5", "type": "Streetlight", "status": "on"},
                 {"id": "urn:ngsi-ld:Streetlight:6", "type": "Streetlight", "status": "on"}]""").tenant(tenant).send();

        assertThat(receiver.await(2, WAIT)).extracting(r -> r.body().path("data").get(0).path("id").asText())
                .containsExactlyInAnyOrder("urn:ngsi-ld:Streetlight:5", "urn:ngsi-ld:Streetlight:6");
    }

    @Test
    void aFailingReceiverIsCountedAndMarkedFailedWhileOthersStillReceive() {
        NotificationReceiver healthy = new NotificationReceiver();
        try {
            receiver.answerWith(500);
            String failing = subscribe("");
            api.post("/ngsi-ld/v1/subscriptions", """
                    {"type": "Subscription", "entities": [{"type": "Streetlight"}],
                     "notification": {"endpoint": {"uri": "%s"}}}""".formatted(healthy.url())).tenant(tenant).send();
            create("{\"id\": \"urn:ngsi-ld:Streetlight:7\", \"type\": \"Streetlight\", \"status\": \"on\"}");

            assertThat(healthy.await(1, WAIT)).hasSize(1);
            receiver.await(2, WAIT);
            JsonNode state = awaitStatus(failing, "failed");
            assertThat(state.path("notification").path("timesFailed").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(state.path("notification").has("lastFailure")).isTrue();

            receiver.answerWith(204);
            api.patch("/ngsi-ld/v1/subscriptions/" + failing, "{\"isActive\": true}").tenant(tenant).send();
            assertThat(awaitStatus(failing, "active").path("status").asText()).isEqualTo("active");
        } finally {
            healthy.close();
        }
    }

    @Test
    void subscriptionsDeletedWhileTheirNotificationsAreDeliveredAreDeletedCleanly() throws Exception {
        // Deletion takes the queue and then the subscription; so do the sender's bookkeeping statements. Taken in
        // the other order, a deletion in the middle of deliveries deadlocked (a 500 for the user).
        for (int round = 0; round < 5; round++) {
            String id = subscribe("\"watchedAttributes\": [\"seq\"],");
            var writer = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            for (int i = 0; i < 40; i++) {
                int value = round * 100 + i;
                writer.submit(() -> setSeq(value));
            }
            receiver.await(round * 40 + 5, WAIT); // deliveries under way
            Api.Response deleted = api.delete("/ngsi-ld/v1/subscriptions/" + id).tenant(tenant).send();
            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
            writer.close();
            assertThat(api.get("/ngsi-ld/v1/subscriptions/" + id).tenant(tenant).send().status()).isEqualTo(404);
        }
    }

    @Test
    void aReceiverThatNeverAnswersIsRecordedAsFailingAfterTheTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, read from never, answered never
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            Api.Response created = api.post("/ngsi-ld/v1/subscriptions", """
                    {"type": "Subscription", "entities": [{"type": "Streetlight"}],
                     "notification": {"endpoint": {"uri": "http://127.0.0.1:%d/notify"}}}""".formatted(silent.getLocalPort()))
                    .tenant(tenant).send();
            String id = created.header("Location").substring("/ngsi-ld/v1/subscriptions/".length());
            create("{\"id\": \"urn:ngsi-ld:Streetlight:8\", \"type\": \"Streetlight\", \"status\": \"on\"}");

            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            JsonNode notification;
            do {
                Thread.sleep(200);
                notification = api.get("/ngsi-ld/v1/subscriptions/" + id).tenant(tenant).send().json().path("notification");
            } while (notification.path("timesFailed").asInt() == 0 && System.nanoTime() < deadline);
            assertThat(notification.path("timesFailed").asInt()).as(notification.toString()).isGreaterThanOrEqualTo(1);
            assertThat(notification.has("lastFailure")).isTrue();
            assertThat(notification.has("lastSuccess")).as("never delivered").isFalse();
            for (java.net.Socket socket : held) {
                socket.close();
            }
        }
    }

    private void setSeq(int value) {
        assertThat(api.post("/ngsi-ld/v1/entityOperations/upsert?options=update", """
                [{"id": "urn:ngsi-ld:Streetlight:0", "type": "Streetlight", "seq": {"type": "Property", "value": %d}}]"""
                .formatted(value)).tenant(tenant).send().status()).isEqualTo(204);
    }

    private List<Integer> receivedSeqs() {
        return receiver.received().stream().map(r -> r.body().path("data").get(0).path("seq").path("value").asInt()).toList();
    }

    @Test
    void aNotificationWaitingForItsRetryIsNotOvertakenByLaterOnes() throws InterruptedException {
        subscribe("\"watchedAttributes\": [\"seq\"],");
        receiver.failNext(1);
        setSeq(1);
        receiver.await(1, WAIT); // refused: the first now waits a second for its retry
        setSeq(2);
        setSeq(3); // both queued while it waits: they had the whole retry interval to overtake it
        receiver.await(4, WAIT);
        List<Integer> attempts = new java.util.ArrayList<>();
        for (int seq : receivedSeqs()) {
            if (attempts.isEmpty() || attempts.getLast() != seq) {
                attempts.add(seq); // retries of one notification count once
            }
        }
        assertThat(attempts).as("attempts in order, retries folded").containsExactly(1, 2, 3);
    }

    @Test
    void aDeletedSubscriptionTakesItsQueueWithIt() throws Exception {
        String id = "urn:ngsi-ld:Subscription:" + tenant + ":reused";
        subscribe("\"id\": \"" + id + "\", \"watchedAttributes\": [\"seq\"],");
        receiver.answerWith(500);
        setSeq(1);
        receiver.await(1, WAIT); // refused: now queued for its retry
        assertThat(api.delete("/ngsi-ld/v1/subscriptions/" + id).tenant(tenant).send().status()).isEqualTo(204);

        receiver.answerWith(204);
        subscribe("\"id\": \"" + id + "\", \"watchedAttributes\": [\"seq\"],");
        setSeq(2);
        receiver.await(2, WAIT);
        // The refused notification went with its subscription, so no retry of it can come later.
        try (java.sql.Connection connection = TestServer.dataSource().getConnection();
             java.sql.PreparedStatement count = connection.prepareStatement("""
                     SELECT count(*) FROM notification n WHERE n.tenant = ? AND n.subscription_id = ? AND n.subscription_created_at
                       IS DISTINCT FROM (SELECT s.created_at FROM subscription s WHERE s.tenant = n.tenant AND s.id = n.subscription_id)""")) {
            count.setString(1, tenant);
            count.setString(2, id);
            try (java.sql.ResultSet rows = count.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).as("queued for the deleted subscription").isZero();
            }
        }
        assertThat(receivedSeqs()).as("the old subscription's notification is not sent to the new one").containsExactly(1, 2);
    }

    /**
     * A write that matched a subscription while it was deleted and created again under the same id queues a
     * notification rendered for the old definition: staged here as such a row. It is never delivered to the new
     * subscription, and the sweep removes it.
     */
    @Test
    void aNotificationQueuedForAnEarlierSubscriptionOfTheSameIdIsNeverDelivered() throws Exception {
        String id = "urn:ngsi-ld:Subscription:" + tenant + ":again";
        subscribe("\"id\": \"" + id + "\", \"watchedAttributes\": [\"seq\"],");
        try (java.sql.Connection connection = TestServer.dataSource().getConnection();
             java.sql.PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO notification (tenant, subscription_id, subscription_created_at, payload) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, tenant);
            insert.setString(2, id);
            insert.setTimestamp(3, java.sql.Timestamp.from(java.time.Instant.parse("2020-01-01T00:00:00Z")));
            insert.setString(4, """
                    {"id": "urn:ngsi-ld:Notification:old-definition", "type": "Notification", "subscriptionId": "%s",
                     "data": [{"id": "urn:ngsi-ld:Streetlight:0", "type": "Streetlight", "seq": {"type": "Property", "value": -1}}]}"""
                    .formatted(id));
            insert.executeUpdate();
        }

        setSeq(1); // queued behind the staged row
        setSeq(2);
        // Delivered in queue order: had the staged row (queued first) been sent, it would have come before these.
        receiver.await(2, WAIT);
        assertThat(receivedSeqs()).containsExactly(1, 2);
        try (java.sql.Connection connection = TestServer.dataSource().getConnection()) {
            new org.meridian.broker.store.NotificationStore().deleteOrphans(connection);
            try (java.sql.PreparedStatement count = connection.prepareStatement(
                    "SELECT count(*) FROM notification WHERE tenant = ? AND subscription_id = ? AND subscription_created_at < '2021-01-01'")) {
                count.setString(1, tenant);
                count.setString(2, id);
                try (java.sql.ResultSet rows = count.executeQuery()) {
                    rows.next();
                    assertThat(rows.getInt(1)).as("left in the queue after the sweep").isZero();
                }
            }
        }
    }

    @Test
    void throttlingAlsoHoldsNotificationsQueuedAfterTheLastDelivery() throws InterruptedException {
        subscribe("\"watchedAttributes\": [\"seq\"], \"throttling\": 2,");
        setSeq(1);
        receiver.await(1, WAIT);
        long first = System.nanoTime();
        setSeq(2);
        receiver.await(2, WAIT);
        // A lower bound only: a slow machine can make the gap longer, never shorter.
        assertThat(Duration.ofNanos(System.nanoTime() - first)).isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
        assertThat(receivedSeqs()).containsExactly(1, 2);
    }

    private JsonNode awaitStatus(String id, String status) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode state;
        do {
            state = api.get("/ngsi-ld/v1/subscriptions/" + id).tenant(tenant).send().json();
            if (state.path("status").asText().equals(status)) {
                return state;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("subscription never reached status " + status + ": " + state);
    }

    @Test
    void showChangesCarriesThePreviousValues() {
        create("""
                {"id": "urn:ngsi-ld:Streetlight:9", "type": "Streetlight", "status": "on", "power": {"type": "Property", "value": 50, "unitCode": "WTT"},
                 "refDevice": {"type": "Relationship", "object": "urn:ngsi-ld:Device:1"}}""");
        api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Streetlight"}], "watchedAttributes": ["power", "refDevice"],
                 "notification": {"showChanges": true, "endpoint": {"uri": "%s"}}}""".formatted(receiver.url())).tenant(tenant).send();
        patch("urn:ngsi-ld:Streetlight:9", "{\"power\": {\"type\": \"Property\", \"value\": 35}, "
                + "\"refDevice\": {\"type\": \"Relationship\", \"object\": \"urn:ngsi-ld:Device:2\"}}");
        patch("urn:ngsi-ld:Streetlight:9", "{\"status\": \"off\", \"power\": 0}");

        List<NotificationReceiver.Received> received = receiver.await(2, WAIT);
        JsonNode first = received.get(0).body().path("data").get(0);
        assertThat(first.path("power").path("value").asInt()).isEqualTo(35);
        assertThat(first.path("power").path("previousValue").asInt()).isEqualTo(50);
        assertThat(first.path("refDevice").path("previousObject").asText()).isEqualTo("urn:ngsi-ld:Device:1");
        assertThat(first.path("status").has("previousValue")).as("unchanged attribute").isFalse();
        JsonNode second = received.get(1).body().path("data").get(0);
        assertThat(second.path("power").path("previousValue").asInt()).isEqualTo(35);
        assertThat(second.path("status").path("previousValue").asText()).isEqualTo("on");
    }

    @Test
    void periodicSubscriptionsNotifyTheCurrentStateOnTheirPeriod() {
        create("{\"id\": \"urn:ngsi-ld:Streetlight:1\", \"type\": \"Streetlight\", \"status\": \"on\"}");
        create("{\"id\": \"urn:ngsi-ld:Streetlight:2\", \"type\": \"Streetlight\", \"status\": \"off\"}");
        subscribe("\"timeInterval\": 1, \"q\": \"status==\\\"on\\\"\",");

        List<NotificationReceiver.Received> received = receiver.await(3, WAIT);
        assertThat(received).hasSizeGreaterThanOrEqualTo(3);
        for (NotificationReceiver.Received notification : received) {
            assertThat(notification.body().path("data")).extracting(e -> e.path("id").asText()).containsExactly("urn:ngsi-ld:Streetlight:1");
        }
        patch("urn:ngsi-ld:Streetlight:1", "{\"status\": \"off\"}");
        patch("urn:ngsi-ld:Streetlight:2", "{\"status\": \"on\"}");
        List<NotificationReceiver.Received> later = receiver.await(received.size() + 3, WAIT);
        assertThat(later.getLast().body().path("data")).extracting(e -> e.path("id").asText()).containsExactly("urn:ngsi-ld:Streetlight:2");
    }

    @Test
    void aPeriodicSubscriptionPostgreSqlCannotEvaluateHoldsUpNoOtherNotification() {
        // RE2 accepts a named group; PostgreSQL's regular expressions do not.
        subscribe("\"timeInterval\": 1, \"q\": \"name~=\\\"(?P<x>a)\\\"\",");
        subscribe("\"watchedAttributes\": [\"status\"],");
        create("{\"id\": \"urn:ngsi-ld:Streetlight:1\", \"type\": \"Streetlight\", \"status\": \"on\"}");

        List<NotificationReceiver.Received> received = receiver.await(1, WAIT);
        assertThat(received.getFirst().body().path("data").get(0).path("status").path("value").asText()).isEqualTo("on");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no notification | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}]} | BadRequestData",
            "neither entities nor watchedAttributes | {\"type\": \"Subscription\", \"notification\": {\"endpoint\": {\"uri\": \"http://a.b/\"}}} | BadRequestData",
            "past expiresAt | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"expiresAt\": \"2001-01-01T00:00:00Z\", \"notification\": {\"endpoint\": {\"uri\": \"http://a.b/\"}}} | BadRequestData",
            "ftp endpoint | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"notification\": {\"endpoint\": {\"uri\": \"ftp://a.b/\"}}} | BadRequestData",
            "bad q | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"q\": \"a>>1\", \"notification\": {\"endpoint\": {\"uri\": \"http://a.b/\"}}} | BadRequestData",
            "unknown trigger | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"notificationTrigger\": [\"sometimes\"], \"notification\": {\"endpoint\": {\"uri\": \"http://a.b/\"}}} | BadRequestData",
            "wrong type | {\"type\": \"Subscriptions\", \"entities\": [{\"type\": \"T\"}], \"notification\": {\"endpoint\": {\"uri\": \"http://a.b/\"}}} | BadRequestData",
            "mqtt without topic | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"notification\": {\"endpoint\": {\"uri\": \"mqtt://localhost:1883\"}}} | BadRequestData",
            "mqtt bad QoS | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"notification\": {\"endpoint\": {\"uri\": \"mqtt://localhost:1883/t\", \"notifierInfo\": [{\"key\": \"MQTT-QoS\", \"value\": \"3\"}]}}} | BadRequestData",
            "mqtt 5, not yet | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"notification\": {\"endpoint\": {\"uri\": \"mqtt://localhost:1883/t\", \"notifierInfo\": [{\"key\": \"MQTT-Version\", \"value\": \"mqtt5.0\"}]}}} | OperationNotSupported",
            "timeInterval with watchedAttributes | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"watchedAttributes\": [\"a\"], \"timeInterval\": 60, \"notification\": {\"endpoint\": {\"uri\": \"http://a.b/\"}}} | BadRequestData",
            "negative timeInterval | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"timeInterval\": -5, \"notification\": {\"endpoint\": {\"uri\": \"http://a.b/\"}}} | BadRequestData",
            "showChanges not a boolean | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"notification\": {\"showChanges\": \"yes\", \"endpoint\": {\"uri\": \"http://a.b/\"}}} | BadRequestData",
            "temporalQ, not yet | {\"type\": \"Subscription\", \"entities\": [{\"type\": \"T\"}], \"temporalQ\": {}, \"notification\": {\"endpoint\": {\"uri\": \"http://a.b/\"}}} | OperationNotSupported",
    })
    void invalidSubscriptionsAreRefused(String what, String body, String errorType) {
        Api.Response response = api.post("/ngsi-ld/v1/subscriptions", body).tenant(tenant).send();

        assertThat(response.errorType()).as(what + ": " + response).isEqualTo(errorType);
        assertThat(api.get("/ngsi-ld/v1/subscriptions").tenant(tenant).send().json()).isEmpty();
    }
}
