package org.meridian.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.meridian.broker.EntityService;
import org.meridian.broker.TemporalService;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.query.TypeExpression;
import org.meridian.core.rules.Kernel;
import org.meridian.core.rules.Reading;
import org.meridian.core.rules.Sample;
import org.meridian.core.rules.Samples;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;
import org.meridian.core.temporal.HistoryInstance;

/**
 * The recent readings the rules decide over: one {@link Samples} per department, since its rules read the same data
 * as the same grants allow, so they share what they remember (a reading ten rules watch is kept once).
 *
 * <p>Kept in memory only. What it holds is the watched entities' latest state and their temporal history as far back as
 * the rules reach, both written in the transaction of each change; so when this node may not have taken in everything
 * the rules' saved states have — at start, after another node took in part of the change stream, or when the
 * department's rules change — it is read back from there, as the department reads it (not entered in the exchange
 * ledger: the rules were handed these readings before). A rule's step finds out by comparing the stream position its
 * saved state has taken in with what these samples include for it; then the batch is handed over again
 * ({@link Stale}) after the samples are read back.
 *
 * <p>Guarded by the engine: changed while no rule decides.
 */
final class RuleWindows {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RuleWindows.class);
    private static final int PAGE = 1_000;
    /** Read back this much before a rule's horizon too: the sample before a window says what held when it begins. */
    private static final Duration BEFORE = Duration.ofMinutes(5);
    /** and after now: a device's clock a little ahead. */
    private static final Duration AHEAD = Duration.ofMinutes(2);

    private final EntityService entities;
    private final TemporalService temporal;
    private final Places places;
    private final Function<Caller, ReadScope> scopes;
    private final Map<String, Department> departments = new ConcurrentHashMap<>();
    /** "tenant/rule" → the stream position whose readings the samples here include for the rule. */
    private final Map<String, Long> takenThrough = new ConcurrentHashMap<>();

    /** A department's samples, and the rules they were read back for. */
    private static final class Department {
        final Samples samples;
        final String rules;
        volatile boolean stale;

        Department(Samples samples, String rules) {
            this.samples = samples;
            this.rules = rules;
        }
    }

    /** A rule's saved state has taken in more than these samples hold: the step is given up, and the batch handed over again. */
    static final class Stale extends RuntimeException {
        Stale(String rule) {
            super("the recent readings of rule " + rule + " are read back first", null, false, false);
        }
    }

    RuleWindows(EntityService entities, TemporalService temporal, Places places, Function<Caller, ReadScope> scopes) {
        this.entities = entities;
        this.temporal = temporal;
        this.places = places;
        this.scopes = scopes;
    }

    /**
     * Makes the samples of these rules' departments current ({@code enabled}: every enabled rule, understood). A
     * department's samples are read back when this node has none yet or they are stale, for its rules that have taken
     * in readings (saved a position); rules that have not start with nothing, as they would have. When its rules change,
     * the samples follow their horizons from then on, and a new rule starts with what is held.
     *
     * @param positions the stream positions the rules' saved states have taken in (read before the history)
     */
    void ensure(Collection<RuleEngine.Loaded> concerned, Collection<RuleEngine.Loaded> enabled,
                java.util.function.Supplier<Map<String, long[]>> positions, Instant now) {
        Set<String> wanted = new HashSet<>();
        concerned.forEach(rule -> wanted.add(key(rule.stored())));
        Map<String, List<RuleEngine.Loaded>> byDepartment = new HashMap<>();
        for (RuleEngine.Loaded rule : enabled) {
            byDepartment.computeIfAbsent(key(rule.stored()), k -> new ArrayList<>()).add(rule);
        }
        departments.keySet().removeIf(department -> !byDepartment.containsKey(department));
        Map<String, long[]> saved = null;
        for (String department : wanted) {
            List<RuleEngine.Loaded> rules = byDepartment.getOrDefault(department, List.of());
            String signature = signature(rules);
            Department known = departments.get(department);
            if (known != null && !known.stale) {
                if (!known.rules.equals(signature)) {
                    known.samples.serveOnly(rules.stream().map(RuleEngine.Loaded::kernel).toList());
                    // At once: what a rule gone or shortened kept must not count against the others.
                    known.samples.prune();
                    departments.put(department, new Department(known.samples, signature));
                }
                continue;
            }
            if (saved == null) {
                saved = positions.get();
            }
            Samples samples = new Samples();
            rules.forEach(rule -> samples.serve(rule.kernel()));
            boolean running = false;
            for (RuleEngine.Loaded rule : rules) {
                long[] position = saved.get(ruleKey(rule.stored()));
                if (position != null && position[0] == rule.stored().version()) {
                    takenThrough.put(ruleKey(rule.stored()), position[1]);
                    running = true;
                } else {
                    takenThrough.remove(ruleKey(rule.stored()));
                }
            }
            if (running) {
                long started = System.nanoTime();
                readBack(samples, rules, now);
                LOG.info("rules of department {}: {} entities' recent readings read back in {} ms", department, samples.size(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            departments.put(department, new Department(samples, signature));
        }
    }

    /** The samples the rule decides over ({@link #ensure} made them). */
    Samples of(RuleRecord rule) {
        Department department = departments.get(key(rule));
        if (department == null) {
            throw new Stale(rule.id());
        }
        return department.samples;
    }

    /**
     * Checks, in a rule's step, that the samples hold what its saved state has taken in ({@code saved}: the position
     * stored with it, or -1 for none); when they do not, marks them to be read back and gives the step up.
     */
    void check(RuleRecord rule, long saved) {
        Long mine = takenThrough.get(ruleKey(rule));
        if (saved >= 0 && (mine == null || saved > mine)) {
            Department department = departments.get(key(rule));
            if (department != null) {
                department.stale = true;
            }
            throw new Stale(rule.id());
        }
    }

    /** Another node took in part of the stream: every department's samples are read back before its rules decide. */
    void allStale() {
        departments.values().forEach(department -> department.stale = true);
    }

    /** The entity was deleted: no rule of the tenant watches it any more. */
    void forget(String tenant, String entity) {
        departments.forEach((key, department) -> {
            if (key.startsWith(tenant + "/")) {
                department.samples.forget(entity);
            }
        });
    }

    /** The rule's step committed: the samples include what it took in. */
    void tookIn(RuleRecord rule, long position) {
        takenThrough.put(ruleKey(rule), position);
    }

    /** Every rule has decided on the readings taken in so far (see {@link Samples#settle}). */
    void settle() {
        departments.values().forEach(department -> department.samples.settle());
    }

    /** Forgets samples no rule reaches back to any more. */
    void prune() {
        departments.values().forEach(department -> department.samples.prune());
    }

    private static String key(RuleRecord rule) {
        return rule.tenant() + "/" + rule.department();
    }

    private static String ruleKey(RuleRecord rule) {
        return rule.tenant() + "/" + rule.id();
    }

    private static String signature(List<RuleEngine.Loaded> rules) {
        TreeSet<String> names = new TreeSet<>();
        rules.forEach(rule -> names.add(rule.stored().id() + "." + rule.stored().version() + "@" + rule.stored().updatedAt()));
        return String.join(",", names);
    }

    // ---- reading back ----

    /**
     * The department's rules' recent readings: each watched entity's latest state, then its history over the horizon;
     * of each type only what was written since the earliest of its rules was enabled (what they could have seen).
     */
    private void readBack(Samples samples, List<RuleEngine.Loaded> rules, Instant now) {
        RuleRecord first = rules.getFirst().stored();
        Caller department = RuleEngine.ruleCaller(first.tenant(), "read-back", first.department());
        ReadScope scope = scopes.apply(department);
        Map<String, List<RuleEngine.Loaded>> byType = new HashMap<>();
        Map<String, Set<String>> attributes = new HashMap<>();
        Map<String, Duration> horizons = new HashMap<>();
        Map<String, Instant> since = new HashMap<>();
        for (RuleEngine.Loaded rule : rules) {
            rule.definition().reads().forEach((type, read) -> {
                byType.computeIfAbsent(type, t -> new ArrayList<>()).add(rule);
                attributes.computeIfAbsent(type, t -> new HashSet<>()).addAll(read);
                horizons.merge(type, rule.definition().logic().horizon(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
                since.merge(type, rule.stored().updatedAt(), (a, b) -> a.isBefore(b) ? a : b);
            });
        }
        for (Map.Entry<String, List<RuleEngine.Loaded>> type : byType.entrySet()) {
            EntitySelection selection = new EntitySelection(null, null, new TypeExpression.TypeName(type.getKey()),
                    UnaryOperator.identity(), null, null, null, null, null);
            Instant written = since.get(type.getKey());
            latestStates(department, scope, selection, type.getValue(), written, samples, now);
            Set<String> read = attributes.get(type.getKey());
            if (!read.isEmpty()) {
                history(department, selection, List.copyOf(read), now.minus(horizons.get(type.getKey())).minus(BEFORE), written,
                        samples, now);
            }
        }
    }

    /** Every entity of the type as it is now: where it is, its groups, when it last spoke, its latest values. */
    private void latestStates(Caller department, ReadScope scope, EntitySelection selection, List<RuleEngine.Loaded> rules,
                              Instant written, Samples samples, Instant now) {
        for (int offset = 0; ; offset += PAGE) {
            List<Entity> page = entities.queryUnrecorded(department, selection, PAGE, offset, false).entities();
            for (Entity entity : page) {
                if (entity.modifiedAt() != null && entity.modifiedAt().isBefore(written)) {
                    continue;
                }
                for (RuleEngine.Loaded rule : rules) {
                    Reading reading = RuleEngine.reading(rule, scope, places, department.tenant(), entity.id(), entity.types(),
                            entity.attributes(), entity.modifiedAt());
                    if (reading != null) {
                        samples.restore(reading, now);
                        samples.group(entity.id(), rule.definition().logic().keying().grouping(), reading.group());
                    }
                }
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    /** The history of the read attributes since {@code from}, each instance a sample at its moment. */
    private void history(Caller department, EntitySelection selection, List<String> attributes, Instant from, Instant written,
                         Samples samples, Instant now) {
        for (int offset = 0; ; offset += PAGE) {
            TemporalService.RecentHistory page = temporal.recentUnrecorded(department, selection, PAGE, offset, attributes, from,
                    now.plus(AHEAD), written, Kernel.MAX_SAMPLES);
            page.instances().forEach((entity, instances) -> {
                List<String> types = samples.typesOf(entity);
                if (types == null) {
                    return; // not seen in its latest state a moment ago: gone since
                }
                for (HistoryInstance instance : instances) {
                    if (instance.recordedAt().isBefore(written)) {
                        continue;
                    }
                    Instant at = instance.observedAt() != null ? instance.observedAt() : instance.recordedAt();
                    Sample sample = RuleEngine.sample(instance.instance(), at);
                    if (sample != null) {
                        samples.restore(new Reading(entity, types, null, null, null, Map.of(instance.attribute(), sample)), now);
                    }
                }
            });
            if (page.entities() < PAGE) {
                return;
            }
        }
    }
}
