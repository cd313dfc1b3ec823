package org.meridian.platform.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per client: a token bucket per caller (its subject when signed in, its address otherwise) that refills at
 * {@code perSecond} up to {@code burst}. In memory on each node: behind a load balancer the limit is per node. The
 * table of buckets is bounded: past its size, full buckets (clients at rest) are forgotten first.
 */
final class RateLimiter {
    private static final int MAX_CLIENTS = 100_000;

    private static final class Bucket {
        private double tokens;
        private long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    boolean enabled() {
        return perSecond > 0;
    }

    /** Takes a token for the client; false when it has none left (the request is refused). */
    boolean tryAcquire(String client) {
        long now = System.nanoTime();
        if (buckets.size() >= MAX_CLIENTS && !buckets.containsKey(client)) {
            forgetRested(now);
        }
        Bucket bucket = buckets.computeIfAbsent(client, key -> new Bucket(burst, now));
        synchronized (bucket) {
            refill(bucket, now);
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens -= 1;
            return true;
        }
    }

    /** Whole seconds until the client has a token again (for Retry-After). */
    long secondsUntilNext() {
        return Math.max(1, (long) Math.ceil(1 / perSecond));
    }

    private void refill(Bucket bucket, long now) {
        bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedNanos) / 1e9 * perSecond);
        bucket.updatedNanos = now;
    }

    private void forgetRested(long now) {
        buckets.values().removeIf(bucket -> {
            synchronized (bucket) {
                refill(bucket, now);
                return bucket.tokens >= burst;
            }
        });
        if (buckets.size() >= MAX_CLIENTS) {
            buckets.clear();
        }
    }
}
