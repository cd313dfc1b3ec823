package org.meridian.platform;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A small concurrent cache whose entries expire, so that every node of a cluster converges on the shared database
 * within the time to live instead of serving a stale copy forever.
 */
public final class ExpiringCache<K, V> {
    private record Entry<V>(V value, long expiresAtNanos) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final long timeToLiveNanos;
    private final int maximumSize;

    public ExpiringCache(Duration timeToLive, int maximumSize) {
        this.timeToLiveNanos = timeToLive.toNanos();
        this.maximumSize = maximumSize;
    }

    /** The value kept for the key, or the loader's (kept then; a null is kept too). */
    public V get(K key, Function<K, V> loader) {
        long now = System.nanoTime();
        Entry<V> entry = entries.get(key);
        if (entry != null && now - entry.expiresAtNanos < 0) {
            return entry.value;
        }
        V value = loader.apply(key);
        if (entries.size() >= maximumSize) {
            // Rare and cheap to rebuild: dropping everything beats tracking recency on every hit.
            entries.clear();
        }
        entries.put(key, new Entry<>(value, now + timeToLiveNanos));
        return value;
    }

    public void invalidateAll() {
        entries.clear();
    }
}
