package org.meridian.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * How far a consumer may read when a position is missing: never past it while a transaction that may hold it runs,
 * past it once every transaction running when it was first seen has ended. The arguments after the events are the
 * oldest running transaction id (xmin) and the polling consumer's own id (assigned after its snapshot, so larger than
 * that of any writer holding a missing position). Ids are made up here; the rule needs only their order.
 */
class GapTest {
    private final LogEventBus.Gap gap = new LogEventBus.Gap();

    private static List<Event> at(long... positions) {
        return LongStream.of(positions).mapToObj(p -> new Event(p, 0, "t", "entity", "k" + p, "updated", null, Instant.EPOCH))
                .toList();
    }

    private static List<Long> positions(List<Event> events) {
        return events.stream().map(Event::position).toList();
    }

    @Test
    void consecutivePositionsAreAllReady() {
        assertThat(positions(gap.ready(10, at(11, 12, 13), 100, 105, "c"))).containsExactly(11L, 12L, 13L);
    }

    @Test
    void stopsAtAMissingPositionWhileItsWriterMayStillCommit() {
        // 12 is missing; transactions 100..104 may be running, one of them may hold it.
        assertThat(positions(gap.ready(10, at(11, 13, 14), 100, 105, "c"))).containsExactly(11L);
        // Later: transaction 103 is still running (xmin 103 < 105), so 12 may still come.
        assertThat(positions(gap.ready(11, at(13, 14), 103, 110, "c"))).isEmpty();
        // It committed: 12 is there now, and read in its place.
        assertThat(positions(gap.ready(11, at(12, 13, 14), 106, 110, "c"))).containsExactly(12L, 13L, 14L);
    }

    @Test
    void stepsOverAPositionNoRunningTransactionCanHold() {
        assertThat(positions(gap.ready(10, at(12, 13), 100, 105, "c"))).isEmpty();
        // Every transaction running when the gap was seen has ended (xmin reached 105): 11 was rolled back.
        assertThat(positions(gap.ready(10, at(12, 13), 105, 108, "c"))).containsExactly(12L, 13L);
    }

    @Test
    void aSecondGapWaitsOnItsOwn() {
        assertThat(positions(gap.ready(10, at(12, 14), 100, 105, "c"))).isEmpty();
        // 11 is settled (rolled back), 13 was first seen missing now: its own horizon is 109.
        assertThat(positions(gap.ready(10, at(12, 14), 105, 109, "c"))).containsExactly(12L);
        assertThat(positions(gap.ready(12, at(14), 108, 112, "c"))).isEmpty();
        assertThat(positions(gap.ready(12, at(14), 109, 112, "c"))).containsExactly(14L);
    }

    @Test
    void theEventsOfOneTransactionShareAPositionAndGoTogether() {
        List<Event> events = List.of(new Event(11, 0, "t", "entity", "a", "updated", null, Instant.EPOCH),
                new Event(11, 1, "t", "entity", "b", "updated", null, Instant.EPOCH),
                new Event(12, 0, "t", "entity", "a", "updated", null, Instant.EPOCH),
                new Event(14, 0, "t", "entity", "c", "updated", null, Instant.EPOCH));
        assertThat(gap.ready(10, events, 100, 105, "c")).extracting(e -> e.position() + "." + e.index())
                .containsExactly("11.0", "11.1", "12.0");
    }

    @Test
    void nothingToReadIsNothingReady() {
        assertThat(gap.ready(10, List.of(), 100, 100, "c")).isEmpty();
    }
}
