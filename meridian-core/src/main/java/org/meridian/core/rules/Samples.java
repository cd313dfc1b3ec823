package org.meridian.core.rules;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recent readings of the entities some rules watch, kept once for all of them: when ten rules read a sensor's
 * level, its samples are stored once and each rule decides over the same few cache lines, instead of ten copies spread
 * over a large heap (the memory traffic that held the kernel to a quarter of its target). Rules of one department share
 * one (what they may read is the same).
 *
 * <p>It keeps, per entity: its types, where it is, when it last spoke, the group it is in under each grouping the rules
 * use (its district, the entity a relationship names), and each read attribute's samples as far back as the longest
 * horizon of the rules reading its type. A sample later than the longest lateness of those rules is dropped.
 *
 * <p>It is not saved: what it holds is the entities' latest state and their temporal history of the last minutes or
 * hours, and that is where it is read back from after a restart ({@link #restore}). One writer at a time; rules decide
 * over it while nobody writes.
 */
public final class Samples {
    /** What is known of one entity. */
    static final class Track {
        List<String> types;
        Double longitude;
        Double latitude;
        Instant lastSeen;
        /** grouping (a rule's {@link Keying#grouping}) → the group the entity is in; null until one is known */
        Map<String, String> groups;
        /** attribute → samples in time order; most entities have one or two read attributes. */
        final Map<String, Series> series = new HashMap<>(4);

        Track(List<String> types) {
            this.types = types;
        }

        String group(String grouping) {
            return groups == null || grouping == null ? null : groups.get(grouping);
        }
    }

    /** What the rules reading a type need kept: the longest horizon and lateness, and the type's event-time watermark. */
    private static final class Kept {
        long horizonMicros;
        long latenessMicros;
        long watermark = Long.MIN_VALUE;
        /**
         * The watermark as of the last readings every rule has decided on ({@link #settle}): what taking in readings
         * prunes by. A batch reaching minutes ahead (a node catching up) must not prune what its own first readings
         * are decided over.
         */
        long settled = Long.MIN_VALUE;
        long samples;
    }

    private final Map<String, Track> entities = new HashMap<>();
    private final Map<String, Set<String>> byType = new HashMap<>();
    /** grouping → group → the entities in it */
    private final Map<String, Map<String, Set<String>>> members = new HashMap<>();
    private final Map<String, Kept> kept = new HashMap<>();
    private final Set<Kernel> served = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * The rule reads from these samples from now on: the horizon and lateness it needs count for its types. Readings of
     * a type no rule served reads are not kept.
     */
    public void serve(Kernel kernel) {
        if (served.add(kernel)) {
            long horizon = kernel.rule().horizon().toNanos() / 1_000;
            long lateness = kernel.rule().lateness().toNanos() / 1_000;
            for (String type : kernel.types()) {
                Kept kept = this.kept.computeIfAbsent(type, t -> new Kept());
                kept.horizonMicros = Math.max(kept.horizonMicros, horizon);
                kept.latenessMicros = Math.max(kept.latenessMicros, lateness);
            }
        }
    }

    /**
     * Only these rules read from the samples now (rules were added, changed or removed): what is kept follows their
     * horizons and lateness from now on. What is held stays.
     */
    public void serveOnly(java.util.Collection<Kernel> kernels) {
        served.clear();
        kept.values().forEach(type -> {
            type.horizonMicros = 0;
            type.latenessMicros = 0;
        });
        kernels.forEach(this::serve);
    }

    /**
     * Takes in a reading: its values (as the rules read them: a value named "" only says the entity spoke), place and
     * moment. Idempotent: a sample at a moment already held replaces it, so a reading taken in again changes nothing
     * more. A sample later than the lateness of every rule reading the type is dropped.
     */
    public void take(Reading reading, Instant now) {
        put(reading, now, true);
    }

    /**
     * Takes in what a restart reads back (an entity's latest state, its recent history), in any order: nothing is late,
     * and only readings taken in live move the watermark that says what is late.
     */
    public void restore(Reading reading, Instant now) {
        put(reading, now, false);
    }

    /** The rules have decided on every reading taken in: taking in the next ones may prune up to here. */
    public void settle() {
        kept.values().forEach(type -> type.settled = type.watermark);
    }

    /** The entity is in a group under a grouping ({@link Keying#grouping}): its district, the entity it relates to. */
    public void group(String entity, String grouping, String group) {
        Track track = entities.get(entity);
        if (track == null || grouping == null || group == null || group.equals(track.group(grouping))) {
            return;
        }
        String before = track.group(grouping);
        if (track.groups == null) {
            track.groups = new HashMap<>(2);
        }
        track.groups.put(grouping, group);
        Map<String, Set<String>> groups = members.computeIfAbsent(grouping, g -> new HashMap<>());
        if (before != null) {
            Set<String> in = groups.get(before);
            if (in != null && in.remove(entity) && in.isEmpty()) {
                groups.remove(before);
            }
        }
        groups.computeIfAbsent(group, g -> new LinkedHashSet<>()).add(entity);
    }

    private void put(Reading reading, Instant now, boolean lateDropped) {
        Kept type = keptFor(reading.types());
        Instant at = reading.at();
        if (type == null || at == null) {
            return;
        }
        Instant latest = now.plus(Kernel.SKEW);
        if (at.isAfter(latest)) {
            at = latest;
        }
        long atMicros = Series.micros(at);
        if (lateDropped && type.watermark != Long.MIN_VALUE && atMicros < type.watermark - type.latenessMicros) {
            return;
        }
        Track track = entities.get(reading.entity());
        if (track == null) {
            track = new Track(reading.types());
            entities.put(reading.entity(), track);
            index(reading.entity(), reading.types());
        } else if (!track.types.equals(reading.types())) {
            for (String before : track.types) {
                Set<String> of = byType.get(before);
                if (of != null) {
                    of.remove(reading.entity());
                }
            }
            track.types = reading.types();
            index(reading.entity(), reading.types());
        }
        if (reading.longitude() != null) {
            track.longitude = reading.longitude();
            track.latitude = reading.latitude();
        }
        track.lastSeen = track.lastSeen == null || at.isAfter(track.lastSeen) ? at : track.lastSeen;
        if (lateDropped) {
            type.watermark = Math.max(type.watermark, atMicros);
        }
        long cutoff = type.settled == Long.MIN_VALUE ? Long.MIN_VALUE : type.settled - type.horizonMicros;
        for (Map.Entry<String, Sample> value : reading.values().entrySet()) {
            if (value.getKey().isEmpty()) {
                continue;
            }
            // Even one before the cutoff: pruning keeps the last such, which says what held when the window begins.
            Sample sample = value.getValue();
            Series series = track.series.computeIfAbsent(value.getKey(), a -> new Series());
            int before = series.size();
            series.insert(sample.at().isAfter(latest) ? new Sample(latest, sample.number(), sample.text()) : sample, Kernel.MAX_SAMPLES);
            type.samples += series.size() - before;
        }
        type.samples -= prune(track, cutoff);
    }

    /** What is kept for an entity of these types: its first type a rule reads (entities rarely have two). */
    private Kept keptFor(List<String> types) {
        Kept found = null;
        for (String type : types) {
            Kept candidate = kept.get(type);
            if (candidate != null && (found == null || candidate.horizonMicros > found.horizonMicros)) {
                found = candidate;
            }
        }
        return found;
    }

    private void index(String entity, List<String> types) {
        for (String type : types) {
            byType.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(entity);
        }
    }

    /**
     * Drops samples before the cutoff (microseconds), but the last of them: it says what held when the kept ones begin.
     * Returns how many it dropped.
     */
    private static int prune(Track track, long cutoff) {
        int dropped = 0;
        for (Series samples : track.series.values()) {
            int old = 0;
            while (old < samples.size() && samples.micros(old) < cutoff) {
                old++;
            }
            // Shifting costs the series' length: done once a few are due, not for every reading. Samples kept a little
            // longer change nothing (windows and durations look at their own span).
            if (old > 1 && (old > 16 || old * 2 > samples.size())) {
                samples.dropFirst(old - 1);
                dropped += old - 1;
            }
        }
        return dropped;
    }

    /** Forgets an entity (it was deleted). */
    public void forget(String entity) {
        Track track = entities.remove(entity);
        if (track == null) {
            return;
        }
        track.types.forEach(type -> {
            Set<String> of = byType.get(type);
            if (of != null) {
                of.remove(entity);
            }
        });
        if (track.groups != null) {
            track.groups.forEach((grouping, group) -> {
                Set<String> in = members.getOrDefault(grouping, Map.of()).get(group);
                if (in != null) {
                    in.remove(entity);
                }
            });
        }
        Kept type = keptFor(track.types);
        if (type != null) {
            track.series.values().forEach(series -> type.samples -= series.size());
        }
    }

    /**
     * Drops what no rule reaches back to any more, of entities that stopped speaking too. Call it now and then. Only
     * behind what the rules have decided on ({@link #settle}): readings taken in but not yet decided keep what they need.
     */
    public void prune() {
        entities.values().forEach(track -> {
            Kept type = keptFor(track.types);
            if (type != null && type.settled != Long.MIN_VALUE) {
                type.samples -= prune(track, type.settled - type.horizonMicros);
            }
        });
    }

    // ---- what rules read ----

    Track track(String entity) {
        return entities.get(entity);
    }

    /** How far back readings of the type are kept: the longest horizon of the rules reading it. */
    public java.time.Duration horizonOf(String type) {
        Kept kept = this.kept.get(type);
        return kept == null ? java.time.Duration.ZERO : java.time.Duration.ofNanos(kept.horizonMicros * 1_000);
    }

    /** The types of a known entity, or null. */
    public List<String> typesOf(String entity) {
        Track track = entities.get(entity);
        return track == null ? null : track.types;
    }

    /** The entities of a type. */
    Set<String> ofType(String type) {
        return byType.getOrDefault(type, Set.of());
    }

    /** The entities in a group under a grouping. */
    Set<String> members(String grouping, String group) {
        Map<String, Set<String>> groups = members.get(grouping);
        return groups == null ? Set.of() : groups.getOrDefault(group, Set.of());
    }

    /** The groups with members under a grouping. */
    Set<String> groups(String grouping) {
        Map<String, Set<String>> groups = members.get(grouping);
        return groups == null ? Set.of() : groups.keySet();
    }

    /** The samples kept of entities of these types: what a rule reading them costs to keep. */
    public long samples(Set<String> types) {
        long count = 0;
        for (String type : types) {
            Kept type1 = kept.get(type);
            count += type1 == null ? 0 : type1.samples;
        }
        return count;
    }

    /** How many entities are known. */
    public int size() {
        return entities.size();
    }

    /** Where a known entity was last seen to be ({longitude, latitude}), or null. */
    public double[] location(String entity) {
        Track track = entities.get(entity);
        return track == null || track.longitude == null ? null : new double[] {track.longitude, track.latitude};
    }
}
