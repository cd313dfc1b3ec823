package org.meridian.rules;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.meridian.core.error.MeridianException;
import org.meridian.core.rules.Kernel;
import org.meridian.core.rules.RuleState;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.platform.db.Transactions;
import org.meridian.platform.bus.EventBus;
import org.meridian.rules.store.RuleStore;

/**
 * Rules as their owners manage them (add, replace, enable, disable, remove: an operator, or the administrator of the
 * owning department), and episodes as people on duty handle them (acknowledge, clear) and follow them (the trace).
 */
public final class RuleService {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** How many rules may follow one another through entity updates (A updates what B reads, B what C reads…). */
    static final int MAX_CASCADE = 4;

    private final Transactions transactions;
    private final RuleStore store;
    private final RuleLanguage language;
    private final Clock clock;
    private final Runnable changed;
    private final TypeCheck types;
    private final RuleDryRun dryRun;
    private final java.util.function.Function<Caller, Set<String>> categories;
    private final EpisodeEnding ending;

    /** Which of the rule's types and attributes its department cannot see (unknown, or not granted): none when all are fine. */
    @FunctionalInterface
    public interface TypeCheck {
        List<String> unknown(Caller department, Map<String, Set<String>> reads);
    }

    /** @param categories the case categories of the caller's tenant (codes): a rule's openCase must name one */
    public RuleService(Transactions transactions, RuleStore store, RuleLanguage language, Clock clock, TypeCheck types, RuleDryRun dryRun,
                       java.util.function.Function<Caller, Set<String>> categories, EventBus bus, Runnable changed) {
        this.ending = new EpisodeEnding(store, bus, language);
        this.dryRun = dryRun;
        this.categories = categories;
        this.transactions = transactions;
        this.store = store;
        this.language = language;
        this.clock = clock;
        this.types = types;
        this.changed = changed;
    }

    // ---- rules ----

    /** Adds a rule (disabled until enabled); the rule as stored. */
    public RuleRecord add(Caller caller, ObjectNode document) {
        RuleDefinition rule = checked(caller, document);
        Instant now = clock.instant();
        RuleRecord stored = transactions.inTransaction(connection -> {
            cascade(connection, caller.tenant(), rule);
            RuleRecord fresh = new RuleRecord(caller.tenant(), rule.id(), rule.department(), rule.document(), false, 1,
                    null, caller.subject(), now, now);
            if (!store.insert(connection, fresh)) {
                throw new MeridianException(RuleError.ALREADY_EXISTS, "There is a rule " + rule.id() + " already: PUT it to replace it");
            }
            return fresh;
        });
        changed.run();
        return stored;
    }

    /** Replaces a rule's definition: a new version, whose state starts afresh (its open episodes are cleared). */
    public RuleRecord replace(Caller caller, String id, ObjectNode document) {
        RuleDefinition rule = checked(caller, document);
        if (!rule.id().equals(id)) {
            throw new MeridianException(RuleError.INVALID_INPUT, "The rule's id is " + rule.id() + ", not " + id + " as in the path");
        }
        Instant now = clock.instant();
        RuleRecord stored = transactions.inTransaction(connection -> {
            RuleRecord before = owned(connection, caller, id, true);
            cascade(connection, caller.tenant(), rule);
            ending.endAll(connection, before, now, caller.subject() + " (rule replaced)");
            store.replace(connection, caller.tenant(), id, rule.department(), rule.document(), now);
            return store.find(connection, caller.tenant(), id).orElseThrow();
        });
        changed.run();
        return stored;
    }

    public void enable(Caller caller, String id, boolean enabled) {
        Instant now = clock.instant();
        transactions.inTransaction(connection -> {
            RuleRecord rule = owned(connection, caller, id, true);
            if (enabled) {
                checked(caller, rule.definition());
            } else {
                ending.endAll(connection, rule, now, caller.subject() + " (rule disabled)");
            }
            store.enable(connection, caller.tenant(), id, enabled, null, now);
            return null;
        });
        changed.run();
    }

