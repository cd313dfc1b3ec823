package org.meridian.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.meridian.core.ngsild.DateTimes;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.rules.Effect;
import org.meridian.core.rules.Episode;
import org.meridian.core.rules.Evidence;
import org.meridian.core.rules.Kernel;
import org.meridian.core.rules.Keying;
import org.meridian.core.rules.Reading;
import org.meridian.core.rules.RuleIndex;
import org.meridian.core.rules.RuleState;
import org.meridian.core.rules.Sample;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;
import org.meridian.core.security.Role;
import org.meridian.platform.ExpiringCache;
import org.meridian.platform.bus.Event;
import org.meridian.platform.bus.EventBus;
import org.meridian.platform.db.Transactions;
import org.meridian.rules.store.RuleStore;

/**
 * Runs the enabled rules over the change stream. Each batch of entity changes is handed, rule by rule, to the rule's
 * {@link Kernel} inside one transaction that locks the rule, reads its state, takes in the changes it has not taken in
 * yet (its own stream position says which), and writes the new state with what the step decided: episodes, their
 * trace, the actions to do (an outbox, done after the commit by {@link RuleActions}). A crash anywhere repeats the
 * batch, and every rule skips what it already took in: no reading counts twice, none is skipped. A rule that fails
 * (not the database: the rule itself) is disabled with the reason, and the others go on.
 */
