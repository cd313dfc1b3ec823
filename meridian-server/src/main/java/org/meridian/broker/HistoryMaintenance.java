package org.meridian.broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.meridian.broker.store.HistoryPartitions;
import org.meridian.broker.store.HistoryStore;
import org.meridian.platform.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the history's monthly partitions ahead of time and, with a retention period, drops whole months that fell out
 * of it: old data goes without deleting row by row and without touching current data. Every minute it also folds the
 * hourly roll-up's hours that closed into the table aggregation reads ({@link HistoryStore#foldClosedHours}).
 */
public final class HistoryMaintenance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryMaintenance.class);
    private static final long LOCK = 0x4d455249_00000003L;
    private static final Duration PARTITIONS_EVERY = Duration.ofHours(6);
    private static final Duration FOLD_EVERY = Duration.ofMinutes(1);
    private static final int FOLD_CHUNK = 5_000;

    private final Transactions transactions;
    private final HistoryPartitions history;
    private final Clock clock;
    private final int retentionDays;
    private Thread thread;
    private volatile boolean running = true;

    public HistoryMaintenance(Transactions transactions, HistoryPartitions history, Clock clock, int retentionDays) {
        this.transactions = transactions;
        this.history = history;
        this.clock = clock;
        this.retentionDays = retentionDays;
    }

    /** Runs once now (so the server starts with its partitions) and then every six hours; folds every minute. */
    public void start() {
        runOnce();
        thread = Thread.ofVirtual().name("meridian-history-maintenance").start(() -> {
            long partitionsDue = System.nanoTime() + PARTITIONS_EVERY.toNanos();
            while (running) {
                try {
                    Thread.sleep(FOLD_EVERY);
                } catch (InterruptedException e) {
                    return;
                }
                // Each task on its own: a failing fold does not hold up the partitions, nor the reverse.
                try {
                    foldClosedHours();
                } catch (RuntimeException e) {
                    if (lockTimeout(e)) {
                        LOG.debug("folding the roll-up's closed hours met a row held by an instance edit; again in a minute");
                    } else {
                        LOG.warn("folding the roll-up's closed hours failed; it runs again in a minute: {}", cause(e));
                    }
                }
                if (System.nanoTime() - partitionsDue >= 0) {
                    try {
                        runOnce();
                        partitionsDue = System.nanoTime() + PARTITIONS_EVERY.toNanos();
                    } catch (RuntimeException e) {
                        LOG.warn("history partition maintenance failed; it runs again in a minute: {}", cause(e));
                    }
                }
            }
        });
    }

    /** SQLSTATE 55P03: the fold's lock_timeout, expected when an instance edit holds the same rows. */
    private static boolean lockTimeout(RuntimeException e) {
        return e.getCause() instanceof java.sql.SQLException sql && "55P03".equals(sql.getSQLState());
    }

    private static String cause(RuntimeException e) {
        return e.getCause() != null ? e + " (" + e.getCause() + ")" : e.toString();
    }

    /**
     * Folds the roll-up's rows of the hours before the current one, in transactions of {@value #FOLD_CHUNK} rows so a
     * city's hour turning is no long transaction; returns how many moved. A chunk that waits more than a moment for a
     * row lock (an instance edit recounting that hour) is given up whole, with the chunks after it, and taken again on
     * the next run: the edit is a request someone waits for, the fold is not.
     */
    private int foldClosedHours() {
        Instant before = clock.instant().truncatedTo(ChronoUnit.HOURS);
        int moved = 0;
        for (int chunk = FOLD_CHUNK; chunk == FOLD_CHUNK; ) {
            chunk = transactions.inTransaction(connection -> {
                try (var timeout = connection.createStatement()) {
                    timeout.execute("SET LOCAL lock_timeout = '200ms'");
                }
                return HistoryStore.foldClosedHours(connection, before, FOLD_CHUNK);
            });
            moved += chunk;
        }
        if (moved > 0) {
            LOG.debug("folded {} closed hours of the roll-up", moved);
        }
        return moved;
    }

    public void runOnce() {
        transactions.inTransaction(connection -> {
            try (var lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK);
                lock.execute();
            }
            history.ensurePartitions(connection, clock.instant(), 2);
            if (retentionDays > 0) {
                List<String> dropped = history.dropPartitionsBefore(connection, clock.instant().minus(Duration.ofDays(retentionDays)));
                dropped.forEach(name -> LOG.info("history retention ({} days): dropped partition {}", retentionDays, name));
            }
            return null;
        });
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
