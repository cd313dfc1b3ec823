package org.meridian.core.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule kernel: what one rule decides on a reading, on the passing of time, and on an operator's acknowledgement or
 * clearing. A function of (the rule's state, the recent readings, the event, the time) with no I/O: the same inputs give
 * the same state and effects, so it is tested on its own, replayed against recorded history for a dry run, and can run
 * partitioned by key in a stream processor. The recent readings ({@link Samples}) may be shared by several rules.
 *
 * <p>Time is event time: a reading counts at its {@code observedAt}. The rule's watermark is the latest moment seen; a
 * reading older than the watermark minus the rule's lateness is dropped and counted (a reading within it is placed in
 * order, as if it had come on time). Conditions are evaluated at the later of the watermark and now minus the lateness,
 * so durations and silences run on while no reading comes.
 */
public final class Kernel {
    /** Readings stamped this far ahead of the clock count as now: a device's wrong clock cannot jump the watermark. */
    static final Duration SKEW = Duration.ofMinutes(1);
    /** Samples kept per attribute of an entity at most (the oldest go first). */
    public static final int MAX_SAMPLES = 4_096;
    /** Evidence items kept per condition. */
    private static final int EVIDENCE_PER_CONDITION = 3;

    private final String episodePrefix;
    private final RuleLogic rule;
    private final Map<String, Set<String>> attributesByType;
    private final java.util.function.Predicate<Instant> workingTime;
    /** The rule's horizon, worked out once: it is asked on every reading. */
    private final Duration horizon;

    /** A kernel for a rule with no working-time condition. */
    public Kernel(String episodePrefix, RuleLogic rule) {
        this(episodePrefix, rule, null);
    }

    /**
     * @param episodePrefix what episode ids start with (the rule's id and version: ids never repeat)
     * @param workingTime whether a moment is in the city's working hours (its calendar), for working-time conditions
     */
    public Kernel(String episodePrefix, RuleLogic rule, java.util.function.Predicate<Instant> workingTime) {
        this.episodePrefix = episodePrefix;
        this.rule = rule;
        this.workingTime = workingTime;
        this.horizon = rule.horizon();
        if (workingTime == null && rule.conditions().stream().anyMatch(Condition.WorkingTime.class::isInstance)) {
            throw new IllegalArgumentException("a rule with a working-time condition needs the working calendar");
        }
        Map<String, Set<String>> attributes = new java.util.HashMap<>();
        for (Condition condition : rule.conditions()) {
            switch (condition) {
                case Condition.Threshold threshold -> attributes.computeIfAbsent(threshold.type(), t -> new java.util.HashSet<>())
                        .add(threshold.attribute());
                case Condition.Window window -> attributes.computeIfAbsent(window.type(), t -> new java.util.HashSet<>()).add(window.attribute());
                case Condition.Silence silence -> attributes.computeIfAbsent(silence.type(), t -> new java.util.HashSet<>());
                case Condition.OnTime ignored -> { }
            }
        }
        this.attributesByType = Map.copyOf(attributes);
    }

    public RuleLogic rule() {
        return rule;
    }

    /** The entity types its conditions read. */
    Set<String> types() {
        return attributesByType.keySet();
    }

    /**
     * Takes in a reading of an entity the rule concerns ({@link RuleLogic#concerns}) into the state's samples, and
     * decides what follows.
     */
    public List<Effect> reading(RuleState state, Reading reading, Instant now) {
        if (!concerns(reading.types())) {
            return List.of();
        }
        state.samples.serve(this);
        state.samples.settle();
        state.samples.take(reading, now);
        state.samples.group(reading.entity(), rule.keying().grouping(), reading.group());
        return decide(state, reading, now);
    }

    /**
     * Decides what follows a reading the state's samples already hold ({@link Samples#take}, done for a whole batch of
     * readings before the rules sharing the samples decide, each on its own thread). The samples may hold later readings
     * too: conditions are evaluated at the rule's own watermark, and see nothing after it.
     */
    public List<Effect> decide(RuleState state, Reading reading, Instant now) {
        if (!concerns(reading.types())) {
            return List.of();
        }
        Instant at = min(reading.at(), now.plus(SKEW));
        if (at == null) {
            return List.of();
        }
        if (state.watermark != null && at.isBefore(state.watermark.minus(rule.lateness()))) {
            state.late++;
            return List.of();
        }
        state.watermark = max(state.watermark, at);
        List<Effect> effects = new ArrayList<>(0);
        if (rule.keying().by() == Keying.By.ENTITY) {
            // The common case, without collecting keys.
            evaluate(state, reading.entity(), now, effects);
        } else {
            Samples.Track track = state.samples.track(reading.entity());
            if (track != null) {
                for (String key : keysOf(state, reading.entity(), track)) {
                    evaluate(state, key, now, effects);
                }
            }
        }
        return effects;
    }