    public void delete(Caller caller, String id) {
        Instant now = clock.instant();
        transactions.inTransaction(connection -> {
            RuleRecord rule = owned(connection, caller, id, true);
            ending.endAll(connection, rule, now, caller.subject() + " (rule removed)");
            store.delete(connection, caller.tenant(), id);
            return null;
        });
        changed.run();
    }

    public List<RuleRecord> list(Caller caller) {
        return transactions.readOnly(connection -> store.list(connection, caller.tenant()));
    }

    public RuleRecord get(Caller caller, String id) {
        return transactions.readOnly(connection -> store.find(connection, caller.tenant(), id))
                .orElseThrow(() -> notFound("rule " + id));
    }

    /**
     * What the rule would have done over [from, to) of recorded history: a rule given in full (not stored), or a stored
     * one when the document is null. Checked as adding it would be, run as its department reads; nothing is written.
     */
    public ObjectNode dryRun(Caller caller, String id, ObjectNode document, Instant from, Instant to) {
        RuleDefinition rule = checked(caller, document != null ? document : get(caller, id).definition());
        return dryRun.run(caller.tenant(), rule, from, to);
    }

    /**
     * How the rule is doing: the entities it watches, its event-time watermark, the readings it dropped for coming later
     * than its lateness allows, its open episodes. Null before it took in anything.
     */
    public ObjectNode status(Caller caller, String id) {
        return transactions.readOnly(connection -> {
            RuleRecord rule = store.find(connection, caller.tenant(), id).orElseThrow(() -> notFound("rule " + id));
            return store.state(connection, caller.tenant(), id).filter(kept -> kept.version() == rule.version()).map(kept -> {
                RuleState state = RuleState.fromJson(kept.state());
                ObjectNode out = NODES.objectNode().put("watched", state.watched())
                        .put("lateReadings", state.lateReadings())
                        .put("openEpisodes", state.openEpisodes().size());
                if (state.watermark() != null) {
                    out.put("watermark", state.watermark().toString());
                }
                return out;
            }).orElse(null);
        });
    }

    /** The rule understood, refused with every reason: the language's, and the types its department cannot read. */
    private RuleDefinition checked(Caller caller, ObjectNode document) {
        RuleDefinition rule = language.understand(document);
        mayManage(caller, rule.department());
        Caller department = RuleEngine.ruleCaller(caller.tenant(), rule.id(), rule.department());
        List<String> unknown = types.unknown(department, rule.reads());
        if (!unknown.isEmpty()) {
            throw new MeridianException(RuleError.INVALID_INPUT, "The rule reads what department " + rule.department()
                    + " has no entities of or is not granted: " + String.join(", ", unknown)
                    + " (check the names, or ask the owner for access)");
        }
        List<RuleAction> actions = rule.actions();
        Set<String> known = actions.stream().anyMatch(RuleAction.OpenCase.class::isInstance) ? categories.apply(caller) : Set.of();
        for (int i = 0; i < actions.size(); i++) {
            if (actions.get(i) instanceof RuleAction.OpenCase open && !known.contains(open.category())) {
                // Found now rather than as an action failing ten times when the rule first fires.
                throw new MeridianException(RuleError.INVALID_INPUT, "$.then[" + i + "].openCase.category: there is no case category "
                        + open.category() + " (GET /cases/v1/categories lists them)");
            }
        }
        return rule;
    }

    private static void mayManage(Caller caller, String department) {
        if (!caller.unrestricted() && !(caller.has(Role.DEPARTMENT_ADMIN) && caller.departments().contains(department))) {
            throw new MeridianException(RuleError.NOT_ALLOWED, "Rules of department " + department
                    + " are managed by its administrators and the operators");
        }
    }

    private RuleRecord owned(Connection connection, Caller caller, String id, boolean lock) throws SQLException {
        RuleRecord rule = (lock ? store.lock(connection, caller.tenant(), id) : store.find(connection, caller.tenant(), id))
                .orElseThrow(() -> notFound("rule " + id));
        mayManage(caller, rule.department());
        return rule;
    }

