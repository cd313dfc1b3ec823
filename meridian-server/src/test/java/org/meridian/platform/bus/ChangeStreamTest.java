package org.meridian.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.Devices;
import org.meridian.testing.EventRecorder;
import org.meridian.testing.TestServer;

/**
 * Every committed entity change reaches the change stream, whatever entry wrote it, in order per entity; nothing
 * uncommitted does, and a consumer never steps over a change still being committed.
 */
class ChangeStreamTest {
    private static final String TEMPERATURE = "https://uri.etsi.org/ngsi-ld/default-context/temperature";
    private static final String QUANTITY = "https://uri.etsi.org/ngsi-ld/default-context/count";

    private final Api api = TestServer.api();
    private final String tenant = TestServer.newTenant();
    private EventRecorder recorder;

    private String consume(EventBus bus, Predicate<Event> filter) {
        recorder = new EventRecorder(bus, filter);
        return recorder.name();
    }

    @AfterEach
    void stop() {
        if (recorder != null) {
            recorder.close();
        }
    }

    private List<Event> awaitEvents(int count) throws InterruptedException {
        return recorder.await(count, Duration.ofSeconds(20));
    }

    private void send(Api.Request request, int status) {
        Api.Response response = request.tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }

    @Test
    void everyWriteEntryReachesTheStreamInOrderPerEntity() throws Exception {
        consume(TestServer.events(), event -> event.tenant().equals(tenant));
        String a = "urn:ngsi-ld:Counter:a";
        String b = "urn:ngsi-ld:Counter:b";
        send(api.post("/ngsi-ld/v1/entities", "{\"id\": \"%s\", \"type\": \"Counter\", \"count\": 0}".formatted(a)), 201);
        send(api.patch("/ngsi-ld/v1/entities/" + a + "/attrs", "{\"count\": 1}"), 204);
        send(api.post("/ngsi-ld/v1/entityOperations/upsert", """
                [{"id": "%s", "type": "Counter", "count": 2}, {"id": "%s", "type": "Counter", "count": 100}]""".formatted(a, b)), 201);
        send(api.post("/ngsi-ld/v1/entityOperations/update", "[{\"id\": \"%s\", \"count\": 3}]".formatted(a)), 204);
        send(api.patch("/ngsi-ld/v1/entities/" + a, "{\"count\": 4}"), 204);
        send(api.post("/ngsi-ld/v1/entityOperations/merge", "[{\"id\": \"%s\", \"count\": 5}]".formatted(a)), 204);
        send(api.put("/ngsi-ld/v1/entities/" + a + "/attrs/count", "{\"type\": \"Property\", \"value\": 6}"), 204);
        send(api.delete("/ngsi-ld/v1/entities/" + b), 204);

        List<Event> events = awaitEvents(9);
        assertThat(events).extracting(Event::stream).containsOnly("entity");
        List<Event> ofA = events.stream().filter(e -> e.key().equals(a)).toList();
        assertThat(ofA).extracting(Event::kind).containsExactly("created", "updated", "updated", "updated", "updated",
                "updated", "updated");
        assertThat(ofA).extracting(e -> e.payload().path("attributes").path(QUANTITY).get(0).path("value").asInt(-1))
                .as("the value each change wrote, in order").containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(ofA.getFirst().payload().path("type").get(0).asText()).isEqualTo("https://uri.etsi.org/ngsi-ld/default-context/Counter");
        assertThat(events.stream().filter(e -> e.key().equals(b))).extracting(Event::kind).containsExactly("created", "deleted");
        assertThat(events).extracting(Event::position).isSorted();
        assertThat(events).extracting(e -> e.position() + "." + e.index()).doesNotHaveDuplicates();
        // The upsert wrote both entities in one transaction: one position, in the order of the batch.
        Event upsertOfA = ofA.get(2);
        Event upsertOfB = events.stream().filter(e -> e.key().equals(b)).findFirst().orElseThrow();
        assertThat(upsertOfB.position()).isEqualTo(upsertOfA.position());
        assertThat(upsertOfB.index()).isEqualTo(upsertOfA.index() + 1);
    }

    @Test
    void deviceMeasurementsReachTheStream() throws Exception {
        consume(TestServer.events(), event -> event.tenant().equals(tenant));
        Devices devices = new Devices(api, tenant).group("").device("aq-1", "");
        for (int t = 20; t < 25; t++) {
            assertThat(devices.measure("aq-1", "{\"t\": " + t + "}").status()).isBetween(200, 204);
        }
        List<Event> events = awaitEvents(6);
        assertThat(events).extracting(Event::key).containsOnly(Devices.entityId("aq-1"));
        assertThat(events.getFirst().kind()).isEqualTo("created");
        assertThat(events.subList(1, events.size()))
                .extracting(e -> e.payload().path("attributes").path(TEMPERATURE).path(0).path("value").asInt(-1))
                .containsExactly(20, 21, 22, 23, 24);
    }

