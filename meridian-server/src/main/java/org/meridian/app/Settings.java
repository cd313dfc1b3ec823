package org.meridian.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.meridian.core.security.Redaction;

/**
 * Every setting of the server, with its default. Read from environment variables; command-line options override.
 * The table in README.md lists the same keys: keep them in step.
 */
public record Settings(
        String host,
        int port,
        Path dataDirectory,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePoolSize,
        Path contextsDirectory,
        String publicUrl,
        long maxBodyBytes,
        int headerTimeoutMillis,
        int maxBatchSize,
        int groupCommitWriters,
        int defaultLimit,
        int maxLimit,
        int maxQueryTerms,
        int maxGeoCandidates,
        int notificationMaxFailures,
        int notificationTimeoutMillis,
        int historyRetentionDays,
        int historySeriesCache,
        int eventRetentionHours,
        String logFormat,
        Ingest ingest) {

    /**
     * Device ingest: the embedded MQTT endpoint (or an external broker), and the measurement pipeline.
     *
     * @param mqttPort the embedded MQTT endpoint's port; -1 turns it off
     * @param brokerUrl an external broker to take measurements from instead (tcp://host:1883); null: embedded
     */
    public record Ingest(int mqttPort, String brokerUrl, String brokerUsername, String brokerPassword, String brokerClientId,
                         int writers, int queueCapacity, int maxBatch, int maxPayloadBytes) {
    }

    public static final String HOST = "MERIDIAN_HOST";
    public static final String PORT = "MERIDIAN_PORT";
    public static final String DATA = "MERIDIAN_DATA";
    public static final String DB_URL = "MERIDIAN_DB_URL";
    public static final String DB_USER = "MERIDIAN_DB_USER";
    public static final String DB_PASSWORD = "MERIDIAN_DB_PASSWORD";
    public static final String DB_POOL_SIZE = "MERIDIAN_DB_POOL_SIZE";
    public static final String CONTEXTS_DIR = "MERIDIAN_CONTEXTS_DIR";
    public static final String PUBLIC_URL = "MERIDIAN_PUBLIC_URL";
    public static final String MAX_BODY_BYTES = "MERIDIAN_MAX_BODY_BYTES";
    public static final String HEADER_TIMEOUT_MS = "MERIDIAN_HEADER_TIMEOUT_MS";
    public static final String MAX_BATCH_SIZE = "MERIDIAN_MAX_BATCH_SIZE";
    public static final String GROUP_COMMIT_WRITERS = "MERIDIAN_GROUP_COMMIT_WRITERS";
    public static final String DEFAULT_LIMIT = "MERIDIAN_DEFAULT_LIMIT";
    public static final String MAX_LIMIT = "MERIDIAN_MAX_LIMIT";
    public static final String MAX_QUERY_TERMS = "MERIDIAN_MAX_QUERY_TERMS";
    public static final String MAX_GEO_CANDIDATES = "MERIDIAN_MAX_GEO_CANDIDATES";
    public static final String NOTIFICATION_MAX_FAILURES = "MERIDIAN_NOTIFICATION_MAX_FAILURES";
    public static final String NOTIFICATION_TIMEOUT_MS = "MERIDIAN_NOTIFICATION_TIMEOUT_MS";
    public static final String HISTORY_RETENTION_DAYS = "MERIDIAN_HISTORY_RETENTION_DAYS";
    public static final String HISTORY_SERIES_CACHE = "MERIDIAN_HISTORY_SERIES_CACHE";
    public static final String EVENT_RETENTION_HOURS = "MERIDIAN_EVENT_RETENTION_HOURS";
    public static final String LOG_FORMAT = "MERIDIAN_LOG_FORMAT";
    public static final String MQTT_PORT = "MERIDIAN_MQTT_PORT";
    public static final String MQTT_BROKER_URL = "MERIDIAN_MQTT_BROKER_URL";
    public static final String MQTT_BROKER_USERNAME = "MERIDIAN_MQTT_BROKER_USERNAME";
    public static final String MQTT_BROKER_PASSWORD = "MERIDIAN_MQTT_BROKER_PASSWORD";
    public static final String MQTT_BROKER_CLIENT_ID = "MERIDIAN_MQTT_BROKER_CLIENT_ID";
    public static final String INGEST_WRITERS = "MERIDIAN_INGEST_WRITERS";
    public static final String INGEST_QUEUE = "MERIDIAN_INGEST_QUEUE";
    public static final String INGEST_MAX_BATCH = "MERIDIAN_INGEST_MAX_BATCH";
    public static final String INGEST_MAX_PAYLOAD_BYTES = "MERIDIAN_INGEST_MAX_PAYLOAD_BYTES";

    public static Settings fromEnvironment(Map<String, String> environment) {
        Function<String, String> get = environment::get;
        return new Settings(
                text(get, HOST, "127.0.0.1"),
                integer(get, PORT, 8080),
                Path.of(text(get, DATA, "data")),
                text(get, DB_URL, null),
                text(get, DB_USER, null),
                text(get, DB_PASSWORD, null),
                integer(get, DB_POOL_SIZE, 16),
                pathOrNull(text(get, CONTEXTS_DIR, null)),
                text(get, PUBLIC_URL, null),
                longInteger(get, MAX_BODY_BYTES, 8L * 1024 * 1024),
                integer(get, HEADER_TIMEOUT_MS, 10_000),
                integer(get, MAX_BATCH_SIZE, 1000),
                integer(get, GROUP_COMMIT_WRITERS, 2),
                integer(get, DEFAULT_LIMIT, 20),
                integer(get, MAX_LIMIT, 1000),
                integer(get, MAX_QUERY_TERMS, 64),
                integer(get, MAX_GEO_CANDIDATES, 200_000),
                integer(get, NOTIFICATION_MAX_FAILURES, 5),
                integer(get, NOTIFICATION_TIMEOUT_MS, 5_000),
                integer(get, HISTORY_RETENTION_DAYS, 0),
                integer(get, HISTORY_SERIES_CACHE, 100_000),
                integer(get, EVENT_RETENTION_HOURS, 24),
                text(get, LOG_FORMAT, "text"),
                new Ingest(integer(get, MQTT_PORT, 1883), text(get, MQTT_BROKER_URL, null), text(get, MQTT_BROKER_USERNAME, null),
                        text(get, MQTT_BROKER_PASSWORD, null), text(get, MQTT_BROKER_CLIENT_ID, "meridian-ingest"),
                        integer(get, INGEST_WRITERS, 2), integer(get, INGEST_QUEUE, 20_000), integer(get, INGEST_MAX_BATCH, 1000),
                        integer(get, INGEST_MAX_PAYLOAD_BYTES, 64 * 1024)));
    }

    public Settings withPort(int newPort) {
        return new Settings(host, newPort, dataDirectory, databaseUrl, databaseUser, databasePassword, databasePoolSize,
                contextsDirectory, publicUrl, maxBodyBytes, headerTimeoutMillis, maxBatchSize, groupCommitWriters, defaultLimit, maxLimit, maxQueryTerms,
                maxGeoCandidates, notificationMaxFailures, notificationTimeoutMillis, historyRetentionDays, historySeriesCache, eventRetentionHours, logFormat, ingest);
    }

    public Settings withDataDirectory(Path directory) {
        return new Settings(host, port, directory, databaseUrl, databaseUser, databasePassword, databasePoolSize,
                contextsDirectory, publicUrl, maxBodyBytes, headerTimeoutMillis, maxBatchSize, groupCommitWriters, defaultLimit, maxLimit, maxQueryTerms,
                maxGeoCandidates, notificationMaxFailures, notificationTimeoutMillis, historyRetentionDays, historySeriesCache, eventRetentionHours, logFormat, ingest);
    }

    public Settings withMqttPort(int newPort) {
        return new Settings(host, port, dataDirectory, databaseUrl, databaseUser, databasePassword, databasePoolSize,
                contextsDirectory, publicUrl, maxBodyBytes, headerTimeoutMillis, maxBatchSize, groupCommitWriters, defaultLimit, maxLimit, maxQueryTerms,
                maxGeoCandidates, notificationMaxFailures, notificationTimeoutMillis, historyRetentionDays, historySeriesCache, eventRetentionHours, logFormat,
                new Ingest(newPort, ingest.brokerUrl(), ingest.brokerUsername(), ingest.brokerPassword(), ingest.brokerClientId(),
                        ingest.writers(), ingest.queueCapacity(), ingest.maxBatch(), ingest.maxPayloadBytes()));
    }

    public Settings withHost(String newHost) {
        return new Settings(newHost, port, dataDirectory, databaseUrl, databaseUser, databasePassword, databasePoolSize,
                contextsDirectory, publicUrl, maxBodyBytes, headerTimeoutMillis, maxBatchSize, groupCommitWriters, defaultLimit, maxLimit, maxQueryTerms,
                maxGeoCandidates, notificationMaxFailures, notificationTimeoutMillis, historyRetentionDays, historySeriesCache, eventRetentionHours, logFormat, ingest);
    }

    /** Rejects impossible values with a message naming the setting to change. */
    public Settings validate() {
        List<String> problems = new ArrayList<>();
        if (port < 0 || port > 65_535) {
            problems.add(PORT + " must be 0..65535 (0 picks a free port), not " + port);
        }
        if (databasePoolSize < 2 || databasePoolSize > 500) {
            problems.add(DB_POOL_SIZE + " must be 2..500, not " + databasePoolSize);
        }
        if (maxBodyBytes < 1024) {
            problems.add(MAX_BODY_BYTES + " must be at least 1024, not " + maxBodyBytes);
        }
        if (headerTimeoutMillis < 100 || headerTimeoutMillis > 300_000) {
            problems.add(HEADER_TIMEOUT_MS + " must be 100..300000, not " + headerTimeoutMillis);
        }
        if (groupCommitWriters < 0 || groupCommitWriters > 64) {
            problems.add(GROUP_COMMIT_WRITERS + " must be 0..64 (0 writes every request on its own), not " + groupCommitWriters);
        }
        if (maxBatchSize < 1) {
            problems.add(MAX_BATCH_SIZE + " must be at least 1, not " + maxBatchSize);
        }
        if (defaultLimit < 1 || defaultLimit > maxLimit) {
            problems.add(DEFAULT_LIMIT + " must be 1.." + MAX_LIMIT + " (" + maxLimit + "), not " + defaultLimit);
        }
        if (maxQueryTerms < 1) {
            problems.add(MAX_QUERY_TERMS + " must be at least 1, not " + maxQueryTerms);
        }
        if (maxGeoCandidates < 1) {
            problems.add(MAX_GEO_CANDIDATES + " must be at least 1, not " + maxGeoCandidates);
        }
        if (notificationMaxFailures < 1) {
            problems.add(NOTIFICATION_MAX_FAILURES + " must be at least 1, not " + notificationMaxFailures);
        }
        if (notificationTimeoutMillis < 100 || notificationTimeoutMillis > 120_000) {
            problems.add(NOTIFICATION_TIMEOUT_MS + " must be 100..120000, not " + notificationTimeoutMillis);
        }
        if (historyRetentionDays < 0) {
            problems.add(HISTORY_RETENTION_DAYS + " must be 0 (keep forever) or a number of days, not " + historyRetentionDays);
        }
        if (historySeriesCache < 1_000) {
            problems.add(HISTORY_SERIES_CACHE + " must be at least 1000, not " + historySeriesCache);
        }
        if (eventRetentionHours < 1 || eventRetentionHours > 24 * 30) {
            problems.add(EVENT_RETENTION_HOURS + " must be 1..720, not " + eventRetentionHours);
        }
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            problems.add(LOG_FORMAT + " must be text or json, not " + logFormat);
        }
        if (ingest.mqttPort() < -1 || ingest.mqttPort() > 65_535) {
            problems.add(MQTT_PORT + " must be 0..65535 (0 picks a free port) or -1 (off), not " + ingest.mqttPort());
        }
        if (ingest.brokerUrl() != null && !ingest.brokerUrl().matches("(tcp|ssl)://[^/]+")) {
            problems.add(MQTT_BROKER_URL + " must look like tcp://host:1883 or ssl://host:8883, not " + ingest.brokerUrl());
        }
        if (ingest.writers() < 1 || ingest.writers() > 16) {
            problems.add(INGEST_WRITERS + " must be 1..16, not " + ingest.writers());
        }
        if (ingest.queueCapacity() < 100) {
            problems.add(INGEST_QUEUE + " must be at least 100, not " + ingest.queueCapacity());
        }
        if (ingest.maxBatch() < 1 || ingest.maxBatch() > 10_000) {
            problems.add(INGEST_MAX_BATCH + " must be 1..10000, not " + ingest.maxBatch());
        }
        if (ingest.maxPayloadBytes() < 64 || ingest.maxPayloadBytes() > 1024 * 1024) {
            problems.add(INGEST_MAX_PAYLOAD_BYTES + " must be 64..1048576, not " + ingest.maxPayloadBytes());
        }
        if (databaseUrl != null && !databaseUrl.startsWith("jdbc:postgresql:")) {
            problems.add(DB_URL + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), not " + Redaction.url(databaseUrl));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid settings:\n  " + String.join("\n  ", problems));
        }
        return this;
    }

    public String effectivePublicUrl(int actualPort) {
        return publicUrl != null ? publicUrl.replaceAll("/+$", "") : "http://localhost:" + actualPort;
    }

    private static String text(Function<String, String> get, String key, String defaultValue) {
        String value = get.apply(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static Path pathOrNull(String value) {
        return value == null ? null : Path.of(value);
    }

    private static int integer(Function<String, String> get, String key, int defaultValue) {
        return (int) longInteger(get, key, defaultValue);
    }

    private static long longInteger(Function<String, String> get, String key, long defaultValue) {
        String value = text(get, key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
        }
    }
}
