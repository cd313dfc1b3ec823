package org.meridian.platform.bus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Deletes events every consumer has passed (but none younger than the floor) and events older than the retention
 * (read or not). Age is told by checkpoints of the stream's head taken at each run, kept in memory on the node that
 * trims: the log needs no index on time, and after a restart events just wait one floor longer.
 */
final class Trimmer {
    private static final int CHUNK = 50_000;

    private record Checkpoint(long nanos, long head) {
    }

    private final LogEventBus.Options options;
    private final Deque<Checkpoint> checkpoints = new ArrayDeque<>();

    Trimmer(LogEventBus.Options options) {
        this.options = options;
    }

    /** Returns how many events were deleted. */
    long trim(Connection connection) throws SQLException {
        long now = System.nanoTime();
        checkpoints.addLast(new Checkpoint(now, single(connection, "SELECT coalesce(max(position), 0) FROM event_log")));
        long floorBound = headBefore(now - options.floor().toNanos());
        long retentionBound = headBefore(now - options.retention().toNanos());
        // Older checkpoints than the newest one past the retention are of no more use (by time: an idle stream's are
        // all the same head).
        long retentionNanos = now - options.retention().toNanos();
        while (checkpoints.size() > 1 && secondOldest().nanos() - retentionNanos <= 0) {
            checkpoints.removeFirst();
        }
        long consumersAt;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT min(position) FROM event_consumer WHERE updated_at > now() - ? * interval '1 millisecond'")) {
            select.setLong(1, options.retention().toMillis());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                long min = row.getLong(1);
                consumersAt = row.wasNull() ? Long.MAX_VALUE : min;
            }
        }
        long bound = Math.max(retentionBound, Math.min(floorBound, consumersAt));
        long from = single(connection, "SELECT coalesce(min(position), 0) - 1 FROM event_log");
        long deleted = 0;
        while (from < bound) {
            long to = Math.min(bound, from + CHUNK);
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM event_log WHERE position > ? AND position <= ?")) {
                delete.setLong(1, from);
                delete.setLong(2, to);
                deleted += delete.executeUpdate();
            }
            from = to;
        }
        return deleted;
    }

    private Checkpoint secondOldest() {
        var iterator = checkpoints.iterator();
        iterator.next();
        return iterator.next();
    }

    /** The head recorded by the newest checkpoint taken at or before the given time; 0 if none. */
    private long headBefore(long nanos) {
        long head = 0;
        for (Checkpoint checkpoint : checkpoints) {
            if (checkpoint.nanos() - nanos > 0) {
                break;
            }
            head = checkpoint.head();
        }
        return head;
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
