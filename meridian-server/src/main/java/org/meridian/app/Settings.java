package org.meridian.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meridian.core.security.Redaction;
import org.meridian.platform.capability.Environment;

/**
 * The platform's own settings (where it listens, where its data is, its database, request limits, the change stream),
 * with their defaults. Each capability reads its own from the same {@link #environment()} (BrokerSettings,
 * IngestSettings…). Read from environment variables; command-line options override. README.md's table lists every key.
 */
public record Settings(
        Environment environment,
        String host,
        int port,
        Path dataDirectory,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePoolSize,
        long maxBodyBytes,
        int headerTimeoutMillis,
        int eventRetentionHours,
        String logFormat,
        int rateLimitPerSecond,
        int rateLimitBurst,
        String openToAnyone) {

    public static final String HOST = "MERIDIAN_HOST";
    public static final String PORT = "MERIDIAN_PORT";
    public static final String DATA = "MERIDIAN_DATA";
    public static final String DB_URL = "MERIDIAN_DB_URL";
    public static final String DB_USER = "MERIDIAN_DB_USER";
    public static final String DB_PASSWORD = "MERIDIAN_DB_PASSWORD";
    public static final String DB_POOL_SIZE = "MERIDIAN_DB_POOL_SIZE";
    public static final String MAX_BODY_BYTES = "MERIDIAN_MAX_BODY_BYTES";
    public static final String HEADER_TIMEOUT_MS = "MERIDIAN_HEADER_TIMEOUT_MS";
    public static final String EVENT_RETENTION_HOURS = "MERIDIAN_EVENT_RETENTION_HOURS";
    public static final String LOG_FORMAT = "MERIDIAN_LOG_FORMAT";
    public static final String RATE_LIMIT_PER_SECOND = "MERIDIAN_RATE_LIMIT_PER_SECOND";
    public static final String RATE_LIMIT_BURST = "MERIDIAN_RATE_LIMIT_BURST";
    public static final String OPEN_TO_ANYONE = "MERIDIAN_OPEN_TO_ANYONE";
    /** What {@link #OPEN_TO_ANYONE} may open: the routes that otherwise need a role only for the operators' sake. */
    private static final Map<String, org.meridian.platform.http.Access> OPENABLE = Map.of(
            "metrics", org.meridian.platform.http.Access.MONITOR, "openapi", org.meridian.platform.http.Access.API_DOCUMENT);

    public static Settings fromEnvironment(Map<String, String> environment) {
        return from(new Environment(environment));
    }

    static Settings from(Environment environment) {
        return new Settings(
                environment,
                environment.text(HOST, "127.0.0.1"),
                environment.integer(PORT, 8080),
                Path.of(environment.text(DATA, "data")),
                environment.text(DB_URL, null),
                environment.text(DB_USER, null),
                environment.text(DB_PASSWORD, null),
                environment.integer(DB_POOL_SIZE, 16),
                environment.longInteger(MAX_BODY_BYTES, 8L * 1024 * 1024),
                environment.integer(HEADER_TIMEOUT_MS, 10_000),
                environment.integer(EVENT_RETENTION_HOURS, 24),
                environment.text(LOG_FORMAT, "text"),
                environment.integer(RATE_LIMIT_PER_SECOND, 200),
                environment.integer(RATE_LIMIT_BURST, 1_000),
                environment.text(OPEN_TO_ANYONE, ""));
    }

    /** The kinds of route anyone may use without signing in, by this setting (a Prometheus scraper without a key). */
    public java.util.Set<org.meridian.platform.http.Access> openedToAnyone() {
        java.util.Set<org.meridian.platform.http.Access> opened = java.util.EnumSet.noneOf(org.meridian.platform.http.Access.class);
        for (String name : openToAnyone.split(",")) {
            org.meridian.platform.http.Access access = OPENABLE.get(name.strip());
            if (access != null) {
                opened.add(access);
            }
        }
        return opened;
    }

    public Settings withPort(int newPort) {
        return from(environment.with(PORT, String.valueOf(newPort)));
    }

    public Settings withDataDirectory(Path directory) {
        return from(environment.with(DATA, directory.toString()));
    }

    public Settings withHost(String newHost) {
        return from(environment.with(HOST, newHost));
    }

    /** Never the password, nor the other values of the environment (secrets of capabilities among them). */
    @Override
    public String toString() {
        return "Settings[host=" + host + ", port=" + port + ", data=" + dataDirectory + ", database="
                + (databaseUrl == null ? "embedded" : Redaction.url(databaseUrl)) + "]";
    }

    /** Impossible values of the platform's own settings, each with the setting to change. */
    public List<String> problems() {
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
        if (rateLimitPerSecond < 0 || rateLimitPerSecond > 1_000_000) {
            problems.add(RATE_LIMIT_PER_SECOND + " must be 0 (no limit)..1000000, not " + rateLimitPerSecond);
        }
        if (rateLimitBurst < 1 || rateLimitBurst > 10_000_000) {
            problems.add(RATE_LIMIT_BURST + " must be 1..10000000, not " + rateLimitBurst);
        }
        for (String name : openToAnyone.split(",")) {
            if (!name.isBlank() && !OPENABLE.containsKey(name.strip())) {
                problems.add(OPEN_TO_ANYONE + " names what anyone may read without signing in: metrics, openapi (not '"
                        + name.strip() + "')");
            }
        }
        if (headerTimeoutMillis < 100 || headerTimeoutMillis > 300_000) {
            problems.add(HEADER_TIMEOUT_MS + " must be 100..300000, not " + headerTimeoutMillis);
        }
        if (eventRetentionHours < 1 || eventRetentionHours > 24 * 30) {
            problems.add(EVENT_RETENTION_HOURS + " must be 1..720, not " + eventRetentionHours);
        }
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            problems.add(LOG_FORMAT + " must be text or json, not " + logFormat);
        }
        if (databaseUrl != null && !databaseUrl.startsWith("jdbc:postgresql:")) {
            problems.add(DB_URL + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), not " + Redaction.url(databaseUrl));
        }
        return problems;
    }
}