    /**
     * Refuses a rule whose updates would set itself off again, directly or through others (a loop), or a chain of
     * more than {@link #MAX_CASCADE} rules: what each rule writes and reads is known before it runs.
     */
    private void cascade(Connection connection, String tenant, RuleDefinition rule) throws SQLException {
        Map<String, RuleDefinition> rules = new HashMap<>();
        for (RuleRecord stored : store.list(connection, tenant)) {
            if (!stored.id().equals(rule.id())) {
                try {
                    rules.put(stored.id(), language.understand(stored.definition()));
                } catch (MeridianException e) {
                    // a stored rule no longer valid sets nothing off
                }
            }
        }
        rules.put(rule.id(), rule);
        Map<String, List<String>> next = new HashMap<>();
        rules.forEach((id, from) -> rules.forEach((otherId, to) -> {
            if (feeds(from, to)) {
                next.computeIfAbsent(id, k -> new ArrayList<>()).add(otherId);
            }
        }));
        for (String start : rules.keySet()) {
            List<String> path = longest(start, next, new ArrayList<>(List.of(start)), new HashSet<>(Set.of(start)));
            if (path.contains(null)) {
                path.removeIf(java.util.Objects::isNull);
                throw new MeridianException(RuleError.INVALID_INPUT, "The rules would set each other off without end: "
                        + String.join(" → ", path) + "; a rule's updates may not feed back into it");
            }
            if (path.size() > MAX_CASCADE) {
                throw new MeridianException(RuleError.INVALID_INPUT, "A chain of " + path.size() + " rules, " + String.join(" → ", path)
                        + ", is longer than " + MAX_CASCADE + ": one rule may set off others at most " + (MAX_CASCADE - 1) + " deep");
            }
        }
    }

    private static boolean feeds(RuleDefinition from, RuleDefinition to) {
        for (Map.Entry<String, Set<String>> written : from.writes().entrySet()) {
            Set<String> read = to.reads().get(written.getKey());
            if (read != null && (read.isEmpty() || read.stream().anyMatch(written.getValue()::contains))) {
                return true;
            }
        }
        return false;
    }

    /** The longest chain from the path's end; a null at its end when it comes back to a rule on it (a loop). */
    private static List<String> longest(String at, Map<String, List<String>> next, List<String> path, Set<String> on) {
        List<String> best = new ArrayList<>(path);
        for (String following : next.getOrDefault(at, List.of())) {
            List<String> tried = new ArrayList<>(path);
            tried.add(following);
            if (on.contains(following)) {
                tried.add(null);
                return tried;
            }
            on.add(following);
            List<String> longer = longest(following, next, tried, on);
            on.remove(following);
            if (longer.contains(null)) {
                return longer;
            }
            if (longer.size() > best.size()) {
                best = longer;
            }
        }
        return best;
    }

    // ---- episodes ----

    public List<EpisodeRecord> episodes(Caller caller, String ruleId, boolean openOnly, int limit, int offset) {
        return transactions.readOnly(connection -> store.episodes(connection, caller.tenant(), ruleId, openOnly, limit, offset));
    }

    public EpisodeRecord episode(Caller caller, String id) {
        return transactions.readOnly(connection -> store.episode(connection, caller.tenant(), id)).orElseThrow(() -> notFound("episode " + id));
    }

    /** Someone on duty has seen the episode: it is not escalated. */
    public EpisodeRecord acknowledge(Caller caller, String id) {
        return handle(caller, id, false);
    }

    /** Someone on duty ends the episode: its alert clears, its updates are undone; no new one until the conditions are false once. */
    public EpisodeRecord clear(Caller caller, String id) {
        EpisodeRecord done = handle(caller, id, true);
        changed.run();
        return done;
    }

