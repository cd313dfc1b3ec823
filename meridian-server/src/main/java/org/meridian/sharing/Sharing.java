package org.meridian.sharing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.meridian.core.error.MeridianException;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadPolicy;
import org.meridian.core.security.ReadScope;
import org.meridian.core.security.Role;
import org.meridian.core.security.WritePolicy;
import org.meridian.identity.IdentityService;
import org.meridian.platform.db.Transactions;
import org.meridian.sharing.store.LedgerStore;
import org.meridian.sharing.store.SharingStore;

/**
 * Governed sharing: which department owns each dataset (an entity type), requests to read another's, the owner's
 * decisions, grants that expire or are revoked, and the policies the broker applies on every read and write:
 * <ul>
 *   <li>the platform, operators, and people whose roles are tenant-wide (the city's dispatchers, auditors,
 *       evaluators) read everything;</li>
 *   <li>a department reads the datasets it owns, whole, and what its grants in force allow of others';</li>
 *   <li>anyone else (not signed in) reads the published datasets, without the attributes their owner drops;</li>
 *   <li>a department writes only the types it owns; types no dataset names are the operators' (and a system client
 *       of no department's, which only operators create).</li>
 * </ul>
 * Every read that shows a department another's data, and every decision, is appended to the exchange ledger.
 */
public final class Sharing implements ReadPolicy, WritePolicy, AutoCloseable {
    static final Duration MAX_GRANT = Duration.ofDays(3 * 366);

    private final Transactions transactions;
    private final SharingStore store;
    private final Ledger ledger;
    private final LedgerStore ledgerStore;
    private final IdentityService identity;
    private final Clock clock;
    private final LedgerAppender appender;

    private final Runnable policiesChanged;
    private final NotificationTally notifications = new NotificationTally();
    private volatile Instant notificationsSince;

    Sharing(Transactions transactions, SharingStore store, Ledger ledger, LedgerStore ledgerStore, IdentityService identity, Clock clock,
            Runnable policiesChanged) {
        this.policiesChanged = policiesChanged;
        this.appender = new LedgerAppender(transactions, ledger);
        this.transactions = transactions;
        this.store = store;
        this.ledger = ledger;
        this.ledgerStore = ledgerStore;
        this.identity = identity;
        this.clock = clock;
        this.notificationsSince = clock.instant();
    }

    // ---- the policies -------------------------------------------------------------------------------------------

    /** Whether the caller reads (and writes) the whole tenant: the platform, operators, tenant-wide roles. */
    private static boolean wholeTenant(Caller caller) {
        return caller.unrestricted() || caller.departments().isEmpty() && caller.roles().stream()
                .anyMatch(role -> !role.equals(Role.CITIZEN.id()) && !role.equals(Role.MONITOR.id()));
    }

    @Override
    public ReadScope scope(Caller caller) {
        if (wholeTenant(caller)) {
            return ReadScope.ALL;
        }
        Instant now = clock.instant();
        return transactions.readOnly(connection -> {
            Map<String, ReadScope.View> visible = new HashMap<>();
            List<Dataset> datasets = store.datasets(connection, caller.tenant());
            if (caller.departments().isEmpty()) {
                for (Dataset dataset : datasets) {
                    if (dataset.published()) {
                        visible.put(dataset.entityType(), ReadScope.View.except(dataset.openDrop()));
                    }
                }
                return new ReadScope(visible);
            }
            for (Dataset dataset : datasets) {
                if (caller.departments().contains(dataset.owner())) {
                    visible.put(dataset.entityType(), ReadScope.View.EVERYTHING);
                }
            }
            for (Grant grant : store.activeGrants(connection, caller.tenant(), caller.departments(), now)) {
                ReadScope.View view = grant.attributes() == null ? ReadScope.View.EVERYTHING : ReadScope.View.only(grant.attributes());
                if (grant.area() != null) {
                    view = view.within(List.of(grant.area()));
                }
                visible.merge(grant.entityType(), view, ReadScope.View::or);
            }
            return new ReadScope(visible);
        });
    }

