package org.meridian.broker;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.meridian.broker.store.HistoryPartitions;
import org.meridian.platform.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the history's monthly partitions ahead of time and, with a retention period, drops whole months that fell out
 * of it: old data goes without deleting row by row and without touching current data.
 */
public final class HistoryMaintenance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryMaintenance.class);
    private static final long LOCK = 0x4d455249_00000003L;

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

    /** Runs once now (so the server starts with its partitions) and then every six hours. */
    public void start() {
        runOnce();
        thread = Thread.ofVirtual().name("meridian-history-maintenance").start(() -> {
            while (running) {
                try {
                    Thread.sleep(Duration.ofHours(6));
                    runOnce();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("history maintenance failed; it runs again in 6 h: {}", e.toString());
                }
            }
        });
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