    /** Whether a reading of an entity of these types concerns the rule. */
    private boolean concerns(List<String> types) {
        for (String type : types) {
            if (attributesByType.containsKey(type)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The passing of time: durations complete, silences begin, episodes clear, escalate. Call it every few seconds. An
     * entity that left a group is looked at here under the group it left.
     */
    public List<Effect> tick(RuleState state, Instant now) {
        List<Effect> effects = new ArrayList<>();
        Samples samples = state.samples;
        // Open episodes first: their keys may have no readings any more. The other keys are visited in place, not
        // copied: a rule may watch a hundred thousand entities.
        Set<String> open = state.open.isEmpty() ? Set.of() : new java.util.HashSet<>(state.open.keySet());
        for (String key : open) {
            evaluate(state, key, now, effects);
        }
        Set<String> types = types();
        Set<String> visited = types.size() > 1 ? new java.util.HashSet<>(open) : open;
        countWatched(state);
        for (String type : types) {
            Set<String> entities = samples.ofType(type);
            if (rule.keying().by() == Keying.By.ENTITY) {
                for (String entity : entities) {
                    if (visited == open ? !open.contains(entity) : visited.add(entity)) {
                        evaluate(state, entity, now, effects);
                    }
                }
            }
        }
        switch (rule.keying().by()) {
            case ENTITY -> { }
            case DISTRICT, RELATED -> {
                for (String group : List.copyOf(samples.groups(rule.keying().grouping()))) {
                    if (!open.contains(group)) {
                        evaluate(state, group, now, effects);
                    }
                }
            }
            case NEAR -> {
                Condition anchor = rule.conditions().getFirst();
                for (String id : samples.ofType(anchor.type())) {
                    if (anchor.admits(id) && !open.contains(id)) {
                        evaluate(state, id, now, effects);
                    }
                }
            }
        }
        return effects;
    }

    /** Counts the entities the rule watches (of its types, in the samples) into its state. */
    public void countWatched(RuleState state) {
        int watched = 0;
        for (String type : types()) {
            watched += state.samples.ofType(type).size();
        }
        state.watched = watched;
    }

    /** Someone on duty has seen the episode: it is not escalated. False when there is no such open episode. */
    public boolean acknowledge(RuleState state, String episodeId, Instant now) {
        for (Map.Entry<String, Episode> open : state.open.entrySet()) {
            if (open.getValue().id().equals(episodeId)) {
                if (open.getValue().acknowledgedAt() == null) {
                    open.setValue(open.getValue().acknowledged(now));
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Someone on duty clears the episode: it is over, and no new one opens for its key until the conditions have been
     * false once (a cleared flood does not reopen with the next reading of the same flood).
     */
    public List<Effect> clear(RuleState state, String episodeId, Instant now) {
        for (Episode episode : List.copyOf(state.open.values())) {
            if (episode.id().equals(episodeId)) {
                state.open.remove(episode.key());
                state.disarmed.add(episode.key());
                return List.of(new Effect.Cleared(episode, true, now));
            }
        }
        return List.of();
    }

    // ---- evaluation ----

    private Instant evaluationTime(RuleState state, Instant now) {
        return max(state.watermark, now.minus(rule.lateness()));
    }

    private void evaluate(RuleState state, String key, Instant now, List<Effect> effects) {
        Instant at = evaluationTime(state, now);
        // Most keys have no open episode, no quiet period and were not cleared by hand: the maps are not looked into.
        Episode episode = state.open.isEmpty() ? null : state.open.get(key);
        // Whether the conditions hold, first; the evidence is gathered only when an episode opens.
        List<Evidence> evidence = holds(state, key, at, false);
        if (evidence != null && episode == null) {
            evidence = holds(state, key, at, true);
        }
        if (episode == null) {
            if (evidence == null) {
                if (!state.disarmed.isEmpty()) {
                    state.disarmed.remove(key);
                }
                return;
            }
            Instant quiet = state.quietUntil.isEmpty() ? null : state.quietUntil.get(key);
            if (state.disarmed.contains(key) || quiet != null && now.isBefore(quiet)) {
                return;
            }
            state.quietUntil.remove(key);
            episode = new Episode(episodePrefix + "-" + (++state.counter), key, now, null, null, null, evidence);
            state.open.put(key, episode);
            effects.add(new Effect.Opened(episode));
        } else if (evidence != null) {
            if (episode.falseSince() != null) {
                episode = episode.falseSince(null);
                state.open.put(key, episode);
            }
        } else {
            Instant since = episode.falseSince() == null ? at : episode.falseSince();
            if (!since.plus(rule.clearAfter()).isAfter(at)) {
                state.open.remove(key);
                if (!rule.suppressFor().isZero()) {
                    state.quietUntil.put(key, now.plus(rule.suppressFor()));
                }
                effects.add(new Effect.Cleared(episode, false, now));
                return;
            }
            if (episode.falseSince() == null) {
                episode = episode.falseSince(at);
                state.open.put(key, episode);
            }
        }
        if (rule.escalateAfter() != null && episode.acknowledgedAt() == null && episode.escalatedAt() == null
                && !episode.openedAt().plus(rule.escalateAfter()).isAfter(now)) {
            episode = episode.escalated(now);
            state.open.put(key, episode);
            effects.add(new Effect.Escalated(episode));
        }
    }

    /**
     * The evidence that every condition holds for the key at the moment, or null when one does not; without
     * {@code gather}, an empty list when they hold.
     */
    private List<Evidence> holds(RuleState state, String key, Instant at, boolean gather) {
        List<Evidence> all = gather ? new ArrayList<>() : List.of();
        for (int i = 0; i < rule.conditions().size(); i++) {
            Condition condition = rule.conditions().get(i);
            if (condition instanceof Condition.OnTime time) {
                if (!timeHolds(time, at)) {
                    return null;
                }
                continue;
            }
            boolean held = false;
            int found = 0;
            for (String entity : candidates(state, key, i)) {
                Samples.Track track = state.samples.track(entity);
                if (track != null && track.types.contains(condition.type()) && condition.admits(entity)) {
                    List<Evidence> shown = holds(condition, entity, track, at, gather, horizon);
                    if (shown != null) {
                        held = true;
                        if (!gather) {
                            break;
                        }
                        all.addAll(shown);
                        found += shown.size();
                        if (found >= EVIDENCE_PER_CONDITION) {
                            break;
                        }
                    }
                }
            }
            if (!held) {
                return null;
            }
        }
        return all;
    }

    /** The entities whose readings count for the key under the condition (its index among the rule's). */
    private Collection<String> candidates(RuleState state, String key, int condition) {
        return switch (rule.keying().by()) {
            case ENTITY -> List.of(key);
            case DISTRICT, RELATED -> state.samples.members(rule.keying().grouping(), key);
            case NEAR -> {
                if (condition == 0) {
                    yield List.of(key);
                }
                Samples.Track anchor = state.samples.track(key);
                if (anchor == null || anchor.longitude == null) {
                    yield List.of();
                }
                List<String> near = new ArrayList<>();
                for (String id : state.samples.ofType(rule.conditions().get(condition).type())) {
                    Samples.Track track = state.samples.track(id);
                    if (track.longitude != null
                            && meters(anchor.longitude, anchor.latitude, track.longitude, track.latitude) <= rule.keying().meters()) {
                        near.add(id);
                    }
                }
                yield near;
            }
        };
    }

    /** The keys a change of the entity may affect. */
    private Collection<String> keysOf(RuleState state, String entity, Samples.Track track) {
        return switch (rule.keying().by()) {
            case ENTITY -> List.of(entity);
            case DISTRICT, RELATED -> {
                String group = track.group(rule.keying().grouping());
                yield group == null ? List.of() : List.of(group);
            }
            case NEAR -> {
                Condition anchor = rule.conditions().getFirst();
                String anchorType = anchor.type();
                if (track.types.contains(anchorType) && anchor.admits(entity)) {
                    yield List.of(entity);
                }
                if (track.longitude == null) {
                    yield List.of();
                }
                List<String> anchors = new ArrayList<>();
                for (String id : state.samples.ofType(anchorType)) {
                    Samples.Track other = state.samples.track(id);
                    if (anchor.admits(id) && other.longitude != null
                            && meters(other.longitude, other.latitude, track.longitude, track.latitude) <= rule.keying().meters()) {
                        anchors.add(id);
                    }
                }
                yield anchors;
            }
        };
    }

    /** Whether a condition on time alone holds at the moment. */
    private boolean timeHolds(Condition.OnTime condition, Instant at) {
        return switch (condition) {
            case Condition.TimeOfDay time -> time.contains(at);
            case Condition.WorkingTime working -> workingTime.test(at) == working.working();
        };
    }

    /**
     * Whether the condition holds for one entity at the moment, with what shows it; null when it does not. Evidence
     * reaches back no further than the rule's horizon: what is kept beyond it depends on when samples were last pruned.
     */
    static List<Evidence> holds(Condition condition, String entity, Samples.Track track, Instant at, boolean gather, Duration horizon) {
        return switch (condition) {
            case Condition.Threshold threshold -> {
                Series samples = track.series.get(threshold.attribute());
                long now = Series.micros(at);
                int last = samples == null ? -1 : samples.lastAtOrBefore(now);
                if (last < 0 || !samples.passes(threshold.test(), last)) {
                    yield null;
                }
                // Back to where the run began (for the evidence), or only as far as shows it has lasted long enough.
                long needed = now - threshold.sustained().toNanos() / 1_000;
                long floor = now - horizon.toNanos() / 1_000;
                int first = last;
                while (first > 0 && (samples.micros(first) > needed || gather && samples.micros(first - 1) >= floor)
                        && samples.passes(threshold.test(), first - 1)) {
                    first--;
                }
                if (samples.micros(first) > needed) {
                    yield null;
                }
                if (!gather) {
                    yield List.of();
                }
                List<Evidence> shown = new ArrayList<>();
                if (first != last) {
                    Sample start = samples.sample(first);
                    shown.add(new Evidence(entity, threshold.attribute(), start.at(), start.value()));
                }
                Sample latest = samples.sample(last);
                shown.add(new Evidence(entity, threshold.attribute(), latest.at(), latest.value()));
                yield shown;
            }
            case Condition.Window window -> {
                Series samples = track.series.get(window.attribute());
                Double value = samples == null ? null : aggregate(window, samples, at);
                if (value == null || !window.test().passes(value)) {
                    yield null;
                }
                yield !gather ? List.of() : List.of(new Evidence(entity, window.aggregate().word() + "(" + window.attribute() + ") over "
                        + window.over(), at, Sample.of(at, value).value()));
            }
            case Condition.Silence silence -> track.lastSeen == null || track.lastSeen.plus(silence.silentFor()).isAfter(at) ? null
                    : List.of(new Evidence(entity, "silence", track.lastSeen, "silent since " + track.lastSeen));
            case Condition.OnTime ignored -> throw new IllegalArgumentException("a condition on time alone has no entity");
        };
    }

    /** The window's figure at the moment over the samples in (at − over, at], or null when there is none to compute. */
    static Double aggregate(Condition.Window window, Series samples, Instant at) {
        long to = Series.micros(at);
        long from = to - window.over().toNanos() / 1_000;
        int count = 0;
        int numbers = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int first = -1;
        int last = -1;
        // From the newest back: the window is the end of the series.
        for (int i = samples.lastAtOrBefore(to); i >= 0 && samples.micros(i) > from; i--) {
            count++;
            double value = samples.number(i);
            if (Double.isNaN(value)) {
                continue;
            }
            numbers++;
            sum += value;
            min = Math.min(min, value);
            max = Math.max(max, value);
            last = last < 0 ? i : last;
            first = i;
        }
        if (window.aggregate() == Condition.Aggregate.COUNT) {
            return (double) count;
        }
        if (numbers == 0) {
            return null;
        }
        return switch (window.aggregate()) {
            case AVERAGE -> sum / numbers;
            case MIN -> min;
            case MAX -> max;
            case SUM -> sum;
            case COUNT -> (double) count;
            case CHANGE_PER_HOUR -> {
                long micros = samples.micros(last) - samples.micros(first);
                yield micros == 0 ? null : (samples.number(last) - samples.number(first)) * 3_600_000_000.0 / micros;
            }
        };
    }

    /** Metres between two WGS84 points (haversine). */
    static double meters(double longitude1, double latitude1, double longitude2, double latitude2) {
        double dLat = Math.toRadians(latitude2 - latitude1);
        double dLon = Math.toRadians(longitude2 - longitude1);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(latitude1)) * Math.cos(Math.toRadians(latitude2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 6_371_008.8 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? null : a.isAfter(b) ? b : a;
    }
}