    @Override
    public Set<String> writableTypes(Caller caller) {
        if (caller.unrestricted() || caller.departments().isEmpty() && caller.has(Role.SYSTEM)) {
            // An operator, the platform, or a system client of no department (the city's own integration, which
            // only an operator can create): every type.
            return null;
        }
        if (caller.departments().isEmpty()) {
            return Set.of();
        }
        return transactions.readOnly(connection -> {
            Set<String> owned = new HashSet<>();
            for (Dataset dataset : store.datasets(connection, caller.tenant())) {
                if (caller.departments().contains(dataset.owner())) {
                    owned.add(dataset.entityType());
                }
            }
            return owned;
        });
    }

    /** Records reads of other departments' datasets: one ledger entry per dataset read, with the grant it used. */
    @Override
    public void shown(Caller caller, String what, Collection<Entity> entities) {
        if (entities.isEmpty() || !accountable(caller)) {
            return;
        }
        Instant now = clock.instant();
        List<Ledger.Record> records = transactions.readOnly(connection -> {
            Map<String, Dataset> datasets = datasetsByType(connection, caller.tenant());
            Map<String, Integer> counts = new HashMap<>();
            for (Entity entity : entities) {
                Dataset dataset = foreignDataset(datasets, entity.types(), caller);
                if (dataset != null) {
                    counts.merge(dataset.entityType(), 1, Integer::sum);
                }
            }
            if (counts.isEmpty()) {
                return List.<Ledger.Record>of();
            }
            Map<String, UUID> grantOf = grantsByType(connection, caller, now);
            List<Ledger.Record> found = new ArrayList<>();
            counts.forEach((type, count) -> found.add(readRecord(caller, "read", grantOf, datasets.get(type), count, what)));
            return found;
        });
        // Stored before the answer goes out; readers arriving together share one commit.
        appender.append(records);
    }

    /**
     * Records counts of other departments' data (a count-only query shows no entity, yet tells how many there are): an
     * entry per foreign dataset the query named with the number matched, or one entry when it named no type.
     */
    @Override
    public void counted(Caller caller, String what, Set<String> types, long count) {
        if (!accountable(caller)) {
            return;
        }
        Instant now = clock.instant();
        int matched = (int) Math.min(count, Integer.MAX_VALUE);
        List<Ledger.Record> records = transactions.readOnly(connection -> {
            Map<String, Dataset> datasets = datasetsByType(connection, caller.tenant());
            Map<String, UUID> grantOf = grantsByType(connection, caller, now);
            List<Ledger.Record> found = new ArrayList<>();
            if (types.isEmpty()) {
                boolean othersExist = datasets.values().stream().anyMatch(d -> !caller.departments().contains(d.owner()));
                if (othersExist) {
                    found.add(new Ledger.Record(caller.tenant(), actor(caller), "count", null, matched,
                            what + " | any type, others' datasets included"));
                }
                return found;
            }
            for (String type : types) {
                Dataset dataset = foreignDataset(datasets, List.of(type), caller);
                if (dataset != null) {
                    found.add(readRecord(caller, "count", grantOf, dataset, matched,
                            what + (types.size() > 1 ? " | matched across " + types.size() + " types" : "")));
                }
            }
            return found;
        });
        appender.append(records);
    }

    /**
     * Records a read another node answered (a child's data read by its parent, say): every one, whatever the department,
     * since data crossing nodes is an exchange between governments; the child records its side as a read by the
     * parent's key.
     */
    @Override
    public void fetched(Caller caller, String what, String source, int count) {
        appender.append(List.of(new Ledger.Record(caller.tenant(), actor(caller), "remote-read", null, count,
                what + " | from " + source)));
    }

    /** Counts what a subscription will notify its owner of (in memory; inside a write): see {@link #flushNotifications}. */
    @Override
    public void notified(Caller owner, String subscription, Entity entity) {
        if (accountable(owner)) {
            notifications.add(owner, subscription, entity.types());
        }
    }