    private EpisodeRecord handle(Caller caller, String id, boolean clear) {
        Instant now = clock.instant();
        return transactions.inTransaction(connection -> {
            EpisodeRecord episode = store.episode(connection, caller.tenant(), id).orElseThrow(() -> notFound("episode " + id));
            RuleRecord rule = store.lock(connection, caller.tenant(), episode.ruleId()).orElseThrow(() -> notFound("rule"));
            if (!caller.unrestricted() && !caller.has(Role.DISPATCHER) && !caller.departments().contains(rule.department())) {
                throw new MeridianException(RuleError.NOT_ALLOWED, "Episodes of department " + rule.department()
                        + "'s rules are handled by its people, the dispatchers and the operators");
            }
            if (episode.state().equals("cleared")) {
                throw new MeridianException(RuleError.WRONG_STATE, "Episode " + id + " is over already");
            }
            RuleDefinition definition = language.understand(rule.definition());
            Optional<RuleStore.StoredState> kept = store.state(connection, caller.tenant(), rule.id()).filter(s -> s.version() == rule.version());
            RuleState state = RuleState.fromJson(kept.map(RuleStore.StoredState::state).orElse(null));
            if (clear) {
                ending.end(connection, rule, definition, state, List.of(id), now, caller.subject());
            } else {
                // Acknowledging evaluates no condition: the working hours are not needed.
                new Kernel(rule.id() + "." + rule.version(), definition.logic(), at -> false).acknowledge(state, id, now);
                store.acknowledged(connection, caller.tenant(), id, now, caller.subject());
                store.trace(connection, caller.tenant(), id, "acknowledged", null, now, NODES.objectNode().put("by", caller.subject()));
            }
            if (kept.isPresent()) {
                // The header only: acknowledging and clearing change episodes, not what the rule watches.
                store.saveState(connection, caller.tenant(), rule.id(), new RuleStore.StoredState(rule.version(), kept.get().position(),
                        kept.get().index(), state.toJson()));
            }
            return store.episode(connection, caller.tenant(), id).orElseThrow();
        });
    }

    /**
     * The episode's chain both ways: back to the readings that opened it and the episodes whose updates changed those
     * entities; forward to what it did (cases, alerts, notifications, entity changes) and the episodes those changes
     * opened in turn.
     */
    public ObjectNode trace(Caller caller, String id) {
        return transactions.readOnly(connection -> {
            EpisodeRecord episode = store.episode(connection, caller.tenant(), id).orElseThrow(() -> notFound("episode " + id));
            ObjectNode out = NODES.objectNode().put("episode", episode.id()).put("rule", episode.ruleId()).put("key", episode.key())
                    .put("state", episode.state()).put("openedAt", episode.openedAt().toString());
            out.set("readings", episode.evidence());
            ArrayNode causedBy = out.putArray("causedBy");
            Set<String> entities = new HashSet<>();
            episode.evidence().forEach(item -> entities.add(item.path("entity").asText()));
            for (String entity : entities) {
                for (RuleStore.Trace step : store.tracesOf(connection, caller.tenant(), "entity", entity)) {
                    if (!step.episodeId().equals(id) && !step.at().isAfter(episode.openedAt())) {
                        causedBy.addObject().put("episode", step.episodeId()).put("entity", entity).put("at", step.at().toString());
                        break;
                    }
                }
            }
            ArrayNode steps = out.putArray("steps");
            ArrayNode led = out.putArray("ledTo");
            for (RuleStore.Trace step : store.traces(connection, caller.tenant(), id)) {
                ObjectNode node = steps.addObject().put("seq", step.seq()).put("kind", step.kind()).put("at", step.at().toString());
                if (step.ref() != null) {
                    node.put("ref", step.ref());
                }
                node.set("detail", step.detail());
                if (step.kind().equals("entity")) {
                    for (EpisodeRecord later : store.episodesReading(connection, caller.tenant(), step.ref(), step.at())) {
                        led.addObject().put("episode", later.id()).put("rule", later.ruleId()).put("through", step.ref());
                    }
                }
            }
            return out;
        });
    }

    /** The episodes that caused this case, entity or alert (from a case back to the readings that opened it). */
    public List<String> causesOf(Caller caller, String kind, String ref) {
        return transactions.readOnly(connection -> store.tracesOf(connection, caller.tenant(), kind, ref)).stream()
                .map(RuleStore.Trace::episodeId).distinct().toList();
    }

    private static MeridianException notFound(String what) {
        return new MeridianException(RuleError.NOT_FOUND, "There is no " + what);
    }
}
