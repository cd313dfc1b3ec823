package org.meridian.platform.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the planner's statistics of the entity table fresh. After a bulk load into a new or small table, PostgreSQL
 * plans with no statistics until autovacuum's first analyze, up to a minute or more later: measured after loading
 * 20,000 entities, a {@code type} + {@code q} query ran at 30/s (p50 31 ms, every row read and sorted) for 50 s, then
 * at 340-500/s (p50 2 ms, the primary key read in order until the page is full) once analyzed. Every two seconds this
 * reads PostgreSQL's own count of rows changed since the last analyze, from any node's writes, and analyzes when it
 * passes a tenth of the table (and 500 rows): at once for a table never analyzed, else at most every 30 s, so a city
 * streaming updates does not analyze continuously. One node at a time (an advisory lock).
 */
public final class FreshStatistics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FreshStatistics.class);
    private static final long LOCK = 0x4d455249_00000004L;
    private static final Duration PERIOD = Duration.ofSeconds(2);
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(30);
    private static final long MIN_CHANGES = 500;

    private final Transactions transactions;
    private final Thread thread;
    private volatile boolean running = true;

    public FreshStatistics(Transactions transactions) {
        this.transactions = transactions;
        this.thread = Thread.ofPlatform().name("meridian-statistics").daemon().start(this::run);
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(PERIOD);
                checkOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The database may be away (DatabaseProbe says so); the next round tries again.
                LOG.debug("checking the entity table's statistics failed: {}", e.toString());
            }
        }
    }

    /** Analyzes the entity table when its statistics are stale; true when it did. */
    public boolean checkOnce() {
        return transactions.inTransaction(connection -> {
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, LOCK);
                try (ResultSet locked = lock.executeQuery()) {
                    if (!locked.next() || !locked.getBoolean(1)) {
                        return false;
                    }
                }
            }
            try (PreparedStatement stale = connection.prepareStatement("""
                    SELECT 1 FROM pg_stat_user_tables
                    WHERE relid = 'entity'::regclass AND n_mod_since_analyze >= greatest(?, n_live_tup / 10)
                      AND (greatest(last_analyze, last_autoanalyze) IS NULL
                           OR greatest(last_analyze, last_autoanalyze) < now() - ?::interval)""")) {
                stale.setLong(1, MIN_CHANGES);
                stale.setString(2, MIN_INTERVAL.toSeconds() + " seconds");
                try (ResultSet result = stale.executeQuery()) {
                    if (!result.next()) {
                        return false;
                    }
                }
            }
            long start = System.nanoTime();
            try (var analyze = connection.createStatement()) {
                analyze.execute("ANALYZE entity");
            }
            LOG.debug("analyzed the entity table in {} ms", (System.nanoTime() - start) / 1_000_000);
            return true;
        });
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