    /**
     * Turns what subscriptions notified since the last time into ledger entries: one per subscription and foreign
     * dataset, with the number of entities notified and the grant in force for the owner as they are now. Runs every
     * minute and when the node stops.
     */
    public void flushNotifications() {
        Instant since = notificationsSince;
        Instant until = clock.instant();
        Map<NotificationTally.Key, Long> counted = notifications.drain();
        if (counted.isEmpty()) {
            notificationsSince = until;
            return;
        }
        try {
            recordNotifications(counted, since);
        } catch (RuntimeException e) {
            // Counted again with what comes next, still "since" the same moment.
            notifications.restore(counted);
            throw e;
        }
        notificationsSince = until;
    }

    private void recordNotifications(Map<NotificationTally.Key, Long> counted, Instant since) {
        Map<Caller, Caller> current = new HashMap<>();
        counted.keySet().forEach(key -> current.computeIfAbsent(key.owner(), owner -> identity.current(owner).orElse(owner)));
        Instant now = clock.instant();
        List<Ledger.Record> records = transactions.readOnly(connection -> {
            Map<String, Map<String, Dataset>> datasets = new HashMap<>();
            Map<Caller, Map<String, UUID>> grants = new HashMap<>();
            Map<List<Object>, Long> perDataset = new java.util.LinkedHashMap<>();
            for (Map.Entry<NotificationTally.Key, Long> entry : counted.entrySet()) {
                Caller owner = current.get(entry.getKey().owner());
                if (!datasets.containsKey(owner.tenant())) {
                    datasets.put(owner.tenant(), datasetsByType(connection, owner.tenant()));
                }
                Dataset dataset = foreignDataset(datasets.get(owner.tenant()), entry.getKey().types(), owner);
                if (dataset != null) {
                    perDataset.merge(List.of(owner, entry.getKey().subscription(), dataset), entry.getValue(), Long::sum);
                }
            }
            List<Ledger.Record> found = new ArrayList<>();
            for (Map.Entry<List<Object>, Long> entry : perDataset.entrySet()) {
                Caller owner = (Caller) entry.getKey().get(0);
                if (!grants.containsKey(owner)) {
                    grants.put(owner, grantsByType(connection, owner, now));
                }
                found.add(readRecord(owner, "notified", grants.get(owner), (Dataset) entry.getKey().get(2),
                        (int) Math.min(entry.getValue(), Integer.MAX_VALUE),
                        "subscription " + entry.getKey().get(1) + " | notifications matched since " + since));
            }
            return found;
        });
        appender.append(records);
    }

    /** Whether the caller's reads are recorded: people and machine clients (not the platform, not anonymous readers). */
    private static boolean accountable(Caller caller) {
        String subject = caller.subject();
        return subject.startsWith("account:") || subject.startsWith("client:") || subject.startsWith("oidc:");
    }

    private Map<String, Dataset> datasetsByType(java.sql.Connection connection, String tenant) throws java.sql.SQLException {
        Map<String, Dataset> datasets = new HashMap<>();
        store.datasets(connection, tenant).forEach(d -> datasets.put(d.entityType(), d));
        return datasets;
    }

    /** The first of the types that is a dataset of a department other than the caller's, or null. */
    private static Dataset foreignDataset(Map<String, Dataset> datasets, List<String> types, Caller caller) {
        for (String type : types) {
            Dataset dataset = datasets.get(type);
            if (dataset != null && !caller.departments().contains(dataset.owner())) {
                return dataset;
            }
        }
        return null;
    }

    /** The grant in force for each type the caller's departments were granted. */
    private Map<String, UUID> grantsByType(java.sql.Connection connection, Caller caller, Instant now) throws java.sql.SQLException {
        Map<String, UUID> grantOf = new HashMap<>();
        if (!caller.departments().isEmpty()) {
            store.activeGrants(connection, caller.tenant(), caller.departments(), now)
                    .forEach(grant -> grantOf.putIfAbsent(grant.entityType(), grant.id()));
        }
        return grantOf;
    }

