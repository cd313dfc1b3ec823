package org.meridian.sharing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.meridian.core.security.Caller;

/**
 * What subscriptions notified their owners of, counted in memory between ledger entries: matching runs inside every
 * write, so a ledger append per notification would put the ledger's chain on the write path. Counted per subscription
 * and entity types; {@link Sharing#flushNotifications} turns the counts into ledger entries. Nothing counted is lost
 * to a flush running at the same time: each key's count is taken out atomically, and a count added later starts anew.
 */
final class NotificationTally {
    record Key(Caller owner, String subscription, List<String> types) {
    }

    private final Map<Key, Long> counts = new ConcurrentHashMap<>();

    void add(Caller owner, String subscription, List<String> types) {
        counts.merge(new Key(owner, subscription, List.copyOf(types)), 1L, Long::sum);
    }

    /** Puts counts taken out back (their ledger entries could not be stored). */
    void restore(Map<Key, Long> drained) {
        drained.forEach((key, count) -> counts.merge(key, count, Long::sum));
    }

    /** Takes out every count so far. */
    Map<Key, Long> drain() {
        Map<Key, Long> drained = new LinkedHashMap<>();
        for (Key key : counts.keySet()) {
            Long count = counts.remove(key);
            if (count != null) {
                drained.put(key, count);
            }
        }
        return drained;
    }
}
