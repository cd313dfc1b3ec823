package org.meridian.platform.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster-wide lease on a background job: a PostgreSQL session advisory lock held on a dedicated connection. Only
 * the node holding it runs the job; if that node dies, its connection closes, the lock is released, and another
 * node takes over at its next try.
 */
public final class Lease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

    private final DataSource dataSource;
    private final long key;
    private final String name;
    private Connection connection;

    public Lease(DataSource dataSource, long key, String name) {
        this.dataSource = dataSource;
        this.key = key;
        this.name = name;
    }

    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;
    private long checkedAt;
    /** A lock, not synchronized: the check does JDBC I/O, which would pin a virtual thread's carrier on Java 21. */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

    /** True when this node holds the lease (taking it if free). */
    public boolean held() {
        lock.lock();
        try {
            return heldLocked();
        } finally {
            lock.unlock();
        }
    }

    private boolean heldLocked() {
        // Checking the session costs a round trip, and the loops ask before every step: ask the database at most once
        // a second. A lease lost in between may briefly run on two nodes, which at-least-once delivery tolerates.
        long now = System.nanoTime();
        if (connection != null && now - checkedAt < CHECK_INTERVAL_NANOS) {
            return true;
        }
        try {
            if (connection != null && connection.isValid(2)) {
                checkedAt = now;
                return true;
            }
            release();
            connection = dataSource.getConnection();
            try (PreparedStatement take = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                take.setLong(1, key);
                try (ResultSet result = take.executeQuery()) {
                    result.next();
                    if (result.getBoolean(1)) {
                        checkedAt = now;
                        LOG.info("this node now runs {}", name);
                        return true;
                    }
                }
            }
            release();
            return false;
        } catch (SQLException e) {
            LOG.warn("could not take the lease for {}: {}", name, e.getMessage());
            release();
            return false;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            release();
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the lock goes with the session
            }
            connection = null;
        }
    }
}
