package org.meridian.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.meridian.platform.capability.Environment;

/** The broker's settings, with their defaults; README.md's settings table lists the same keys. */
public record BrokerSettings(
        Path contextsDirectory,
        String publicUrl,
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
        int temporalMaxInstances,
        String contextFetch,
        String contextFetchHosts,
        String contextFetchPrivate) {

    public static final String CONTEXTS_DIR = "MERIDIAN_CONTEXTS_DIR";
    public static final String PUBLIC_URL = "MERIDIAN_PUBLIC_URL";
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
    public static final String TEMPORAL_MAX_INSTANCES = "MERIDIAN_TEMPORAL_MAX_INSTANCES";
    public static final String CONTEXT_FETCH = "MERIDIAN_CONTEXT_FETCH";
    public static final String CONTEXT_FETCH_HOSTS = "MERIDIAN_CONTEXT_FETCH_HOSTS";
    public static final String CONTEXT_FETCH_PRIVATE = "MERIDIAN_CONTEXT_FETCH_PRIVATE";

    public static BrokerSettings from(Environment environment) {
        return new BrokerSettings(
                environment.path(CONTEXTS_DIR),
                environment.text(PUBLIC_URL, null),
                environment.integer(MAX_BATCH_SIZE, 1000),
                environment.integer(GROUP_COMMIT_WRITERS, 2),
                environment.integer(DEFAULT_LIMIT, 20),
                environment.integer(MAX_LIMIT, 1000),
                environment.integer(MAX_QUERY_TERMS, 64),
                environment.integer(MAX_GEO_CANDIDATES, 200_000),
                environment.integer(NOTIFICATION_MAX_FAILURES, 5),
                environment.integer(NOTIFICATION_TIMEOUT_MS, 5_000),
                environment.integer(HISTORY_RETENTION_DAYS, 0),
                environment.integer(HISTORY_SERIES_CACHE, 100_000),
                environment.integer(TEMPORAL_MAX_INSTANCES, 10_000),
                environment.text(CONTEXT_FETCH, "on"),
                environment.text(CONTEXT_FETCH_HOSTS, ""),
                environment.text(CONTEXT_FETCH_PRIVATE, "false"));
    }

    /** Impossible values, each with the setting to change. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
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
        if (!contextFetch.equals("on") && !contextFetch.equals("off")) {
            problems.add(CONTEXT_FETCH + " must be on or off, not '" + contextFetch + "'");
        }
        if (!contextFetchPrivate.equals("true") && !contextFetchPrivate.equals("false")) {
            problems.add(CONTEXT_FETCH_PRIVATE + " must be true or false, not '" + contextFetchPrivate + "'");
        }
        if (temporalMaxInstances < 1 || temporalMaxInstances > 100_000) {
            problems.add(TEMPORAL_MAX_INSTANCES + " must be 1..100000, not " + temporalMaxInstances);
        }
        return problems;
    }

    /** How unknown @context URLs are fetched: 5 s, 1 MiB, the hosts listed (none: any), public addresses only. */
    public ContextFetcher contextFetcher() {
        java.util.Set<String> hosts = new java.util.HashSet<>();
        for (String host : contextFetchHosts.split(",")) {
            if (!host.isBlank()) {
                hosts.add(host.strip().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return new ContextFetcher(contextFetch.equals("on"), hosts, contextFetchPrivate.equals("true"),
                java.time.Duration.ofSeconds(5), 1 << 20);
    }

    /** The base URL hosted {@code @context} documents are published under. */
    public String effectivePublicUrl(int actualPort) {
        return publicUrl != null ? publicUrl.replaceAll("/+$", "") : "http://localhost:" + actualPort;
    }
}