public final class RuleEngine implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RuleEngine.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The stream the operations centre reads alarms from. */
    public static final String ALARM_STREAM = "alarm";
    /** A rule opening more episodes than this in a minute is disabled: its conditions are too loose to be useful. */
    static final int MAX_OPENED_PER_MINUTE = 500;
    /**
     * A rule keeping more readings than this in its windows is disabled: its state is saved with every step it takes,
     * and one rule so large would slow every other (a five-minute window over 10,000 sensors reporting every second
     * is 3 million readings).
     */
    static final long MAX_SAMPLES_PER_RULE = 200_000;
    /** Rules stepping at once on a batch of changes (each holds a database connection while it does). */
    static final int PARALLEL_STEPS = 4;

    private final Transactions transactions;
    private final RuleStore store;
    private final EventBus bus;
    private final EpisodeEnding ending;
    private final Clock clock;
    private final RuleLanguage language;
    private final Places places;
    private final Function<Caller, ReadScope> scopes;
    private final Runnable actionsQueued;
    private final WorkingTimes workingTimes;
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    /** What each rule's department may read, kept five seconds: a revoked grant stops a rule within that. */
    private final ExpiringCache<String, ReadScope> scopeCache = new ExpiringCache<>(java.time.Duration.ofSeconds(5), 10_000);
    private final Map<String, int[]> openedThisMinute = new ConcurrentHashMap<>();
    /** Each rule's state as this node saved it last (tenant/rule → copy), so a step reads only a small header. */
    private final Map<String, Kept> states = new ConcurrentHashMap<>();
    /** The recent readings, per department. */
    private final RuleWindows windows;
    /**
     * Taking readings into the windows (and reading them back) is writing; rules deciding over them is reading: a batch
     * is taken in whole before its rules decide, in parallel.
     */
    private final java.util.concurrent.locks.ReadWriteLock lock = new java.util.concurrent.locks.ReentrantReadWriteLock();
    /** How often the clock steps every rule (zero: with every batch of readings, as when the clock does not tick). */
    private final Duration clockEvery;
    private volatile long clockSteppedAt = System.nanoTime() - Long.MAX_VALUE / 2;
    /** The last position of the last batch this node's consumer handled, or -1. */
    private long lastHandled = -1;
    /**
     * The database's clock when the last batch came (the clock that stamped its events), its newest event's stamp, and
     * whether more were written after it: a node catching up after an outage decides each reading at its own moment,
     * and does not step the clock over readings not yet taken in.
     */
    private volatile Behind behind = new Behind(Instant.EPOCH, Instant.EPOCH, false, Instant.EPOCH);

    /** A batch written less than this long ago is live. */
    private static final Duration LIVE = Duration.ofMillis(500);

    private record Behind(Instant databaseNow, Instant newest, boolean more, Instant handledAt) {
        /** How long before the batch came the event was written. */
        Duration of(Instant recordedAt) {
            return recordedAt == null ? Duration.ZERO : Duration.between(recordedAt, databaseNow);
        }
    }
    private volatile long rulesReadAt;
    private volatile List<RuleRecord> enabled = List.of();
    private volatile Map<String, RuleIndex<Loaded>> indexed;
    private volatile List<RuleRecord> indexedFrom;
    private EventBus.Consumption consumption;

    /** A rule understood, with its kernel, for the version stored. */
    record Loaded(RuleRecord stored, RuleDefinition definition, Kernel kernel) {
    }

    /** A rule's state in memory, current while the saved header has this version and revision. */
    private record Kept(int version, long revision, RuleState state) {
    }

    /** A change handed to a rule, and what it tells the rule (null: nothing the rule's department may see). */
    private record Taken(Event event, Reading reading) {
    }

    public RuleEngine(Transactions transactions, RuleStore store, EventBus bus, Clock clock, RuleLanguage language, Places places,
                      Function<Caller, ReadScope> scopes, WorkingTimes workingTimes, RuleWindows windows, Duration clockEvery,
                      Runnable actionsQueued) {
        this.windows = windows;
        this.clockEvery = clockEvery;
        this.workingTimes = workingTimes;
        this.transactions = transactions;
        this.store = store;
        this.bus = bus;
        this.ending = new EpisodeEnding(store, bus, language);
        this.clock = clock;
        this.language = language;
        this.places = places;
        this.scopes = scopes;
        this.actionsQueued = actionsQueued;
    }

    /** Starts taking in the change stream (from the oldest event kept; each rule ignores what came before it). */
    public void start() {
        consumption = bus.subscribe("rules", EventBus.Start.EARLIEST, this::handle);
    }

    /** The rules changed (here or on another node): read them again at the next batch. */
    public void forgetRules() {
        rulesReadAt = 0;
    }

    // ---- the stream ----

    void handle(List<Event> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        if (handedElsewhere(events)) {
            windows.allStale();
        }
        behind = behind(events);
        List<Event> deleted = events.stream().filter(event -> event.stream().equals("entity") && event.kind().equals("deleted")).toList();
        if (!deleted.isEmpty()) {
            lock.writeLock().lock();
            try {
                deleted.forEach(event -> windows.forget(event.tenant(), event.key()));
            } finally {
                lock.writeLock().unlock();
            }
        }
        List<Event> changes = events.stream().filter(event -> event.stream().equals("entity") && !event.kind().equals("deleted")).toList();
        if (changes.isEmpty()) {
            stepClockIfDue();
            return;
        }
        Map<String, RuleIndex<Loaded>> indexes = indexes();
        Map<Loaded, List<Event>> byRule = new java.util.IdentityHashMap<>();
        for (Event event : changes) {
            RuleIndex<Loaded> index = indexes.get(event.tenant());
            if (index == null) {
                continue;
            }
            for (Loaded rule : index.concerned(types(event))) {
                if (!event.recordedAt().isBefore(rule.stored().updatedAt())) {
                    byRule.computeIfAbsent(rule, r -> new ArrayList<>()).add(event);
                }
            }
        }
        if (byRule.isEmpty()) {
            stepClockIfDue();
            return;
        }
        // The whole batch into the windows first; then each rule decides over them (the samples are shared).
        Map<Loaded, List<Taken>> taken = new java.util.IdentityHashMap<>();
        Instant now = clock.instant();
        lock.writeLock().lock();
        try {
            ensureWindows(byRule.keySet(), now);
            // The last batch's readings were all decided on: this one's may prune behind them, not behind themselves.
            windows.settle();
            byRule.forEach((rule, handed) -> {
                // ensure() served every enabled rule's kernel: its horizons are what the samples keep.
                org.meridian.core.rules.Samples samples = windows.of(rule.stored());
                String grouping = rule.definition().logic().keying().grouping();
                List<Taken> list = new ArrayList<>(handed.size());
                for (Event event : handed) {
                    Reading reading = reading(rule, event);
                    if (reading != null) {
                        // Each rule's reading in turn: rules of one department reading one type take the same samples
                        // again, which changes nothing (a sample at a moment held replaces it).
                        samples.take(reading, now);
                        samples.group(reading.entity(), grouping, reading.group());
                    }
                    list.add(new Taken(event, reading));
                }
                taken.put(rule, list);
            });
            // Held down to the read lock: no clock step can prune the samples between taking the batch in and deciding.
            lock.readLock().lock();
        } finally {
            lock.writeLock().unlock();
        }
        try {
            stepAll(taken);
        } finally {
            lock.readLock().unlock();
        }
        stepClockIfDue();
    }

    /** Where readings flow, the clock steps with them: here, on the node that holds their windows. */
    private void stepClockIfDue() {
        if (System.nanoTime() - clockSteppedAt >= clockEvery.toNanos()) {
            clockStep();
        }
    }

    /** Reads back the windows of departments this node may not hold everything of. Under the write lock. */
    private void ensureWindows(java.util.Collection<Loaded> concerned, Instant now) {
        windows.ensure(concerned, enabledUnderstood(), () -> transactions.readOnly(store::positions), now);
    }

    /**
     * Whether another node took in part of the stream since this node's last batch: committed positions between the
     * two (positions skipped by transactions that rolled back leave no row). Then every department's windows may lack
     * readings, whichever rule steps first.
     */
    private boolean handedElsewhere(List<Event> events) {
        long first = events.getFirst().position();
        long last = lastHandled;
        lastHandled = events.getLast().position();
        if (last < 0 || first <= last + 1) {
            return false;
        }
        return transactions.readOnly(connection -> {
            try (java.sql.PreparedStatement select = connection.prepareStatement(
                    "SELECT EXISTS (SELECT 1 FROM event_log WHERE position > ? AND position < ?)")) {
                select.setLong(1, last);
                select.setLong(2, first);
                try (java.sql.ResultSet row = select.executeQuery()) {
                    return row.next() && row.getBoolean(1);
                }
            }
        });
    }

    /** The database's clock now, and whether events were written after the batch. */
    private Behind behind(List<Event> events) {
        Event last = events.getLast();
        Instant oldest = events.getFirst().recordedAt();
        if (oldest != null && Duration.between(oldest, Instant.now()).compareTo(LIVE) < 0) {
            // Written a moment ago by this machine's clock: live, without asking the database (a clock a little apart
            // from the database's errs towards live, which it is).
            return new Behind(oldest, last.recordedAt(), true, Instant.now());
        }
        return transactions.readOnly(connection -> {
            try (java.sql.PreparedStatement select = connection.prepareStatement(
                    "SELECT clock_timestamp(), EXISTS (SELECT 1 FROM event_log WHERE position > ?)")) {
                select.setLong(1, last.position());
                try (java.sql.ResultSet row = select.executeQuery()) {
                    row.next();
                    return new Behind(row.getTimestamp(1).toInstant(), last.recordedAt(), row.getBoolean(2), Instant.now());
                }
            }
        });
    }

    /**
     * Whether the rule decides its readings at their own moments: the stream is further behind than the rule waits for
     * late readings. Live, a reading is decided at the later of the watermark and now minus the lateness, so durations
     * run on between readings; catching up, "now" is past readings the batch already put in the samples, and a spike
     * followed by calm would be decided over the calm.
     */
    private boolean catchingUp(Loaded rule, Event event) {
        return behind.of(event.recordedAt()).compareTo(rule.definition().logic().lateness()) > 0;
    }

    /**
     * How far behind now the rule's clock steps: while the stream not yet taken in reaches back further than the rule
     * waits for late readings, the clock keeps to the stream's time (its newest event plus the lateness), so a sensor is
     * not silent, nor a level held, over readings still to come. Zero once caught up, and when the last batch came more
     * than a minute ago (a consumer stuck or gone says nothing about the stream's time).
     */
    private Duration clockBehind(Loaded rule) {
        Behind now = behind;
        if (!now.more() || Duration.between(now.handledAt(), Instant.now()).compareTo(Duration.ofMinutes(1)) > 0) {
            return Duration.ZERO;
        }
        Duration beyond = now.of(now.newest()).minus(rule.definition().logic().lateness());
        return beyond.isNegative() ? Duration.ZERO : beyond;
    }

    /**
     * Each rule takes in its events in its own transaction, several at once: a rule watching thousands of busy
     * sensors does not hold back the flood rule's case. The actions a step queued are started as soon as it commits.
     */
    private void stepAll(Map<Loaded, List<Taken>> byRule) throws SQLException {
        if (byRule.size() == 1) {
            Map.Entry<Loaded, List<Taken>> only = byRule.entrySet().iterator().next();
            if (step(only.getKey(), only.getValue(), Duration.ZERO)) {
                actionsQueued.run();
            }
            return;
        }
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(PARALLEL_STEPS);
        List<java.util.concurrent.Future<Boolean>> running = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map.Entry<Loaded, List<Taken>> rule : byRule.entrySet()) {
                running.add(threads.submit(() -> {
                    slots.acquire();
                    try {
                        boolean queued = step(rule.getKey(), rule.getValue(), Duration.ZERO);
                        if (queued) {
                            actionsQueued.run();
                        }
                        return queued;
                    } finally {
                        slots.release();
                    }
                }));
            }
            SQLException failed = null;
            for (java.util.concurrent.Future<Boolean> step : running) {
                try {
                    step.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof SQLException sql) {
                        failed = sql;
                    } else if (e.getCause() instanceof RuleWindows.Stale stale) {
                        failed = new SQLException(stale.getMessage());
                    } else {
                        throw new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if (failed != null) {
                // The batch is taken in again (after the windows are read back, when they were stale): the rules
                // that stepped skip what they took in.
                throw failed;
            }
        }
    }

    /** The enabled rules of each tenant, indexed by the types they read. */
    private Map<String, RuleIndex<Loaded>> indexes() {
        List<RuleRecord> rules = enabledRules();
        Map<String, RuleIndex<Loaded>> built = indexed;
        if (built != null && indexedFrom == rules) {
            return built;
        }
        Map<String, Map<Loaded, Set<String>>> reads = new HashMap<>();
        for (RuleRecord rule : rules) {
            Loaded understood = understood(rule);
            if (understood != null) {
                reads.computeIfAbsent(rule.tenant(), t -> new java.util.IdentityHashMap<>()).put(understood, understood.definition().reads().keySet());
            }
        }
        Map<String, RuleIndex<Loaded>> fresh = new HashMap<>();
        reads.forEach((tenant, byRule) -> fresh.put(tenant, new RuleIndex<>(byRule)));
        indexed = fresh;
        indexedFrom = rules;
        return fresh;
    }

    /**
     * The passing of time for every enabled rule: durations complete, silences begin, episodes clear or escalate. Called
     * by the clock every few seconds; it does nothing when this node's consumer of the stream stepped the clock since
     * (where readings flow, the clock steps with them, on the node that holds their windows).
     */
    public void tick() {
        if (System.nanoTime() - clockSteppedAt < clockEvery.toNanos() / 2) {
            return;
        }
        clockStep();
    }

    private void clockStep() {
        clockSteppedAt = System.nanoTime();
        List<Loaded> rules = enabledUnderstood();
        if (rules.isEmpty()) {
            return;
        }
        lock.writeLock().lock();
        try {
            windows.ensure(rules, rules, () -> transactions.readOnly(store::positions), clock.instant());
            windows.prune();
        } finally {
            lock.writeLock().unlock();
        }
        boolean queued = false;
        for (Loaded rule : rules) {
            // The read lock per rule: a thousand rules' clock steps do not hold the stream back for their whole length.
            lock.readLock().lock();
            try {
                queued |= step(rule, List.of(), clockBehind(rule));
            } catch (RuleWindows.Stale stale) {
                LOG.info("{}; at the next step of the clock", stale.getMessage());
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } finally {
                lock.readLock().unlock();
            }
        }
        if (queued) {
            actionsQueued.run();
        }
    }

    /** The enabled rules, understood (those that no longer are get disabled). */
    private List<Loaded> enabledUnderstood() {
        List<Loaded> rules = new ArrayList<>();
        for (RuleRecord rule : enabledRules()) {
            Loaded understood = understood(rule);
            if (understood != null) {
                rules.add(understood);
            }
        }
        return rules;
    }

    /** One rule takes in events (or only time) in one transaction; whether it queued actions. Under the read lock. */
    private boolean step(Loaded rule, List<Taken> taken, Duration clockBehind) throws SQLException {
        RuleRecord stored = rule.stored();
        String key = stored.tenant() + "/" + stored.id();
        org.meridian.core.rules.Samples samples = windows.of(stored);
        // Kept in memory only once the step committed: a step rolled back leaves no copy, and the next one reads the database.
        java.util.concurrent.atomic.AtomicReference<Kept> stepped = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            boolean result = transactions.inTransaction(connection -> {
                var locked = store.lock(connection, stored.tenant(), stored.id());
                if (locked.isEmpty() || !locked.get().enabled() || locked.get().version() != stored.version()) {
                    forgetRules();
                    return false;
                }
                Instant now = clock.instant();
                Optional<RuleStore.StoredState> saved = store.state(connection, stored.tenant(), stored.id())
                        .filter(state -> state.version() == stored.version());
                RuleStore.StoredState kept = saved.orElse(new RuleStore.StoredState(stored.version(), -1, -1, NODES.objectNode()));
                // The windows must hold what the saved state has taken in (another node may have taken in part of the stream).
                windows.check(stored, kept.position());
                // The copy in memory while it is the one saved last (no other node, no operator changed it since).
                Kept held = states.remove(key);
                RuleState state;
                if (held != null && saved.isPresent() && held.version() == kept.version() && held.revision() == kept.revision()
                        && held.state().samples() == samples) {
                    state = held.state();
                } else {
                    state = RuleState.fromJson(saved.isPresent() ? kept.state() : null, samples);
                }
                long position = kept.position();
                int index = kept.index();
                List<Effect> effects = new ArrayList<>();
                for (Taken change : taken) {
                    Event event = change.event();
                    if (event.position() < position || event.position() == position && event.index() <= index) {
                        continue;
                    }
                    position = event.position();
                    index = event.index();
                    if (change.reading() != null) {
                        Instant at = change.reading().at();
                        Instant decidedAt = at != null && at.isBefore(now) && catchingUp(rule, event) ? at : now;
                        effects.addAll(rule.kernel().decide(state, change.reading(), decidedAt));
                    }
                }
                int watched = state.watched();
                rule.kernel().countWatched(state);
                if (taken.isEmpty()) {
                    // The clock's step. A step of readings decides on the keys they concern only: looking at every key
                    // with every batch cost a rule watching ten thousand sensors more than the readings themselves.
                    effects.addAll(rule.kernel().tick(state, now.minus(clockBehind)));
                }
                if (taken.isEmpty() && effects.isEmpty() && state.watched() == watched) {
                    // Nothing to save: the copy stays current.
                    if (saved.isPresent()) {
                        stepped.set(new Kept(kept.version(), kept.revision(), state));
                    }
                    return false;
                }
                guardAgainstRunaway(rule, effects);
                long kept1 = samples.samples(rule.definition().reads().keySet());
                if (kept1 > MAX_SAMPLES_PER_RULE && setsWhatIsKept(rule, samples)) {
                    throw new RuleFault("keeps " + kept1 + " readings of " + state.watched() + " entities in its windows, more than "
                            + MAX_SAMPLES_PER_RULE + ": disabled (narrow it with idPattern, or shorten its windows)");
                }
                boolean queued = record(connection, rule, state, effects, now);
                long revision = store.saveState(connection, stored.tenant(), stored.id(), new RuleStore.StoredState(stored.version(),
                        position, index, state.toJson()));
                stepped.set(new Kept(stored.version(), revision, state));
                // Said before the commit: a step of the same rule waiting for its lock (the clock's) must not find the
                // saved position ahead of the windows. Should the commit fail, the windows hold these readings anyway.
                windows.tookIn(stored, position);
                return queued;
            });
            Kept done = stepped.get();
            if (done != null) {
                states.put(key, done);
            }
            return result;
        } catch (RuleFault fault) {
            disable(stored, fault.getMessage());
            return false;
        } catch (RuleWindows.Stale stale) {
            throw stale;
        } catch (RuntimeException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            disable(stored, "failed at run time: " + e);
            return false;
        }
    }

    /**
     * Whether the rule's horizon is what makes the samples of one of its types as long as they are: the rules of a
     * department share them, and only the one that reaches furthest back is answerable for their size.
     */
    private static boolean setsWhatIsKept(Loaded rule, org.meridian.core.rules.Samples samples) {
        Duration horizon = rule.definition().logic().horizon();
        return rule.definition().reads().keySet().stream().anyMatch(type -> horizon.compareTo(samples.horizonOf(type)) >= 0);
    }

    /** A rule that cannot go on (it fires without bound, or fails): it is disabled, and the others go on. */
    static final class RuleFault extends RuntimeException {
        RuleFault(String message) {
            super(message);
        }
    }

    private void guardAgainstRunaway(Loaded rule, List<Effect> effects) {
        long opened = effects.stream().filter(Effect.Opened.class::isInstance).count();
        if (opened == 0) {
            return;
        }
        long minute = clock.millis() / 60_000;
        int[] count = openedThisMinute.compute(rule.stored().tenant() + "/" + rule.stored().id(),
                (key, seen) -> seen == null || seen[0] != (int) minute ? new int[] {(int) minute, 0} : seen);
        count[1] += (int) opened;
        if (count[1] > MAX_OPENED_PER_MINUTE) {
            throw new RuleFault("opened more than " + MAX_OPENED_PER_MINUTE + " episodes in a minute: disabled, as its conditions "
                    + "are too loose to be useful (narrow them, or key it by district)");
        }
    }

    private void disable(RuleRecord rule, String problem) {
        LOG.warn("rule {} of tenant '{}' is disabled: {}", rule.id(), rule.tenant(), problem);
        transactions.inTransaction(connection -> {
            store.enable(connection, rule.tenant(), rule.id(), false, problem, clock.instant());
            // Its episodes end as when it is disabled by hand: nothing would clear them, and its alerts would stay up.
            ending.endAll(connection, rule, clock.instant(), "disabled: " + problem);
            return null;
        });
        states.remove(rule.tenant() + "/" + rule.id());
        forgetRules();
        actionsQueued.run();
    }

    // ---- readings ----

    private static List<String> types(Event event) {
        List<String> types = new ArrayList<>();
        event.payload().path("type").forEach(type -> types.add(type.asText()));
        return types;
    }

    /** What the change tells the rule: the values it reads that its department may see, at their moments. */
    private Reading reading(Loaded rule, Event event) {
        JsonNode stamped = event.payload().get("modifiedAt");
        Instant modified = stamped != null && stamped.isTextual() ? DateTimes.parseUtc(stamped.asText()) : event.recordedAt();
        return reading(rule, scope(rule), places, event.tenant(), event.key(), types(event), event.payload().path("attributes"), modified);
    }

    /**
     * What an entity's attributes (a change's, or its whole state) tell the rule, as its department may see them: the
     * values it reads at their moments, where the entity is and its group; null when the department sees none of its types.
     */
    static Reading reading(Loaded rule, ReadScope scope, Places places, String tenant, String entity, List<String> types,
                           JsonNode attributes, Instant modified) {
        Map<String, Set<String>> reads = rule.definition().reads();
        Map<String, Sample> values = new HashMap<>();
        boolean visible = false;
        // A grant limited to an area shows entities only while they are in it, as every read does.
        org.locationtech.jts.geom.Envelope box = null;
        boolean placed = scope.limitsPlacesOf(types);
        if (placed) {
            Places.Point point = pointOf(attributes.get(NgsiLd.LOCATION));
            if (point == null) {
                point = places.locate(tenant, entity);
            }
            box = point == null ? null : new org.locationtech.jts.geom.Envelope(point.longitude(), point.longitude(),
                    point.latitude(), point.latitude());
        }
        for (String type : types) {
            Set<String> read = reads.get(type);
            if (read == null || !sees(scope, type, null)) {
                continue;
            }
            if (placed) {
                ReadScope.View view = scope.types().get(type);
                if (!view.everywhere() && (box == null || !view.admitsLocation(box))) {
                    continue;
                }
            }
            visible = true;
            for (String attribute : read) {
                JsonNode instances = attributes.get(attribute);
                if (instances != null && sees(scope, type, attribute)) {
                    Sample sample = sample(instances, modified);
                    if (sample != null) {
                        values.put(attribute, sample);
                    }
                }
            }
        }
        if (!visible) {
            return null;
        }
        if (values.isEmpty()) {
            // A change of something else: the entity spoke (silences end), at its moment.
            values.put("", Sample.of(modified, 0));
        }
        Located located = locate(rule.definition().logic().keying(), places, tenant, entity, types, attributes, scope);
        Places.Point point = located.point();
        return new Reading(entity, types, point == null ? null : point.longitude(), point == null ? null : point.latitude(),
                located.group(), values);
    }

    /** Where an entity is, and the group it belongs to under the rule's keying (its district, the entity it relates to). */
    record Located(Places.Point point, String group) {
    }

    /**
     * Where the entity is and its group, as far as the keying needs them: from what the change wrote when it says, else
     * from the entity as it is. A relationship the department may not read groups nothing: the entity is its own group.
     */
    static Located locate(Keying keying, Places places, String tenant, String entity, List<String> types, JsonNode written,
                          ReadScope scope) {
        if (keying.by() == Keying.By.ENTITY) {
            return new Located(null, null);
        }
        // Where it is counts only when the department may read where it is: a grant of precipitation alone does not tell
        // which district the station stands in (places are looked up as the platform).
        boolean located = types.stream().anyMatch(type -> sees(scope, type, NgsiLd.LOCATION));
        Places.Point point = located ? pointOf(written == null ? null : written.get(NgsiLd.LOCATION)) : null;
        if (point == null && located) {
            point = places.locate(tenant, entity);
        }
        String group = null;
        if (keying.by() == Keying.By.DISTRICT && point != null) {
            group = places.district(tenant, point);
        } else if (keying.by() == Keying.By.RELATED) {
            String relationship = keying.relationship();
            boolean visible = types.stream().anyMatch(type -> sees(scope, type, relationship));
            JsonNode named = written == null ? null : written.get(relationship);
            String object = named == null ? null : objectOf(named);
            if (object == null && visible) {
                object = places.related(tenant, entity, relationship);
            }
            group = visible && object != null ? object : entity;
        }
        return new Located(point, group);
    }

    /** The object of a Relationship attribute (its first instance), or null. */
    static String objectOf(JsonNode relationship) {
        JsonNode instance = relationship.isArray() ? relationship.path(0) : relationship;
        JsonNode object = instance.get("object");
        if (object != null && object.isArray()) {
            object = object.path(0);
        }
        return object != null && object.isTextual() ? object.asText() : null;
    }

    static Sample sample(JsonNode instances, Instant modified) {
        JsonNode instance = instances.isArray() ? instances.path(0) : instances;
        // Observed, else when this value was written (an entity read back whole holds values older than its modifiedAt:
        // stamped with that, they would add samples no reading made).
        JsonNode observed = instance.get("observedAt");
        Instant at = modified;
        if (observed != null && !observed.isNull()) {
            at = DateTimes.parseUtc(observed.asText());
        } else if (instance.get("modifiedAt") instanceof JsonNode written && written.isTextual()) {
            try {
                at = DateTimes.parseUtc(written.asText());
            } catch (java.time.DateTimeException e) {
                at = modified; // the platform stamps it; should anything else have, the entity's moment stands
            }
        }
        JsonNode value = instance.has("value") ? instance.get("value") : instance.get("object");
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isObject() && value.has("@value")) {
            value = value.get("@value");
        }
        if (value.isNumber()) {
            return Sample.of(at, value.asDouble());
        }
        if (value.isTextual() || value.isBoolean()) {
            return Sample.of(at, value.asText());
        }
        return null;
    }

    static Places.Point pointOf(JsonNode location) {
        if (location == null) {
            return null;
        }
        JsonNode value = (location.isArray() ? location.path(0) : location).path("value");
        if (value.isTextual()) {
            try {
                value = new com.fasterxml.jackson.databind.ObjectMapper().readTree(value.asText());
            } catch (java.io.IOException e) {
                return null;
            }
        }
        JsonNode coordinates = value.path("coordinates");
        if (value.path("type").asText().equals("Point") && coordinates.size() >= 2) {
            return new Places.Point(coordinates.get(0).asDouble(), coordinates.get(1).asDouble());
        }
        return null;
    }

    /** What the rule's department may read now (kept five seconds: a revoked grant stops a rule within that). */
    private ReadScope scope(Loaded rule) {
        RuleRecord stored = rule.stored();
        return scopeCache.get(stored.tenant() + "/" + stored.department(),
                key -> scopes.apply(ruleCaller(stored.tenant(), stored.id(), stored.department())));
    }

    /** A rule reading or writing as its department: a member of it, no more. */
    static Caller ruleCaller(String tenant, String rule, String department) {
        return new Caller(tenant, "rule:" + rule, Set.of(department), Set.of(Role.STAFF.id()));
    }

    static boolean sees(ReadScope scope, String type, String attribute) {
        if (scope.unrestricted()) {
            return true;
        }
        ReadScope.View view = scope.types().get(type);
        return view != null && (attribute == null || view.shows(attribute));
    }

    // ---- what a step decided ----

    private boolean record(Connection connection, Loaded rule, RuleState state, List<Effect> effects, Instant now) throws SQLException {
        RuleRecord stored = rule.stored();
        boolean queued = false;
        List<Event.Draft> alarms = new ArrayList<>();
        for (Effect effect : effects) {
            Episode episode = effect.episode();
            String step = switch (effect) {
                case Effect.Opened opened -> {
                    store.openEpisode(connection, new EpisodeRecord(stored.tenant(), episode.id(), stored.id(), episode.key(), "open",
                            episode.openedAt(), null, null, null, null, null, RuleState.episode(episode).get("evidence")));
                    yield "opened";
                }
                case Effect.Escalated escalated -> {
                    store.escalated(connection, stored.tenant(), episode.id(), now);
                    yield "escalated";
                }
                case Effect.Cleared cleared -> {
                    if (!cleared.byHand()) {
                        store.cleared(connection, stored.tenant(), episode.id(), now, "rule");
                    }
                    yield "cleared";
                }
            };
            ObjectNode detail = NODES.objectNode().put("rule", stored.id()).put("key", episode.key());
            if (step.equals("opened")) {
                detail.set("evidence", RuleState.episode(episode).get("evidence"));
            }
            store.trace(connection, stored.tenant(), episode.id(), step, null, now, detail);
            ObjectNode context = context(stored, rule.definition(), episode, state, step);
            for (RuleAction action : rule.definition().actions()) {
                if (wanted(action, step)) {
                    if (action instanceof RuleAction.Notify notify && notify.operations()) {
                        alarms.add(new Event.Draft(stored.tenant(), ALARM_STREAM, episode.id(), step, context));
                        continue;
                    }
                    store.queue(connection, stored.tenant(), episode.id(), step, RuleActions.describe(action, context), now);
                    queued = true;
                }
            }
        }
        if (!alarms.isEmpty()) {
            bus.append(connection, alarms);
        }
        return queued;
    }

    /** Which actions run at which step: all when an episode opens; alerts, updates and notifications follow it after. */
    static boolean wanted(RuleAction action, String step) {
        return switch (action) {
            case RuleAction.OpenCase ignored -> step.equals("opened");
            case RuleAction.RaiseAlert ignored -> true;
            case RuleAction.Notify ignored -> true;
            case RuleAction.Update update -> step.equals("opened") || step.equals("cleared") && update.onClear() != null;
        };
    }

    /** What the actions need to know of the episode: the rule, its place, its evidence. */
    static ObjectNode context(RuleRecord stored, RuleDefinition definition, Episode episode, RuleState state, String step) {
        ObjectNode context = NODES.objectNode().put("tenant", stored.tenant()).put("rule", stored.id())
                .put("ruleName", definition.name()).put("department", stored.department())
                .put("severity", definition.severity()).put("episode", episode.id()).put("key", episode.key()).put("step", step)
                .put("openedAt", episode.openedAt().toString());
        Keying.By by = definition.logic().keying().by();
        if (by == Keying.By.DISTRICT) {
            context.put("district", episode.key());
        }
        ArrayNode evidence = context.putArray("evidence");
        RuleState.episode(episode).get("evidence").forEach(evidence::add);
        for (Evidence item : episode.evidence()) {
            double[] point = state.location(item.entity());
            if (point != null) {
                context.putObject("place").put("longitude", point[0]).put("latitude", point[1]).put("entity", item.entity());
                break;
            }
        }
        return context;
    }

    // ---- the rules ----

    private List<RuleRecord> enabledRules() {
        long now = System.nanoTime();
        if (now - rulesReadAt > 2_000_000_000L) {
            enabled = transactions.readOnly(store::enabled);
            rulesReadAt = now;
        }
        return enabled;
    }

    private Loaded understood(RuleRecord rule) {
        String key = rule.tenant() + "/" + rule.id();
        Loaded known = loaded.get(key);
        if (known != null && known.stored().version() == rule.version() && known.stored().updatedAt().equals(rule.updatedAt())) {
            return known;
        }
        try {
            RuleDefinition definition = language.understand(rule.definition());
            Loaded fresh = new Loaded(rule, definition, new Kernel(rule.id() + "." + rule.version(), definition.logic(),
                    workingTimes.of(rule.tenant())));
            loaded.put(key, fresh);
            return fresh;
        } catch (RuntimeException e) {
            disable(rule, "no longer valid: " + e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        if (consumption != null) {
            consumption.close();
        }
    }
}
