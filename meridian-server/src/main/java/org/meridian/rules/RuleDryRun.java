package org.meridian.rules;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.meridian.broker.TemporalService;
import org.meridian.core.error.MeridianException;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.query.TypeExpression;
import org.meridian.core.rules.Effect;
import org.meridian.core.rules.Episode;
import org.meridian.core.rules.Kernel;
import org.meridian.core.rules.Keying;
import org.meridian.core.rules.Reading;
import org.meridian.core.rules.RuleState;
import org.meridian.core.rules.Sample;
import org.meridian.core.security.Caller;
import org.meridian.core.temporal.EntityHistory;
import org.meridian.core.temporal.HistoryInstance;

/**
 * A rule tried against recorded history before it goes live: the attribute history of what it reads (read as its
 * department, so as its grants allow, and in the exchange ledger like any read) is replayed in event time through a
 * fresh {@link Kernel}, with the clock following the readings and ticking every minute between them. Nothing is
 * written and no action runs: the answer says which episodes would have opened, escalated and cleared, with their
 * evidence and the actions each would have taken.
 */
public final class RuleDryRun {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The longest range replayed at once. */
    static final Duration MAX_RANGE = Duration.ofDays(31);
    /** The most readings replayed at once: a replay holds them in memory, sorted. */
    static final int MAX_READINGS = 200_000;
    /** Episodes listed in full at most (all are counted). */
    static final int MAX_LISTED = 500;
    private static final int ENTITY_PAGE = 1_000;
    private static final Duration TICK = Duration.ofMinutes(1);

    private final TemporalService temporal;
    private final Places places;
    private final java.util.function.Function<Caller, org.meridian.core.security.ReadScope> scopes;
    private final WorkingTimes workingTimes;

    public RuleDryRun(TemporalService temporal, Places places, java.util.function.Function<Caller, org.meridian.core.security.ReadScope> scopes,
                      WorkingTimes workingTimes) {
        this.workingTimes = workingTimes;
        this.temporal = temporal;
        this.places = places;
        this.scopes = scopes;
    }

    /** Replays [from, to) of the history through the rule, as its department reads it. */
    public ObjectNode run(String tenant, RuleDefinition rule, Instant from, Instant to) {
        if (from == null || to == null || !from.isBefore(to)) {
            throw new MeridianException(RuleError.INVALID_INPUT, "A dry run needs from and to (ISO 8601 instants), from before to");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new MeridianException(RuleError.INVALID_INPUT, "A dry run covers at most " + MAX_RANGE.toDays() + " days at once");
        }
        Caller department = RuleEngine.ruleCaller(tenant, rule.id(), rule.department());
        List<Reading> readings = readings(department, rule, from, to);
        readings.sort(Comparator.comparing(Reading::at));

        Kernel kernel = new Kernel("dry-run", rule.logic(), workingTimes.of(tenant));
        RuleState state = new RuleState();
        RuleRecord asStored = new RuleRecord(tenant, rule.id(), rule.department(), rule.document(), true, 0, null, null, from, from);
        Map<String, ObjectNode> episodes = new LinkedHashMap<>();
        int[] counts = new int[3];
        Instant clock = from;
        for (Reading reading : readings) {
            Instant at = reading.at();
            for (Instant tick = clock.plus(TICK); tick.isBefore(at); tick = tick.plus(TICK)) {
                apply(kernel.tick(state, tick), asStored, rule, state, episodes, counts);
            }
            clock = at.isAfter(clock) ? at : clock;
            apply(kernel.reading(state, reading, clock), asStored, rule, state, episodes, counts);
        }
        for (Instant tick = clock.plus(TICK); !tick.isAfter(to); tick = tick.plus(TICK)) {
            apply(kernel.tick(state, tick), asStored, rule, state, episodes, counts);
        }

        ObjectNode out = NODES.objectNode().put("rule", rule.id()).put("from", from.toString()).put("to", to.toString())
                .put("readings", readings.size()).put("entities", state.watched()).put("lateReadings", state.lateReadings())
                .put("opened", counts[0]).put("escalated", counts[1]).put("cleared", counts[2])
                .put("openAtEnd", state.openEpisodes().size());
        ArrayNode listed = out.putArray("episodes");
        episodes.values().stream().limit(MAX_LISTED).forEach(listed::add);
        if (episodes.size() > MAX_LISTED) {
            out.put("episodesNotListed", episodes.size() - MAX_LISTED);
        }
        return out;
    }

