package org.meridian.core.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one rule remembers between events: the recent samples of the entities it watches (as far back as its
 * conditions reach, plus the lateness), its open episodes, its suppression windows and its event-time watermark. The
 * {@link Kernel} changes it in place (one rule's state is only ever handled by one thread); {@link #toJson} and
 * {@link #fromJson} keep it across restarts, written in the transaction that records what a step decided.
 */
public final class RuleState {
    /** What is known of one watched entity. */
    static final class Track {
        List<String> types;
        String group;
        Double longitude;
        Double latitude;
        Instant lastSeen;
        /** changed since the state was last saved (then it is in {@link #changed}) */
        boolean dirty;
        /** attribute → samples in time order; most rules read one or two attributes of an entity. */
        final Map<String, Series> series = new HashMap<>(4);

        Track(List<String> types) {
            this.types = types;
        }
    }

    final Map<String, Track> entities = new HashMap<>();
    /** key (a district, a related entity) → the entities in its group; derived from the tracks, not stored. */
    final Map<String, Set<String>> members = new HashMap<>();
    final Map<String, Episode> open = new LinkedHashMap<>();
    final Map<String, Instant> quietUntil = new HashMap<>();
    /** Keys whose episode was cleared by hand while the conditions still held: none opens until they are false once. */
    final Set<String> disarmed = new HashSet<>();
    Instant watermark;
    long counter;
    long late;
    /** Entities whose track changed since the state was last saved: only those are written again. */
    final Set<String> changed = new HashSet<>();

    /** The samples it keeps, over all its entities and attributes: what its state costs to keep and to save. */
    public long samples() {
        long count = 0;
        for (Track track : entities.values()) {
            for (Series series : track.series.values()) {
                count += series.size();
            }
        }
        return count;
    }

    /** The open episodes, by key. */
    public Map<String, Episode> openEpisodes() {
        return java.util.Collections.unmodifiableMap(open);
    }

    /** How many readings came later than the lateness allows and were left out. */
    public long lateReadings() {
        return late;
    }

    /** How many entities the rule watches. */
    public int watched() {
        return entities.size();
    }

    /** Where a watched entity was last seen to be ({longitude, latitude}), or null. */
    public double[] location(String entity) {
        Track track = entities.get(entity);
        return track == null || track.longitude == null ? null : new double[] {track.longitude, track.latitude};
    }

    /** The latest moment seen in the readings (event time), or null. */
    public Instant watermark() {
        return watermark;
    }

    /** The entity's track changed: it is written at the next save. */
    void touched(String entity, Track track) {
        // A flag on the track the kernel already holds, so the set is only touched once per entity between saves.
        if (!track.dirty) {
            track.dirty = true;
            changed.add(entity);
        }
    }

    void join(String group, String entity) {
        if (group != null) {
            members.computeIfAbsent(group, d -> new HashSet<>()).add(entity);
        }
    }

    void leave(String group, String entity) {
        if (group != null) {
            Set<String> in = members.get(group);
            if (in != null) {
                in.remove(entity);
                if (in.isEmpty()) {
                    members.remove(group);
                }
            }
        }
    }

    // ---- kept across restarts ----

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The whole state as one JSON document (the tracks under "entities"). */
    public ObjectNode toJson() {
        ObjectNode out = headerJson();
        ObjectNode tracks = out.putObject("entities");
        entities.forEach((id, track) -> tracks.set(id, trackJson(track)));
        return out;
    }

    /**
     * Everything but the tracks: watermark, counters, open episodes, quiet periods. Small, and saved with every step;
     * the tracks are saved one by one ({@link #trackJson}), those {@link #changedEntities changed} only.
     */
    public ObjectNode headerJson() {
        ObjectNode out = NODES.objectNode();
        if (watermark != null) {
            out.put("watermark", watermark.toString());
        }
        out.put("counter", counter).put("late", late).put("watched", entities.size());
        ObjectNode episodes = out.putObject("open");
        open.forEach((key, episode) -> episodes.set(key, episode(episode)));
        ObjectNode quiet = out.putObject("quietUntil");
        quietUntil.forEach((key, until) -> quiet.put(key, until.toString()));
        disarmed.forEach(out.putArray("disarmed")::add);
        return out;
    }

    /** The entities whose tracks changed since {@link #saved}. */
    public Set<String> changedEntities() {
        return java.util.Collections.unmodifiableSet(changed);
    }

    /** One entity's track as JSON, or null when the rule no longer watches it. */
    public ObjectNode trackJson(String entity) {
        Track track = entities.get(entity);
        return track == null ? null : trackJson(track);
    }

    /** The state was saved: nothing has changed since. */
    public void saved() {
        for (String entity : changed) {
            Track track = entities.get(entity);
            if (track != null) {
                track.dirty = false;
            }
        }
        changed.clear();
    }

    private static ObjectNode trackJson(Track track) {
        ObjectNode node = NODES.objectNode();
        track.types.forEach(node.putArray("types")::add);
        if (track.group != null) {
            node.put("group", track.group);
        }
        if (track.longitude != null) {
            node.put("longitude", track.longitude).put("latitude", track.latitude);
        }
        if (track.lastSeen != null) {
            node.put("lastSeen", track.lastSeen.toString());
        }
        ObjectNode series = node.putObject("series");
        track.series.forEach((attribute, samples) -> {
            ArrayNode list = series.putArray(attribute);
            for (int i = 0; i < samples.size(); i++) {
                Sample sample = samples.sample(i);
                ArrayNode pair = list.addArray().add(sample.at().toString());
                if (sample.number() != null) {
                    pair.add(sample.number());
                } else {
                    pair.add(sample.text());
                }
            }
        });
        return node;
    }

    public static RuleState fromJson(JsonNode in) {
        return fromJson(in, Map.of());
    }

    /** A state from its header and its tracks (entity → track), as saved; tracks in the header (a whole state) count too. */
    public static RuleState fromJson(JsonNode in, Map<String, JsonNode> tracks) {
        RuleState state = new RuleState();
        if (in == null || in.isNull() || in.isMissingNode()) {
            return state;
        }
        state.watermark = instant(in.get("watermark"));
        state.counter = in.path("counter").asLong();
        state.late = in.path("late").asLong();
        in.path("entities").properties().forEach(entry -> state.track(entry.getKey(), entry.getValue()));
        tracks.forEach(state::track);
        in.path("open").properties().forEach(entry -> state.open.put(entry.getKey(), episode(entry.getValue())));
        in.path("quietUntil").properties().forEach(entry -> state.quietUntil.put(entry.getKey(), Instant.parse(entry.getValue().asText())));
        in.path("disarmed").forEach(key -> state.disarmed.add(key.asText()));
        return state;
    }

    private void track(String entity, JsonNode node) {
        List<String> types = new ArrayList<>();
        node.path("types").forEach(type -> types.add(type.asText()));
        Track track = new Track(List.copyOf(types));
        // "district": as states were saved before rules could be grouped by relationship
        JsonNode group = node.hasNonNull("group") ? node.get("group") : node.get("district");
        track.group = group == null || group.isNull() ? null : group.asText();
        if (node.hasNonNull("longitude")) {
            track.longitude = node.get("longitude").asDouble();
            track.latitude = node.get("latitude").asDouble();
        }
        track.lastSeen = instant(node.get("lastSeen"));
        node.path("series").properties().forEach(series -> {
            Series samples = new Series();
            for (JsonNode pair : series.getValue()) {
                Instant at = Instant.parse(pair.get(0).asText());
                samples.insert(pair.get(1).isNumber() ? Sample.of(at, pair.get(1).asDouble()) : Sample.of(at, pair.get(1).asText()),
                        Kernel.MAX_SAMPLES);
            }
            track.series.put(series.getKey(), samples);
        });
        Track before = entities.put(entity, track);
        if (before != null) {
            leave(before.group, entity);
        }
        join(track.group, entity);
    }

    /** An episode as JSON (the same shape the store and the API use). */
    public static ObjectNode episode(Episode episode) {
        ObjectNode out = NODES.objectNode().put("id", episode.id()).put("key", episode.key()).put("openedAt", episode.openedAt().toString());
        put(out, "acknowledgedAt", episode.acknowledgedAt());
        put(out, "escalatedAt", episode.escalatedAt());
        put(out, "falseSince", episode.falseSince());
        ArrayNode evidence = out.putArray("evidence");
        for (Evidence item : episode.evidence()) {
            evidence.addObject().put("entity", item.entity()).put("what", item.what()).put("at", item.at().toString())
                    .put("value", item.value());
        }
        return out;
    }

    public static Episode episode(JsonNode in) {
        List<Evidence> evidence = new ArrayList<>();
        in.path("evidence").forEach(item -> evidence.add(new Evidence(item.path("entity").asText(), item.path("what").asText(),
                Instant.parse(item.path("at").asText()), item.path("value").asText(null))));
        return new Episode(in.path("id").asText(), in.path("key").asText(), Instant.parse(in.path("openedAt").asText()),
                instant(in.get("acknowledgedAt")), instant(in.get("escalatedAt")), instant(in.get("falseSince")), evidence);
    }

    private static void put(ObjectNode out, String name, Instant value) {
        if (value != null) {
            out.put(name, value.toString());
        }
    }

    private static Instant instant(JsonNode node) {
        return node == null || node.isNull() ? null : Instant.parse(node.asText());
    }
}
