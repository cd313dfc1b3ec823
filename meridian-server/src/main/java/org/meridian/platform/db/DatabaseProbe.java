package org.meridian.platform.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows, within about a second, whether PostgreSQL answers: one connection of its own runs {@code SELECT 1} twice a
 * second with one-second timeouts. While it does not answer, requests are refused at once with 503 instead of each
 * waiting for the pool's connection timeout (clients waited 10-20 s for a 500 during an outage), and {@code /health}
 * answers from this state without touching the database.
 */
final class DatabaseProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseProbe.class);
    private static final long PERIOD_MILLIS = 500;

    private final String url;
    private final Properties credentials = new Properties();
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("meridian-database-probe").daemon().factory());
    private volatile boolean reachable = true;
    private Connection connection;

    DatabaseProbe(String url, String user, String password) {
        this.url = url;
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        credentials.setProperty("connectTimeout", "1");
        credentials.setProperty("socketTimeout", "2");
        credentials.setProperty("ApplicationName", "meridian-probe");
        schedule.scheduleWithFixedDelay(this::probe, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    boolean isReachable() {
        return reachable;
    }

    private void probe() {
        boolean now;
        try {
            if (connection == null) {
                connection = DriverManager.getConnection(url, credentials);
            }
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(1);
                statement.execute("SELECT 1");
            }
            now = true;
        } catch (SQLException e) {
            closeConnection();
            now = false;
        }
        if (now != reachable) {
            if (now) {
                LOG.info("the database answers again");
            } else {
                LOG.warn("the database does not answer: requests are refused with 503 until it does");
            }
            reachable = now;
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        schedule.shutdownNow();
        try {
            schedule.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
