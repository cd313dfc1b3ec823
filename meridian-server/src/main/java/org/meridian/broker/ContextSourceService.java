package org.meridian.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.meridian.broker.store.ContextSourceStore;
import org.meridian.core.csource.Registration;
import org.meridian.core.csource.RegistrationFilter;
import org.meridian.core.csource.StoredSource;
import org.meridian.core.csource.RegistrationParser;
import org.meridian.core.csource.RegistrationRenderer;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.security.Caller;
import org.meridian.core.subscription.Subscription;
import org.meridian.core.subscription.SubscriptionParser;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/**
 * Context source registrations (clause 5.9, 5.10) and subscriptions to them (clause 5.11). A registration is kept as
 * sent, its information with full IRIs (so an update with another @context reads it the same); discovery reads a
 * tenant's registrations and matches them in memory (there are few: at most {@link #MAX_PER_TENANT}).
 */
public final class ContextSourceService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContextSourceService.class);
    /** Most registrations, and subscriptions to them, a tenant holds (documented in docs/federation.md). */
    public static final int MAX_PER_TENANT = 10_000;

    private final Transactions transactions;
    private final ContextSourceStore registrations = ContextSourceStore.registrations();
    private final ContextSourceStore subscriptions = ContextSourceStore.subscriptions();
    private final TenantStore tenants;
    private final ContextService contexts;
    private final int maxQueryTerms;
    private final Clock clock;

    public ContextSourceService(Transactions transactions, TenantStore tenants, ContextService contexts, int maxQueryTerms,
                                Clock clock) {
        this.transactions = transactions;
        this.tenants = tenants;
        this.contexts = contexts;
        this.maxQueryTerms = maxQueryTerms;
        this.clock = clock;
    }

    /** A registration as stored, and as read with the context it was sent with. */
    public record Shown(StoredSource row, RegistrationParser.Parsed parsed) {
    }

    public String register(Caller caller, JsonNode body, JsonNode contextValue, JsonLdContext context) {
        String tenant = caller.tenant();
        Instant now = clock.instant();
        RegistrationParser.Parsed parsed = RegistrationParser.parse(body, context,
                "urn:ngsi-ld:ContextSourceRegistration:" + UUID.randomUUID(), now);
        String id = parsed.registration().id();
        StoredSource row = new StoredSource(id, RegistrationRenderer.expanded(parsed.body(), parsed.registration()),
                contextValue, true, parsed.registration().expiresAt(), caller.subject(), now, now);
        boolean inserted = transactions.inTransaction(connection -> {
            tenants.ensure(connection, tenant);
            requireRoom(registrations.count(connection, tenant), "registrations");
            return registrations.insert(connection, tenant, row);
        });
        if (!inserted) {
            throw new MeridianException(BrokerError.REGISTRATION_EXISTS, "The registration " + id + " already exists");
        }
        cache.remove(tenant);
        changed(id);
        notifySubscribers(tenant, null, new CsourceNotifier.Version(parsed.registration(), (ObjectNode) row.body()));
        return id;
    }

    private static void requireRoom(int count, String what) {
        if (count >= MAX_PER_TENANT) {
            throw new MeridianException(BrokerError.TOO_MANY_REGISTRATIONS, "A tenant holds at most " + MAX_PER_TENANT
                    + " context source " + what + "; delete some first");
        }
    }

    public Shown registration(Caller caller, String id) {
        String tenant = caller.tenant();
        StoredSource row = transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return registrations.find(connection, tenant, id);
        }).orElseThrow(() -> notFound(id));
        return shown(row);
    }

    private Shown shown(StoredSource row) {
        return new Shown(row, RegistrationParser.parse(row.body(), contexts.resolve(row.context()), row.id(), null));
    }

    private static MeridianException notFound(String id) {
        return new MeridianException(BrokerError.REGISTRATION_NOT_FOUND, "No context source registration " + id);
    }

    /** The registrations the filter selects, by id; expired ones are no longer offered. */
    public List<Shown> query(Caller caller, RegistrationFilter filter) {
        String tenant = caller.tenant();
        transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return null;
        });
        Instant now = clock.instant();
        return registered(tenant, now).stream().filter(shown -> live(shown.parsed().registration(), now))
                .filter(shown -> filter.matches(shown.parsed().registration())).toList();
    }

    private static boolean live(Registration registration, Instant now) {
        return registration.expiresAt() == null || registration.expiresAt().isAfter(now);
    }

    /**
     * The sources to forward an operation to (clause 4.3.6): registrations of the tenant offering what the filter asks
     * for, not expired, with the operation among theirs and not kept local (management.localOnly).
     */
    public List<Registration> sourcesFor(Caller caller, String operation, RegistrationFilter filter) {
        Instant now = clock.instant();
        return registered(caller.tenant(), now).stream().map(shown -> shown.parsed().registration())
                .filter(registration -> live(registration, now))
                .filter(registration -> registration.operations().contains(operation) && !registration.management().localOnly()
                        && filter.matches(registration))
                .toList();
    }

    /**
     * A tenant's registrations, parsed, kept for {@link #CACHED_FOR} so that every read does not query them: this
     * node's own writes refresh them at once, another node's within that time.
     */
    private List<Shown> registered(String tenant, Instant now) {
        Cached cached = cache.get(tenant);
        if (cached != null && cached.until().isAfter(now)) {
            return cached.registrations();
        }
        List<StoredSource> rows = transactions.readOnly(connection -> tenants.exists(connection, tenant)
                ? registrations.list(connection, tenant, null, MAX_PER_TENANT) : List.of());
        List<Shown> parsed = new java.util.ArrayList<>();
        for (StoredSource row : rows) {
            try {
                parsed.add(shown(row));
            } catch (MeridianException e) {
                // One registration that cannot be read now (its remote @context unreachable) spoils no other.
                LOG.warn("context source registration {} of tenant '{}' cannot be read: {}", row.id(), tenant, e.getMessage());
            }
        }
        cache.put(tenant, new Cached(List.copyOf(parsed), now.plus(CACHED_FOR)));
        return parsed;
    }

    /** How long another node's registration changes may take to reach this one's forwarding. */
    public static final java.time.Duration CACHED_FOR = java.time.Duration.ofSeconds(5);

    private record Cached(List<Shown> registrations, Instant until) {
    }

    private final java.util.Map<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * PATCH (clause 5.9.3): the members given replace those stored, a null removes one; the result is checked whole
     * (information, endpoint and the type stay required).
     */
    public void update(Caller caller, String id, JsonNode patch, JsonLdContext context) {
        String tenant = caller.tenant();
        ObjectNode fragment = EntityParser.requireObject(patch, "A registration update");
        if (fragment.hasNonNull("id") && !id.equals(fragment.get("id").asText())) {
            throw MeridianException.badData("The id in the body differs from the id in the URL");
        }
        Instant now = clock.instant();
        CsourceNotifier.Version[] versions = new CsourceNotifier.Version[2];
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            StoredSource stored = registrations.find(connection, tenant, id).orElseThrow(() -> notFound(id));
            requireOwner(caller, stored);
            versions[0] = version(stored);
            ObjectNode merged = ((ObjectNode) stored.body()).deepCopy();
            fragment.properties().forEach(member -> {
                if (member.getValue().isNull() && !List.of("information", "endpoint", "type").contains(member.getKey())) {
                    merged.remove(member.getKey());
                } else {
                    merged.set(member.getKey(), member.getValue());
                }
            });
            merged.put("id", id);
            RegistrationParser.Parsed parsed = RegistrationParser.parse(merged, context, id, fragment.has("expiresAt") ? now : null);
            ObjectNode expanded = RegistrationRenderer.expanded(parsed.body(), parsed.registration());
            registrations.update(connection, tenant, new StoredSource(id, expanded, stored.context(), true,
                    parsed.registration().expiresAt(), stored.owner(), stored.createdAt(), now));
            versions[1] = new CsourceNotifier.Version(parsed.registration(), expanded);
            return null;
        });
        cache.remove(tenant);
        changed(id);
        notifySubscribers(tenant, versions[0], versions[1]);
    }

    private volatile CsourceNotifier notifier;

    /** Subscriptions to registrations are notified through this from now on. */
    public void notifyThrough(CsourceNotifier csourceNotifier) {
        this.notifier = csourceNotifier;
    }

    private void notifySubscribers(String tenant, CsourceNotifier.Version before, CsourceNotifier.Version after) {
        CsourceNotifier current = notifier;
        if (current != null && (before != null || after != null)) {
            current.changed(tenant, before, after);
        }
    }

    /** A stored registration as notifications show it; null when it cannot be read now (its context unreachable). */
    private CsourceNotifier.Version version(StoredSource row) {
        try {
            return new CsourceNotifier.Version(shown(row).parsed().registration(), (ObjectNode) row.body());
        } catch (MeridianException e) {
            return null;
        }
    }

    /** A tenant's live registrations now, for the notifications that list them. */
    public List<CsourceNotifier.Version> versions(String tenant) {
        Instant now = clock.instant();
        return registered(tenant, now).stream().filter(shown -> live(shown.parsed().registration(), now))
                .map(shown -> new CsourceNotifier.Version(shown.parsed().registration(), (ObjectNode) shown.row().body())).toList();
    }

    /** Only who registered a source, or an operator, changes it: one node cannot redirect another's registration. */
    private static void requireOwner(Caller caller, StoredSource stored) {
        if (!caller.unrestricted() && !caller.subject().equals(stored.owner())) {
            throw new MeridianException(BrokerError.NOT_YOUR_DATA, "The registration " + stored.id()
                    + " was made by another client; only it or an operator may change or delete it");
        }
    }

    private final List<java.util.function.Consumer<String>> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told the id of each registration created, changed or deleted here (the forwarder lets a renewed source rest no more). */
    public void whenChanged(java.util.function.Consumer<String> listener) {
        changeListeners.add(listener);
    }

    private void changed(String id) {
        changeListeners.forEach(listener -> listener.accept(id));
    }

    public void delete(Caller caller, String id) {
        String tenant = caller.tenant();
        CsourceNotifier.Version[] before = new CsourceNotifier.Version[1];
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            StoredSource stored = registrations.find(connection, tenant, id).orElseThrow(() -> notFound(id));
            requireOwner(caller, stored);
            before[0] = version(stored);
            if (!registrations.delete(connection, tenant, id)) {
                throw notFound(id);
            }
            return null;
        });
        cache.remove(tenant);
        changed(id);
        notifySubscribers(tenant, before[0], null);
    }

    // Subscriptions to registrations (clause 5.11): checked as subscriptions are, kept as sent, the subscriber's own.

    public String subscribe(Caller caller, JsonNode body, JsonNode contextValue, JsonLdContext context) {
        String tenant = caller.tenant();
        Instant now = clock.instant();
        ObjectNode object = EntityParser.requireObject(body, "A subscription").deepCopy();
        String id = object.hasNonNull("id") ? EntityParser.requireUri(object.get("id").asText(), "The subscription id")
                : "urn:ngsi-ld:Subscription:" + UUID.randomUUID();
        Subscription subscription = SubscriptionParser.parse(id, CsourceNotifier.withoutTemporalQ(object), context, maxQueryTerms, now);
        CsourceNotifier.timeFilter(object.get("temporalQ"));
        object.put("id", id);
        StoredSource row = new StoredSource(id, object, contextValue, subscription.active(),
                subscription.expiresAt(), caller.subject(), now, now);
        boolean inserted = transactions.inTransaction(connection -> {
            tenants.ensure(connection, tenant);
            requireRoom(subscriptions.count(connection, tenant), "subscriptions");
            return subscriptions.insert(connection, tenant, row);
        });
        if (!inserted) {
            throw new MeridianException(BrokerError.SUBSCRIPTION_EXISTS, "The subscription " + id + " already exists");
        }
        CsourceNotifier current = notifier;
        if (current != null) {
            current.subscribed(tenant, row, versions(tenant));
        }
        return id;
    }

    public StoredSource subscription(Caller caller, String id) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return owned(caller, subscriptions.find(connection, tenant, id).orElse(null), id);
        });
    }

    /** Another's subscription is as absent as one that does not exist, as for entity subscriptions. */
    private static StoredSource owned(Caller caller, StoredSource row, String id) {
        if (row == null || !caller.unrestricted() && !row.owner().equals(caller.subject())) {
            throw new MeridianException(BrokerError.SUBSCRIPTION_NOT_FOUND, "No subscription " + id);
        }
        return row;
    }

    public List<StoredSource> subscriptions(Caller caller) {
        String tenant = caller.tenant();
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            return subscriptions.list(connection, tenant, caller.unrestricted() ? null : caller.subject(), MAX_PER_TENANT);
        });
    }

    public void updateSubscription(Caller caller, String id, JsonNode patch, JsonLdContext context) {
        String tenant = caller.tenant();
        ObjectNode fragment = EntityParser.requireObject(patch, "A subscription update");
        if (fragment.hasNonNull("id") && !id.equals(fragment.get("id").asText())) {
            throw MeridianException.badData("The id in the body differs from the id in the URL");
        }
        Instant now = clock.instant();
        StoredSource[] updated = new StoredSource[1];
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            StoredSource stored = owned(caller, subscriptions.find(connection, tenant, id).orElse(null), id);
            ObjectNode merged = ((ObjectNode) stored.body()).deepCopy();
            merged.setAll(fragment);
            merged.put("id", id);
            Subscription subscription = SubscriptionParser.parse(id, CsourceNotifier.withoutTemporalQ(merged), context, maxQueryTerms, now);
            CsourceNotifier.timeFilter(merged.get("temporalQ"));
            StoredSource row = new StoredSource(id, merged, stored.context(), subscription.active(), subscription.expiresAt(),
                    stored.owner(), stored.createdAt(), now);
            subscriptions.update(connection, tenant, row);
            updated[0] = row;
            return null;
        });
        // Changed, it is told of all it matches now (clause 5.11.7).
        CsourceNotifier current = notifier;
        if (current != null && updated[0] != null) {
            current.subscribed(tenant, updated[0], versions(tenant));
        }
    }

    public void unsubscribe(Caller caller, String id) {
        String tenant = caller.tenant();
        transactions.inTransaction(connection -> {
            tenants.require(connection, tenant);
            owned(caller, subscriptions.find(connection, tenant, id).orElse(null), id);
            return subscriptions.delete(connection, tenant, id);
        });
    }

    /** Whether a subscription has passed its expiresAt. */
    public boolean expired(StoredSource row) {
        return row.expiresAt() != null && !row.expiresAt().isAfter(clock.instant());
    }
}
