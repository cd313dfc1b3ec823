package org.meridian.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.platform.db.Database;

/**
 * A writer that took its transaction id first but its position last commits first, while the other, holding the
 * earlier position, is still running: the consumer waits for the earlier position, then hands both on in position
 * order. (The bound it waits for is its own transaction id, not the snapshot's xmax, which can equal the running
 * writer's id when nothing else completed meanwhile; this test cannot force that timing, the class comment of
 * LogEventBus gives the argument.)
 */
class InFlightPositionTest {
    @TempDir
    Path data;

    @Test
    void aPositionHeldByAnOlderRunningTransactionIsWaitedFor() throws Exception {
        try (Database database = Database.open(null, null, null, data, 4, null, List.of(Database.MIGRATIONS));
             LogEventBus bus = new LogEventBus(database.dataSource(), LogEventBus.Options.defaults())) {
            List<String> received = new ArrayList<>();
            try (var consumption = bus.subscribe("c", EventBus.Start.LATEST, events -> {
                synchronized (received) {
                    events.forEach(event -> received.add(event.kind()));
                    received.notifyAll();
                }
            })) {
                try (Connection first = database.connection(); Connection second = database.connection()) {
                    first.setAutoCommit(false);
                    second.setAutoCommit(false);
                    xid(first);  // the older transaction id...
                    xid(second);
                    bus.append(second, List.of(new Event.Draft("t", "test", "k", "held", null)));    // ...the earlier position
                    bus.append(first, List.of(new Event.Draft("t", "test", "k", "committed", null)));
                    first.commit();
                    bus.committed();
                    long polls = bus.polls("c");
                    while (bus.polls("c") < polls + 3) {
                        Thread.sleep(10);
                    }
                    synchronized (received) {
                        assertThat(received).as("nothing before the held position commits").isEmpty();
                    }
                    second.commit();
                    bus.committed();
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                synchronized (received) {
                    while (received.size() < 2 && System.nanoTime() < deadline) {
                        received.wait(100);
                    }
                    assertThat(received).containsExactly("held", "committed");
                }
            }
        }
    }

    private static void xid(Connection connection) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute("SELECT pg_current_xact_id()");
        }
    }
}
