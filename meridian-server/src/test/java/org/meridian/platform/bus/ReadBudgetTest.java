package org.meridian.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.platform.db.Database;

/**
 * A consumer far behind gets its backlog in reads of bounded size (positions hold a megabyte each in a busy city), one
 * after the other without waiting for the next poll, every event once and in order.
 */
class ReadBudgetTest {
    private static final int POSITIONS = 30;
    private static final int EVENTS_PER_POSITION = 20;

    @TempDir
    Path data;

    @Test
    void aBacklogOfLargePositionsIsHandedOnInBoundedReadsWithoutWaitingForThePoll() throws Exception {
        // About 21,000 characters a position, at most 50,000 characters a read: two positions a read.
        // An hour between polls: a consumer that waited for the poll between reads would not finish.
        LogEventBus.Options options = new LogEventBus.Options(Duration.ofHours(24), Duration.ofMinutes(2), 100, 50_000,
                Duration.ofHours(1));
        try (Database database = Database.open(null, null, null, data, 4, null, List.of(Database.MIGRATIONS));
             LogEventBus bus = new LogEventBus(database.dataSource(), options)) {
            String filler = "x".repeat(1_000);
            for (int position = 0; position < POSITIONS; position++) {
                List<Event.Draft> drafts = new ArrayList<>();
                for (int i = 0; i < EVENTS_PER_POSITION; i++) {
                    drafts.add(new Event.Draft("t", "test", "k" + i, position + "." + i,
                            JsonNodeFactory.instance.objectNode().put("filler", filler)));
                }
                try (Connection connection = database.connection()) {
                    bus.append(connection, drafts);
                }
            }
            List<String> received = new ArrayList<>();
            List<Long> positionsPerRead = new ArrayList<>();
            try (var consumption = bus.subscribe("behind", EventBus.Start.EARLIEST, events -> {
                synchronized (received) {
                    events.forEach(event -> received.add(event.kind()));
                    positionsPerRead.add(events.stream().mapToLong(Event::position).distinct().count());
                    received.notifyAll();
                }
            })) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                synchronized (received) {
                    while (received.size() < POSITIONS * EVENTS_PER_POSITION && System.nanoTime() < deadline) {
                        received.wait(100);
                    }
                    List<String> expected = new ArrayList<>();
                    for (int position = 0; position < POSITIONS; position++) {
                        for (int i = 0; i < EVENTS_PER_POSITION; i++) {
                            expected.add(position + "." + i);
                        }
                    }
                    assertThat(received).as("every event once, in order").containsExactlyElementsOf(expected);
                    assertThat(positionsPerRead).as("positions per read").allMatch(count -> count <= 2).hasSizeGreaterThanOrEqualTo(15);
                }
            }
        }
    }
}