    private static Ledger.Record readRecord(Caller caller, String kind, Map<String, UUID> grantOf, Dataset dataset, int count,
                                            String what) {
        String type = dataset.entityType();
        return new Ledger.Record(caller.tenant(), actor(caller), kind, grantOf.get(type), count, what + " | dataset " + type
                + " of " + dataset.owner() + (grantOf.containsKey(type) ? "" : " | by a tenant-wide role"));
    }

    private static String actor(Caller caller) {
        return caller.subject() + (caller.departments().isEmpty() ? "" : " " + new java.util.TreeSet<>(caller.departments()));
    }

    /** Stops the ledger's appender once what is queued, and what subscriptions notified, is stored. */
    @Override
    public void close() {
        try {
            flushNotifications();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Sharing.class).warn("what subscriptions notified since {} could not be "
                    + "recorded in the exchange ledger: {}", notificationsSince, e.toString());
        }
        appender.close();
    }

    // ---- the catalogue ------------------------------------------------------------------------------------------

    public List<Dataset> datasets(Caller caller) {
        return transactions.readOnly(connection -> store.datasets(connection, caller.tenant()));
    }

    public Dataset dataset(Caller caller, String entityType) {
        return transactions.readOnly(connection -> store.dataset(connection, caller.tenant(), entityType))
                .orElseThrow(() -> notFound("dataset " + entityType));
    }

    /**
     * Declares or describes a dataset. Ownership is the operators' to give; the owner's administrator may describe
     * and publish it. Returns whether it was new.
     */
    public boolean putDataset(Caller caller, Dataset wanted) {
        return changingPolicies(connection -> {
            Optional<Dataset> existing = store.dataset(connection, caller.tenant(), wanted.entityType());
            boolean operator = caller.unrestricted();
            if (!operator) {
                if (existing.isEmpty() || !existing.get().owner().equals(wanted.owner())) {
                    throw new MeridianException(SharingError.NOT_YOURS, "Only operators give a dataset its owner");
                }
                requireAdmin(caller, existing.get().owner());
            }
            if (!identity.departmentExists(caller.tenant(), wanted.owner())) {
                throw invalid("There is no department " + wanted.owner() + " in this tenant");
            }
            boolean created = store.putDataset(connection, wanted);
            ledger.append(connection, List.of(new Ledger.Record(caller.tenant(), actor(caller), created ? "dataset-declared" : "dataset-described",
                    null, 0, "dataset " + wanted.entityType() + " owned by " + wanted.owner() + (wanted.published() ? ", published" : ""))));
            return created;
        });
    }

    // ---- requests and grants ------------------------------------------------------------------------------------

    public ShareRequest request(Caller caller, String entityType, String department, Set<String> attributes, ReadScope.Area area,
                                String purpose, Instant until) {
        String requester = department != null ? department
                : caller.departments().size() == 1 ? caller.departments().iterator().next() : null;
        if (requester == null || !caller.departments().contains(requester) && !caller.unrestricted()) {
            throw invalid("Name the requesting department (one of yours: " + caller.departments() + ")");
        }
        if (purpose == null || purpose.isBlank() || purpose.length() > 2000) {
            throw invalid("A request states its purpose (1 to 2000 characters)");
        }
        Instant now = clock.instant();
        if (until == null || !until.isAfter(now) || until.isAfter(now.plus(MAX_GRANT))) {
            throw invalid("until is a time in the next three years");
        }
        ShareRequest request = new ShareRequest(UUID.randomUUID(), caller.tenant(), entityType, requester, attributes, purpose.strip(), until,
                "pending", "", caller.subject(), null, now, area);
        transactions.inTransaction(connection -> {
            Dataset dataset = store.dataset(connection, caller.tenant(), entityType).orElseThrow(() -> notFound("dataset " + entityType));
            if (dataset.owner().equals(requester)) {
                throw invalid(requester + " owns " + entityType + " already");
            }
            store.addRequest(connection, request);
            ledger.append(connection, List.of(new Ledger.Record(caller.tenant(), actor(caller), "requested", null, 0,
                    "request " + request.id() + ": " + requester + " asks for " + entityType + attributesText(attributes)
                            + areaText(area) + " until " + until + " for: " + request.purpose())));
            return null;
        });
        return request;
    }

    public List<ShareRequest> requests(Caller caller) {
        return transactions.readOnly(connection -> store.requests(connection, caller.tenant(),
                wholeTenant(caller) ? null : caller.departments()));
    }

    /**
     * The owner's decision on a request: grant it (as asked, or narrowed to fewer attributes, a smaller area or a
     * shorter period), or refuse it with a reason. Returns the grant, when one was given.
     */
    public Optional<Grant> decide(Caller caller, UUID requestId, boolean grant, Set<String> narrowedAttributes,
                                  ReadScope.Area narrowedArea, Instant narrowedUntil, String reason) {
        if (!grant && (reason == null || reason.isBlank())) {
            throw invalid("A refusal gives its reason");
        }
        return changingPolicies(connection -> {
            ShareRequest request = store.request(connection, caller.tenant(), requestId, true).orElseThrow(() -> notFound("request " + requestId));
            Dataset dataset = store.dataset(connection, caller.tenant(), request.entityType())
                    .orElseThrow(() -> notFound("dataset " + request.entityType()));
            requireAdmin(caller, dataset.owner());
            if (!request.status().equals("pending")) {
                throw new MeridianException(SharingError.ALREADY_DECIDED, "The request was " + request.status() + " already");
            }
            String why = reason == null ? "" : reason.strip();
            if (!grant) {
                store.decide(connection, requestId, "refused", why, caller.subject());
                ledger.append(connection, List.of(new Ledger.Record(caller.tenant(), actor(caller), "refused", null, 0,
                        "request " + requestId + " of " + request.requester() + " for " + request.entityType() + ": " + why)));
                return Optional.<Grant>empty();
            }
            Set<String> attributes = request.attributes();
            if (narrowedAttributes != null) {
                if (attributes != null && !attributes.containsAll(narrowedAttributes)) {
                    throw invalid("A grant may narrow what was asked, not widen it");
                }
                attributes = narrowedAttributes;
            }
            ReadScope.Area area = request.area();
            if (narrowedArea != null) {
                if (area != null && !area.covers(narrowedArea)) {
                    throw invalid("A grant may narrow the area asked for, not widen it");
                }
                area = narrowedArea;
            }
            Instant until = request.wantedUntil();
            if (narrowedUntil != null) {
                if (narrowedUntil.isAfter(until) || !narrowedUntil.isAfter(clock.instant())) {
                    throw invalid("A grant may end sooner than asked, not later, and not in the past");
                }
                until = narrowedUntil;
            }
            Grant given = new Grant(UUID.randomUUID(), caller.tenant(), request.entityType(), request.requester(), attributes, until,
                    null, requestId, caller.subject(), area);
            store.addGrant(connection, given);
            store.decide(connection, requestId, "granted", why, caller.subject());
            ledger.append(connection, List.of(new Ledger.Record(caller.tenant(), actor(caller), "granted", given.id(), 0,
                    "request " + requestId + ": " + request.requester() + " may read " + request.entityType()
                            + attributesText(attributes) + areaText(area) + " until " + until + (why.isEmpty() ? "" : ": " + why))));
            return Optional.of(given);
        });
    }

    /** A grant the owner gives without a request (an agreement made elsewhere). */
    public Grant grant(Caller caller, String entityType, String grantee, Set<String> attributes, ReadScope.Area area, Instant until,
                       String reason) {
        Instant now = clock.instant();
        if (until == null || !until.isAfter(now) || until.isAfter(now.plus(MAX_GRANT))) {
            throw invalid("until is a time in the next three years");
        }
        return changingPolicies(connection -> {
            Dataset dataset = store.dataset(connection, caller.tenant(), entityType).orElseThrow(() -> notFound("dataset " + entityType));
            requireAdmin(caller, dataset.owner());
            if (!identity.departmentExists(caller.tenant(), grantee) || grantee.equals(dataset.owner())) {
                throw invalid("The grantee is another department of this tenant");
            }
            Grant given = new Grant(UUID.randomUUID(), caller.tenant(), entityType, grantee, attributes, until, null, null,
                    caller.subject(), area);
            store.addGrant(connection, given);
            ledger.append(connection, List.of(new Ledger.Record(caller.tenant(), actor(caller), "granted", given.id(), 0,
                    grantee + " may read " + entityType + attributesText(attributes) + areaText(area) + " until " + until
                            + (reason == null || reason.isBlank() ? "" : ": " + reason.strip()))));
            return given;
        });
    }

    public List<Grant> grants(Caller caller) {
        return transactions.readOnly(connection -> store.grants(connection, caller.tenant(),
                wholeTenant(caller) ? null : caller.departments()));
    }

    /** Revokes a grant: its reads and notifications stop at once. */
    public void revoke(Caller caller, UUID grantId, String reason) {
        changingPolicies(connection -> {
            Grant grant = store.grant(connection, caller.tenant(), grantId).orElseThrow(() -> notFound("grant " + grantId));
            Dataset dataset = store.dataset(connection, caller.tenant(), grant.entityType())
                    .orElseThrow(() -> notFound("dataset " + grant.entityType()));
            requireAdmin(caller, dataset.owner());
            store.revoke(connection, grantId);
            ledger.append(connection, List.of(new Ledger.Record(caller.tenant(), actor(caller), "revoked", grantId, 0,
                    grant.grantee() + " may no longer read " + grant.entityType() + (reason == null || reason.isBlank() ? "" : ": " + reason.strip()))));
            return null;
        });
    }

    // ---- the ledger ---------------------------------------------------------------------------------------------

    /** The tenant's entries, for operators and the tenant's auditors (not an auditor scoped to one department). */
    public List<LedgerEntry> ledger(Caller caller, long beforeSeq, int limit) {
        requireTenantAuditor(caller);
        return transactions.readOnly(connection -> ledgerStore.page(connection, caller.tenant(), beforeSeq, limit));
    }

    private static void requireTenantAuditor(Caller caller) {
        if (!wholeTenant(caller)) {
            throw new MeridianException(SharingError.NOT_YOURS,
                    "The ledger is read by operators and by auditors of the whole tenant, not of one department");
        }
    }

    public Ledger.Verification verify(Caller caller) {
        requireTenantAuditor(caller);
        return transactions.readOnly(connection -> Ledger.verify(connection, ledgerStore));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A change of ownership or grants: committed, then the subscriptions' kept scopes are forgotten on this node. */
    private <T> T changingPolicies(org.meridian.platform.db.Transactions.Work<T> work) {
        T result = transactions.inTransaction(work);
        policiesChanged.run();
        return result;
    }

    private void requireAdmin(Caller caller, String department) {
        if (!caller.unrestricted() && !identity.holds(caller, Role.DEPARTMENT_ADMIN, department)) {
            throw new MeridianException(SharingError.NOT_YOURS, "Only the administrators of " + department
                    + " (the owner) and operators decide on its datasets");
        }
    }

    private static String areaText(ReadScope.Area area) {
        return area == null ? "" : " within [" + area.west() + ", " + area.south() + ", " + area.east() + ", " + area.north() + "]";
    }

    private static String attributesText(Set<String> attributes) {
        return attributes == null ? " (all attributes)" : " (attributes " + new java.util.TreeSet<>(attributes) + ")";
    }

    private static MeridianException invalid(String detail) {
        return new MeridianException(SharingError.INVALID_INPUT, detail);
    }

    private static MeridianException notFound(String what) {
        return new MeridianException(SharingError.NOT_FOUND, "No " + what + " here");
    }
}
