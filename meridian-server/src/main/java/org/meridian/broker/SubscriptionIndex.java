package org.meridian.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.subscription.Subscription;

/**
 * A tenant's subscriptions indexed by the entity ids and types they select, so a change is matched against the few
 * that may concern it rather than all of them (profiled: a linear scan of 1,000 subscriptions per change was the
 * dispatcher's largest cost). Subscriptions that select by watched attributes only are always candidates.
 */
final class SubscriptionIndex<T> {
    private final Map<String, List<T>> byId = new HashMap<>();
    private final Map<String, List<T>> byType = new HashMap<>();
    private final List<T> always = new ArrayList<>();

    SubscriptionIndex(List<T> items, Function<T, Subscription> subscription) {
        for (T item : items) {
            List<Subscription.EntitySelector> selectors = subscription.apply(item).entities();
            if (selectors.isEmpty()) {
                always.add(item);
            }
            for (Subscription.EntitySelector selector : selectors) {
                if (selector.id() != null) {
                    byId.computeIfAbsent(selector.id(), id -> new ArrayList<>()).add(item);
                } else {
                    byType.computeIfAbsent(selector.type(), type -> new ArrayList<>()).add(item);
                }
            }
        }
    }

    /** The subscriptions that may select this entity; each still has to match the change itself. */
    Set<T> candidates(Entity entity) {
        Set<T> candidates = new LinkedHashSet<>(always);
        List<T> exact = byId.get(entity.id());
        if (exact != null) {
            candidates.addAll(exact);
        }
        for (String type : entity.types()) {
            List<T> typed = byType.get(type);
            if (typed != null) {
                candidates.addAll(typed);
            }
        }
        return candidates;
    }
}