    /** What the history holds of the rule's types in the range, as one reading per instance. */
    private List<Reading> readings(Caller department, RuleDefinition rule, Instant from, Instant to) {
        List<Reading> readings = new ArrayList<>();
        org.meridian.core.security.ReadScope scope = scopes.apply(department);
        for (Map.Entry<String, Set<String>> read : rule.reads().entrySet()) {
            // A silence reads no attribute: any instance says the entity spoke.
            List<String> attributes = read.getValue().isEmpty() ? null : List.copyOf(read.getValue());
            EntitySelection selection = new EntitySelection(null, null, new TypeExpression.TypeName(read.getKey()),
                    UnaryOperator.identity(), null, null, null, null, null);
            for (int offset = 0; ; offset += ENTITY_PAGE) {
                int budget = MAX_READINGS - readings.size();
                TemporalService.Request request = new TemporalService.Request(attributes, "observed_at", from, to, 0, budget, false, 0, List.of());
                List<EntityHistory> page = temporal.query(department, selection, ENTITY_PAGE, offset, request);
                for (EntityHistory history : page) {
                    if (history.truncated() || readings.size() + history.instances().size() > MAX_READINGS) {
                        throw new MeridianException(RuleError.INVALID_INPUT, "The range holds more than " + MAX_READINGS
                                + " readings of what the rule reads: dry-run a shorter range");
                    }
                    add(readings, history, rule.logic().keying(), department.tenant(), read.getValue(), scope);
                }
                if (page.size() < ENTITY_PAGE) {
                    break;
                }
            }
        }
        return readings;
    }

    private void add(List<Reading> readings, EntityHistory history, Keying keying, String tenant, Set<String> attributes,
                     org.meridian.core.security.ReadScope scope) {
        String id = history.entity().id();
        List<String> types = List.copyOf(history.entity().types());
        // Where it is and what it relates to now: the history of places and relationships is not replayed.
        RuleEngine.Located located = RuleEngine.locate(keying, places, tenant, id, types, null, scope);
        Places.Point point = located.point();
        for (HistoryInstance instance : history.instances()) {
            Instant at = instance.observedAt() != null ? instance.observedAt() : instance.recordedAt();
            Sample sample = RuleEngine.sample(instance.instance(), at);
            if (sample == null) {
                continue;
            }
            Map<String, Sample> values = attributes.contains(instance.attribute()) ? Map.of(instance.attribute(), sample)
                    : Map.of("", Sample.of(at, 0));
            readings.add(new Reading(id, types, point == null ? null : point.longitude(), point == null ? null : point.latitude(),
                    located.group(), values));
        }
    }

    /** Follows what the kernel decided into the episodes listed. */
    private static void apply(List<Effect> effects, RuleRecord asStored, RuleDefinition rule, RuleState state,
                              Map<String, ObjectNode> episodes, int[] counts) {
        for (Effect effect : effects) {
            Episode episode = effect.episode();
            switch (effect) {
                case Effect.Opened opened -> {
                    counts[0]++;
                    ObjectNode shown = NODES.objectNode().put("id", episode.id()).put("key", episode.key())
                            .put("openedAt", episode.openedAt().toString());
                    shown.set("evidence", RuleState.episode(episode).get("evidence"));
                    ObjectNode context = RuleEngine.context(asStored, rule, episode, state, "opened");
                    ArrayNode actions = shown.putArray("actions");
                    for (RuleAction action : rule.actions()) {
                        if (RuleEngine.wanted(action, "opened")) {
                            ObjectNode described = RuleActions.describe(action, context);
                            described.remove("episode");
                            if (described.has("entity")) {
                                described.put("entity", described.get("entity").asText().replace("{key}", episode.key()));
                            }
                            actions.add(described);
                        }
                    }
                    episodes.put(episode.id(), shown);
                }
                case Effect.Escalated escalated -> {
                    counts[1]++;
                    episodes.get(episode.id()).put("escalatedAt", escalated.episode().escalatedAt().toString());
                }
                case Effect.Cleared cleared -> {
                    counts[2]++;
                    episodes.get(episode.id()).put("clearedAt", cleared.at().toString());
                }
            }
        }
    }
}