    @Test
    void aChangeStillCommittingHoldsBackTheChangesAfterIt() throws Exception {
        LogEventBus bus = (LogEventBus) TestServer.events();
        DataSource database = TestServer.dataSource();
        String name = consume(bus, event -> event.tenant().equals(tenant));
        try (Connection slow = database.getConnection(); Connection fast = database.getConnection()) {
            slow.setAutoCommit(false);
            fast.setAutoCommit(false);
            bus.append(slow, List.of(new Event.Draft(tenant, "test", "k", "first", null)));
            bus.append(fast, List.of(new Event.Draft(tenant, "test", "k", "second", null)));
            fast.commit();
            bus.committed();
            // Two looks after the second committed: it was read, and held back behind the first.
            long polls = bus.polls(name);
            while (bus.polls(name) < polls + 2) {
                Thread.sleep(10);
            }
            assertThat(recorder.events()).isEmpty();
            slow.commit();
            bus.committed();
        }
        assertThat(awaitEvents(2)).extracting(Event::kind).containsExactly("first", "second");
    }

    @Test
    void aRolledBackChangeIsSteppedOver() throws Exception {
        LogEventBus bus = (LogEventBus) TestServer.events();
        DataSource database = TestServer.dataSource();
        consume(bus, event -> event.tenant().equals(tenant));
        try (Connection failed = database.getConnection(); Connection fast = database.getConnection()) {
            failed.setAutoCommit(false);
            fast.setAutoCommit(false);
            bus.append(failed, List.of(new Event.Draft(tenant, "test", "k", "never", null)));
            bus.append(fast, List.of(new Event.Draft(tenant, "test", "k", "after", null)));
            fast.commit();
            failed.rollback();
            bus.committed();
        }
        assertThat(awaitEvents(1)).extracting(Event::kind).containsExactly("after");
    }

    @Test
    void everyTailGetsEveryEventFromNowAndLeavesNothingBehindWhenItStops() throws Exception {
        EventBus bus = TestServer.events();
        DataSource database = TestServer.dataSource();
        java.util.concurrent.BlockingQueue<String> first = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.BlockingQueue<String> second = new java.util.concurrent.LinkedBlockingQueue<>();
        EventBus.Consumption one = bus.tail("test-tail", null, events -> events.stream().filter(e -> e.tenant().equals(tenant))
                .forEach(e -> first.add(e.kind())));
        EventBus.Consumption two = bus.tail("test-tail", null, events -> events.stream().filter(e -> e.tenant().equals(tenant))
                .forEach(e -> second.add(e.kind())));
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            bus.append(connection, List.of(new Event.Draft(tenant, "test", "k", "seen-by-both", null)));
            connection.commit();
            bus.committed();
        }
        assertThat(first.poll(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("seen-by-both");
        assertThat(second.poll(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("seen-by-both");
        one.close();
        two.close();
        try (Connection connection = database.getConnection();
             var rows = connection.createStatement().executeQuery("SELECT count(*) FROM event_consumer WHERE name LIKE 'test-tail@%'")) {
            rows.next();
            assertThat(rows.getInt(1)).as("a stopped tail keeps no position that trimming would wait for").isZero();
        }
    }

    @Test
    void aTailOfOneStreamGetsItsEventsAndOnlyThePlaceOfTheOthers() throws Exception {
        EventBus bus = TestServer.events();
        java.util.concurrent.BlockingQueue<Event> seen = new java.util.concurrent.LinkedBlockingQueue<>();
        String stream = "test-" + tenant;
        EventBus.Consumption tail = bus.tail("test-tail", stream, seen::addAll);
        try (Connection connection = TestServer.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            bus.append(connection, List.of(new Event.Draft(tenant, "other", "k", "not-wanted", null)));
            connection.commit();
            bus.append(connection, List.of(new Event.Draft(tenant, "other", "k", "not-wanted-either", null),
                    new Event.Draft(tenant, stream, "k", "wanted", null)));
            connection.commit();
            // A row written before rows listed their streams (compact, as append wrote it): sent, and told apart by its text.
            try (var legacy = connection.prepareStatement(
                    "INSERT INTO event_log (events) SELECT ? WHERE pg_current_xact_id() IS NOT NULL")) {
                legacy.setString(1, "[{\"tenant\":\"" + tenant + "\",\"stream\":\"" + stream
                        + "\",\"key\":\"k\",\"kind\":\"wanted-legacy\",\"payload\":null}]");
                legacy.executeUpdate();
            }
            connection.commit();
            bus.committed();
        }
        List<Event> got = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (got.stream().noneMatch(event -> event.kind().equals("wanted-legacy")) && System.nanoTime() < deadline) {
            Event next = seen.poll(1, java.util.concurrent.TimeUnit.SECONDS);
            if (next != null) {
                got.add(next);
            }
        }
        tail.close();
        assertThat(got).filteredOn(event -> event.tenant().equals(tenant)).extracting(Event::kind)
                .as("a transaction with an event of the stream comes whole; one without, as its place only")
                .containsExactly("not-wanted-either", "wanted", "wanted-legacy");
        assertThat(got).filteredOn(event -> event.stream().isEmpty()).allSatisfy(event -> assertThat(event.payload()).isNull());
    }
}
