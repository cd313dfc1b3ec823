package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.NotificationReceiver;
import org.meridian.testing.TestServer;

/**
 * Many clients writing small requests at once: the server writes them in groups (group commit), and each must still
 * behave as if written alone — its own status, its own history instance, its own notification, its own failure.
 */
@Tag("clause-5.6")
class ConcurrentWritesTest {
    private static final int CLIENTS = 16;
    private static final int WRITES = 120;
    private final Api api = TestServer.api();
    private final NotificationReceiver receiver = new NotificationReceiver();
    private String tenant;

    @BeforeEach
    void tenant() {
        tenant = TestServer.newTenant();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void concurrentUpdatesOfOneEntityAreEachKeptNotifiedAndInHistory() throws Exception {
        String id = "urn:ngsi-ld:Counter:gate-1";
        assertThat(api.post("/ngsi-ld/v1/entities", """
                {"id": "%s", "type": "Counter", "seq": {"type": "Property", "value": -1}}""".formatted(id)).tenant(tenant).send().status())
                .isEqualTo(201);
        assertThat(api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Counter"}], "watchedAttributes": ["seq"],
                 "notification": {"attributes": ["seq"], "endpoint": {"uri": "%s", "accept": "application/json"}}}"""
                .formatted(receiver.url())).tenant(tenant).send().status()).isEqualTo(201);

        List<Integer> statuses = inParallel(i -> api.post("/ngsi-ld/v1/entityOperations/upsert?options=update", """
                [{"id": "%s", "type": "Counter", "seq": {"type": "Property", "value": %d}}]""".formatted(id, i)).tenant(tenant).send().status());

        assertThat(statuses).containsOnly(204);
        List<NotificationReceiver.Received> received = receiver.await(WRITES, Duration.ofSeconds(30));
        assertThat(received).extracting(r -> r.body().path("data").get(0).path("seq").path("value").asInt())
                .as("one notification per update, none folded into another").containsExactlyInAnyOrderElementsOf(range());
        JsonNode history = api.get("/ngsi-ld/v1/temporal/entities/" + id + "?attrs=seq&lastN=1000").tenant(tenant).send().json();
        List<Integer> kept = new ArrayList<>();
        history.path("seq").forEach(instance -> kept.add(instance.path("value").asInt()));
        assertThat(kept).as("every update is an instance of the history").containsAll(range());
    }

    /** Many queues filled at once are read together by the sender; each still receives its entity's updates in order. */
    @Test
    void manySubscriptionsEachReceiveTheirEntitysUpdatesInOrder() throws Exception {
        int entities = CLIENTS;
        int updates = WRITES / 4;
        for (int e = 0; e < entities; e++) {
            assertThat(api.post("/ngsi-ld/v1/subscriptions", """
                    {"type": "Subscription", "entities": [{"type": "Counter", "id": "urn:ngsi-ld:Counter:lane-%d"}],
                     "notification": {"attributes": ["seq"], "endpoint": {"uri": "%s", "accept": "application/json"}}}"""
                    .formatted(e, receiver.url())).tenant(tenant).send().status()).isEqualTo(201);
        }
        List<Future<?>> lanes = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(entities)) {
            for (int e = 0; e < entities; e++) {
                int lane = e;
                lanes.add(clients.submit(() -> {
                    for (int i = 0; i < updates; i++) { // one after another: the order this entity's receiver must see
                        assertThat(api.post("/ngsi-ld/v1/entityOperations/upsert", """
                                [{"id": "urn:ngsi-ld:Counter:lane-%d", "type": "Counter", "seq": {"type": "Property", "value": %d}}]"""
                                .formatted(lane, i)).tenant(tenant).send().status()).isIn(201, 204);
                    }
                }));
            }
        }
        for (Future<?> lane : lanes) {
            lane.get();
        }

        List<NotificationReceiver.Received> received = receiver.await(entities * updates, Duration.ofSeconds(30));
        Map<String, List<Integer>> byEntity = new ConcurrentHashMap<>();
        for (NotificationReceiver.Received notification : received) {
            JsonNode entity = notification.body().path("data").get(0);
            byEntity.computeIfAbsent(entity.path("id").asText(), id -> new ArrayList<>()).add(entity.path("seq").path("value").asInt());
        }
        assertThat(byEntity).hasSize(entities);
        List<Integer> inOrder = java.util.stream.IntStream.range(0, updates).boxed().toList();
        byEntity.forEach((id, seqs) -> assertThat(seqs).as(id).isEqualTo(inOrder));
    }

    /** One batch filling hundreds of queues at once: the sender reads them in slices, and every queue is delivered. */
    @Test
    void aBatchThatFillsHundredsOfQueuesIsDeliveredToEach() {
        int queues = 450;
        StringBuilder batch = new StringBuilder("[");
        for (int e = 0; e < queues; e++) {
            assertThat(api.post("/ngsi-ld/v1/subscriptions", """
                    {"type": "Subscription", "entities": [{"type": "Counter", "id": "urn:ngsi-ld:Counter:many-%d"}],
                     "notification": {"attributes": ["seq"], "endpoint": {"uri": "%s", "accept": "application/json"}}}"""
                    .formatted(e, receiver.url())).tenant(tenant).send().status()).isEqualTo(201);
            batch.append(e == 0 ? "" : ",").append("""
                    {"id": "urn:ngsi-ld:Counter:many-%d", "type": "Counter", "seq": {"type": "Property", "value": %d}}""".formatted(e, e));
        }
        assertThat(api.post("/ngsi-ld/v1/entityOperations/upsert", batch.append(']').toString()).tenant(tenant).send().status())
                .isEqualTo(201);

        List<NotificationReceiver.Received> received = receiver.await(queues, Duration.ofSeconds(30));
        assertThat(received).extracting(r -> r.body().path("data").get(0).path("seq").path("value").asInt())
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, queues).boxed().toList());
    }

    @Test
    void concurrentCreatesEachGetTheirOwnAnswer() throws Exception {
        // Every id is created by two clients at once: exactly one of each pair succeeds, the other is told it exists.
        ConcurrentHashMap<String, List<Integer>> byId = new ConcurrentHashMap<>();
        inParallel(i -> {
            String id = "urn:ngsi-ld:Bin:" + (i / 2);
            int status = api.post("/ngsi-ld/v1/entities", """
                    {"id": "%s", "type": "Bin", "fill": {"type": "Property", "value": %d}}""".formatted(id, i)).tenant(tenant).send().status();
            byId.computeIfAbsent(id, key -> java.util.Collections.synchronizedList(new ArrayList<>())).add(status);
            return status;
        });
        assertThat(byId).hasSize(WRITES / 2);
        byId.forEach((id, statuses) -> assertThat(statuses).as(id).containsExactlyInAnyOrder(201, 409));
    }

    @Test
    void aFailingRequestDoesNotFailTheOthersWrittenWithIt() throws Exception {
        for (int i = 0; i < WRITES; i += 2) {
            api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Lamp:" + i + "\", \"type\": \"Lamp\"}").tenant(tenant).send();
        }
        // Batch updates of existing lamps succeed (204); those of lamps never created are 207 with the id not found.
        List<Integer> statuses = inParallel(i -> api.post("/ngsi-ld/v1/entityOperations/update", """
                [{"id": "urn:ngsi-ld:Lamp:%d", "type": "Lamp", "on": {"type": "Property", "value": true}}]""".formatted(i))
                .tenant(tenant).send().status());
        for (int i = 0; i < WRITES; i++) {
            assertThat(statuses.get(i)).as("lamp " + i).isEqualTo(i % 2 == 0 ? 204 : 207);
        }
        for (int i = 0; i < WRITES; i += 2) {
            JsonNode lamp = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Lamp:" + i).tenant(tenant).send().json();
            assertThat(lamp.path("on").path("value").asBoolean()).as("lamp " + i).isTrue();
        }
    }

    private interface Write {
        int send(int index) throws Exception;
    }

    /** Runs the writes from {@value #CLIENTS} clients at once; the statuses in the order of the writes. */
    private static List<Integer> inParallel(Write write) throws Exception {
        List<Future<Integer>> futures = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            for (int i = 0; i < WRITES; i++) {
                int index = i;
                futures.add(clients.submit(() -> write.send(index)));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> future : futures) {
            statuses.add(future.get());
        }
        return statuses;
    }

    private static List<Integer> range() {
        return java.util.stream.IntStream.range(0, WRITES).boxed().toList();
    }
}
