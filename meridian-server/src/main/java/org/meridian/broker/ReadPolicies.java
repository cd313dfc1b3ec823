package org.meridian.broker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.meridian.core.ngsild.AttributeSummary;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.EntityChange;
import org.meridian.core.ngsild.TypeSummary;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadPolicy;
import org.meridian.core.security.ReadScope;
import org.meridian.core.temporal.EntityHistory;

/**
 * The one place every entity read asks what its caller may see: retrieve, query, temporal, type and attribute
 * discovery, notifications (matched for the subscription's owner) and the notification streams (which send only what
 * was matched). Capabilities that govern data add their {@link ReadPolicy}; a caller sees what all of them allow. With
 * none added (until sharing exists), every scope is {@link ReadScope#ALL} and reads cost nothing more.
 */
public final class ReadPolicies {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReadPolicies.class);
    private static final long OWNER_SCOPE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private final List<ReadPolicy> policies = new CopyOnWriteArrayList<>();
    private volatile java.util.function.Function<Caller, Optional<Caller>> owners = Optional::of;
    private final Map<String, OwnerScope> ownerScopes = new java.util.concurrent.ConcurrentHashMap<>();

    private record OwnerScope(ReadScope scope, long expiresNanos) {
    }

    public void add(ReadPolicy policy) {
        policies.add(policy);
    }

    /**
     * How a subscription's owner, as stored with it, is brought up to date: its roles and departments now, or nothing
     * when the account or client is disabled or gone (the identity capability's answer).
     */
    public void refreshOwnersWith(java.util.function.Function<Caller, Optional<Caller>> current) {
        this.owners = current;
    }

    /**
     * Forgets the owners' scopes kept (a grant, an ownership or someone's rights changed on this node: notifications
     * follow at once).
     */
    public void forgetOwnerScopes() {
        ownerScopes.clear();
    }

    /**
     * What a subscription's owner may read now, for matching its notifications: the owner as it is now (a disabled
     * account's subscriptions notify nothing), under the policies as they are now. Matching runs inside writes, for
     * every candidate subscription of every change, so the answer is kept two seconds per owner: a grant revoked or a
     * person's rights changed on this node stop notifications at once ({@link #forgetOwnerScopes}), on another node
     * within two seconds.
     */
    ReadScope ownerScope(Caller stored) {
        if (policies.isEmpty()) {
            return ReadScope.ALL;
        }
        String key = stored.tenant() + "\n" + stored.subject() + "\n" + new java.util.TreeSet<>(stored.departments())
                + "\n" + new java.util.TreeSet<>(stored.roles());
        long now = System.nanoTime();
        OwnerScope cached = ownerScopes.get(key);
        if (cached != null && now - cached.expiresNanos() < 0) {
            return cached.scope();
        }
        ReadScope scope = owners.apply(stored).map(this::scope).orElse(ReadScope.NOTHING);
        if (ownerScopes.size() > 10_000) {
            ownerScopes.clear();
        }
        ownerScopes.put(key, new OwnerScope(scope, now + OWNER_SCOPE_NANOS));
        return scope;
    }

    public ReadScope scope(Caller caller) {
        ReadScope scope = ReadScope.ALL;
        for (ReadPolicy policy : policies) {
            scope = scope.and(policy.scope(caller));
        }
        return scope;
    }

    /** Tells every policy what the caller was shown (sharing records reads across departments in its ledger). */
    void shown(Caller caller, String what, java.util.Collection<Entity> entities) {
        if (!entities.isEmpty()) {
            for (ReadPolicy policy : policies) {
                policy.shown(caller, what.length() > 1000 ? what.substring(0, 1000) + "…" : what, entities);
            }
        }
    }

    /** Tells every policy that the caller counted entities it was not shown. */
    void counted(Caller caller, String what, java.util.Set<String> types, long count) {
        if (count > 0) {
            for (ReadPolicy policy : policies) {
                policy.counted(caller, what.length() > 1000 ? what.substring(0, 1000) + "…" : what, types, count);
            }
        }
    }

    /** Tells every policy that a context source answered part of the caller's read (the ledger of cross-node reads). */
    public void fetched(Caller caller, String what, String source, int count) {
        for (ReadPolicy policy : policies) {
            policy.fetched(caller, what.length() > 1000 ? what.substring(0, 1000) + "…" : what, source, count);
        }
    }

    /** Tells every policy that the subscription of the owner will notify it of the entity (inside a write: cheap). */
    void notified(Caller owner, String subscription, Entity entity) {
        for (ReadPolicy policy : policies) {
            try {
                policy.notified(owner, subscription, entity);
            } catch (RuntimeException e) {
                LOG.warn("a read policy failed to note a notification of subscription {}: {}", subscription, e.toString());
            }
        }
    }

    /** The entity as the scope shows it, or nothing when it may not be seen at all. */
    static Optional<Entity> visible(ReadScope scope, Entity entity) {
        return scope.admits(entity) ? Optional.of(scope.mask(entity)) : Optional.empty();
    }

    /** A change as the scope shows it (masked attributes changed nothing), or nothing when it shows nothing of it. */
    static Optional<EntityChange> visible(ReadScope scope, EntityChange change) {
        if (scope.unrestricted()) {
            return Optional.of(change);
        }
        ReadScope.View view = scope.viewOf(change.entity());
        if (view == null || !scope.admits(change.entity())) {
            // Not of a type it may read, or (for a grant limited to an area) located elsewhere now.
            return Optional.empty();
        }
        if (view.everything() && !scope.limitsPlacesOf(change.entity().types())) {
            return Optional.of(change);
        }
        Set<String> changed = new LinkedHashSet<>(change.changedAttributes());
        changed.removeIf(name -> !view.shows(name));
        if (changed.isEmpty() && change.kind() == EntityChange.Kind.UPDATED) {
            return Optional.empty();
        }
        ObjectNode previous = change.previous().deepCopy();
        previous.retain(java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(
                change.previous().fieldNames(), 0), false).filter(view::shows).toList());
        if (scope.limitsPlacesOf(change.entity().types())) {
            // Shown for where it is now: where it was, and what it was there, may lie outside the area.
            previous.removeAll();
        }
        return Optional.of(new EntityChange(change.kind(), scope.mask(change.entity()), changed, previous));
    }

    static EntityHistory mask(ReadScope scope, EntityHistory history) {
        if (scope.limitsPlacesOf(history.entity().types())) {
            // A grant limited to an area shows an entity for where it is now; its past places and readings may lie
            // outside, so no history is shown under it.
            return new EntityHistory(scope.mask(history.entity()), List.of(), List.of(), null, Map.of());
        }
        ReadScope.View view = scope.viewOf(history.entity().types());
        if (view == null || view.everything()) {
            return history;
        }
        Map<String, Map<String, String>> rendered = new LinkedHashMap<>(history.rendered());
        rendered.keySet().removeIf(name -> !view.shows(name));
        return new EntityHistory(scope.mask(history.entity()),
                history.instances().stream().filter(i -> view.shows(i.attribute())).toList(),
                history.buckets().stream().filter(b -> view.shows(b.attribute())).toList(), history.cut(), rendered);
    }

    static List<TypeSummary> types(ReadScope scope, List<TypeSummary> types) {
        if (scope.unrestricted()) {
            return types;
        }
        return types.stream().filter(t -> scope.admitsType(t.type())).map(t -> {
            Map<String, Set<String>> shown = new LinkedHashMap<>(t.attributeTypes());
            shown.keySet().removeIf(name -> !scope.shows(List.of(t.type()), name));
            return new TypeSummary(t.type(), t.entityCount(), shown);
        }).toList();
    }

    /** Attributes some visible type shows (the store has already counted only the entity types the scope admits). */
    static List<AttributeSummary> attributes(ReadScope scope, List<AttributeSummary> attributes) {
        if (scope.masksNothing()) {
            return attributes;
        }
        return attributes.stream().filter(a -> scope.showsAnywhere(a.attribute())).toList();
    }
}
