package org.meridian.broker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
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

    /**
     * The subscriptions that may select this entity, each once; each still has to match the change itself. Compared
     * by identity: the items are records whose hash codes walk whole parsed subscriptions (profiled).
     */
    List<T> candidates(Entity entity) {
        List<T> candidates = new ArrayList<>(always);
        Set<T> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(always);
        addNew(byId.get(entity.id()), seen, candidates);
        for (String type : entity.types()) {
            addNew(byType.get(type), seen, candidates);
        }
        return candidates;
    }

    private static <T> void addNew(List<T> items, Set<T> seen, List<T> candidates) {
        if (items != null) {
            for (T item : items) {
                if (seen.add(item)) {
                    candidates.add(item);
                }
            }
        }
    }
}
