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
 * What one rule remembers between events: its open episodes, its suppression windows, the keys cleared by hand, its
 * event-time watermark and counters. The readings it decides over are in {@link Samples}, shared with the rules of its
 * department. The {@link Kernel} changes it in place (one rule's state is only ever handled by one thread);
 * {@link #toJson} and {@link #fromJson} keep it across restarts, written in the transaction that records what a step
 * decided.
 */
public final class RuleState {
    final Samples samples;
    final Map<String, Episode> open = new LinkedHashMap<>();
    final Map<String, Instant> quietUntil = new HashMap<>();
    /** Keys whose episode was cleared by hand while the conditions still held: none opens until they are false once. */
    final Set<String> disarmed = new HashSet<>();
    Instant watermark;
    long counter;
    long late;
    /** How many entities the rule watched when it last looked at them all. */
    int watched;

    /** A state with readings of its own (a dry run, a test). */
    public RuleState() {
        this(new Samples());
    }

    /** A state deciding over readings it shares with other rules. */
    public RuleState(Samples samples) {
        this.samples = samples;
    }

    /** The readings it decides over. */
    public Samples samples() {
        return samples;
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
        return watched;
    }

    /** Where a watched entity was last seen to be ({longitude, latitude}), or null. */
    public double[] location(String entity) {
        return samples.location(entity);
    }

    /** The latest moment seen in the readings (event time), or null. */
    public Instant watermark() {
        return watermark;
    }

    // ---- kept across restarts ----

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Watermark, counters, open episodes, quiet periods: small, and saved with every step. */
    public ObjectNode toJson() {
        ObjectNode out = NODES.objectNode();
        if (watermark != null) {
            out.put("watermark", watermark.toString());
        }
        out.put("counter", counter).put("late", late).put("watched", watched);
        ObjectNode episodes = out.putObject("open");
        open.forEach((key, episode) -> episodes.set(key, episode(episode)));
        ObjectNode quiet = out.putObject("quietUntil");
        quietUntil.forEach((key, until) -> quiet.put(key, until.toString()));
        disarmed.forEach(out.putArray("disarmed")::add);
        return out;
    }

    /** A state as saved, with readings of its own. */
    public static RuleState fromJson(JsonNode in) {
        return fromJson(in, new Samples());
    }

    /** A state as saved, deciding over the readings given. */
    public static RuleState fromJson(JsonNode in, Samples samples) {
        RuleState state = new RuleState(samples);
        if (in == null || in.isNull() || in.isMissingNode()) {
            return state;
        }
        state.watermark = instant(in.get("watermark"));
        state.counter = in.path("counter").asLong();
        state.late = in.path("late").asLong();
        state.watched = in.path("watched").asInt();
        in.path("open").properties().forEach(entry -> state.open.put(entry.getKey(), episode(entry.getValue())));
        in.path("quietUntil").properties().forEach(entry -> state.quietUntil.put(entry.getKey(), Instant.parse(entry.getValue().asText())));
        in.path("disarmed").forEach(key -> state.disarmed.add(key.asText()));
        return state;
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
