package org.meridian.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.meridian.broker.BatchResult;
import org.meridian.broker.BatchService;
import org.meridian.broker.delivery.MqttPublisher;
import org.meridian.cases.CaseMachine;
import org.meridian.cases.CaseService;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.security.Caller;
import org.meridian.platform.db.Transactions;
import org.meridian.rules.store.RuleStore;

/**
 * Does what episodes decided, from the outbox the engine wrote: opens cases, keeps {@code Alert} entities current,
 * updates entities, notifies HTTP endpoints. Each action is done on its own virtual thread, so one dead receiver
 * delays nobody else; a failed action is tried again with a growing pause, and given up (and traced) after
 * {@link #MAX_ATTEMPTS}. Each thing done is added to its episode's trace, which is how a case leads back to readings.
 */
public final class RuleActions implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RuleActions.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int MAX_ATTEMPTS = 10;
    /** The type of the alarms rules keep (FIWARE Smart Data Model, dataModel.Alert). */
    public static final String ALERT = "Alert";

    private final Transactions transactions;
    private final RuleStore store;
    private final CaseService cases;
    private final BatchService batches;
    private final JsonLdContext context;
    private final Places places;
    private final Clock clock;
    private final MqttPublisher mqtt = new MqttPublisher(5);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public RuleActions(Transactions transactions, RuleStore store, CaseService cases, BatchService batches, JsonLdContext context,
                       Places places, Clock clock) {
        this.transactions = transactions;
        this.store = store;
        this.cases = cases;
        this.batches = batches;
        this.context = context;
        this.places = places;
        this.clock = clock;
    }

    /** An action as queued: what to do, and the episode it is for. */
    static ObjectNode describe(RuleAction action, ObjectNode episode) {
        ObjectNode out = NODES.objectNode().put("kind", action.kind());
        switch (action) {
            case RuleAction.OpenCase open -> {
                out.put("category", open.category()).put("urgency", open.urgency());
                if (open.description() != null) {
                    out.put("description", open.description());
                }
                if (open.answers() != null) {
                    out.set("answers", open.answers());
                }
            }
            case RuleAction.RaiseAlert alert -> {
                out.put("category", alert.category());
                if (alert.subCategory() != null) {
                    out.put("subCategory", alert.subCategory());
                }
                if (alert.description() != null) {
                    out.put("description", alert.description());
                }
            }
            case RuleAction.Notify notify -> {
                if (notify.http() != null) {
                    out.put("http", notify.http());
                } else {
                    out.put("mqtt", notify.mqtt());
                }
            }
            case RuleAction.Update update -> {
                out.put("type", update.type()).put("entity", update.entity()).set("set", update.set());
                if (update.onClear() != null) {
                    out.set("onClear", update.onClear());
                }
            }
        }
        out.set("episode", episode);
        return out;
    }

    /** Does the actions that are due; how many were done. */
    public int run() {
        List<RuleStore.PendingAction> due = transactions.readOnly(connection -> store.due(connection, clock.instant(), 200));
        if (due.isEmpty()) {
            return 0;
        }
        List<Future<Boolean>> running = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (RuleStore.PendingAction action : due) {
                running.add(threads.submit(() -> attempt(action)));
            }
        }
        int done = 0;
        for (Future<Boolean> outcome : running) {
            done += outcome.resultNow() ? 1 : 0;
        }
        return done;
    }

    private boolean attempt(RuleStore.PendingAction pending) {
        String tenant = pending.tenant();
        try {
            Done done = perform(pending);
            transactions.inTransaction(connection -> {
                store.done(connection, tenant, pending.id());
                store.trace(connection, tenant, pending.episodeId(), done.kind(), done.ref(), clock.instant(), done.detail());
                return null;
            });
            return true;
        } catch (RuntimeException e) {
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            // "The database could not complete the operation" says little in the log without what PostgreSQL said.
            String cause = e.getCause() == null ? "" : " (" + e.getCause() + ")";
            boolean giveUp = pending.attempts() + 1 >= MAX_ATTEMPTS;
            LOG.warn("rule action {} of episode {} failed (attempt {}){}: {}{}", pending.action().path("kind").asText(), pending.episodeId(),
                    pending.attempts() + 1, giveUp ? ", given up" : "", error, cause);
            transactions.inTransaction(connection -> {
                if (giveUp) {
                    store.done(connection, tenant, pending.id());
                    store.trace(connection, tenant, pending.episodeId(), "failed", null, clock.instant(), NODES.objectNode()
                            .put("action", pending.action().path("kind").asText()).put("step", pending.step()).put("error", error));
                } else {
                    long pause = Math.min(600, 5L << Math.min(pending.attempts(), 7));
                    store.retry(connection, tenant, pending.id(), clock.instant().plusSeconds(pause), error);
                }
                return null;
            });
            return false;
        }
    }

    /** What an action did, for the trace. */
    record Done(String kind, String ref, ObjectNode detail) {
    }

    private Done perform(RuleStore.PendingAction pending) {
        JsonNode action = pending.action();
        JsonNode episode = action.get("episode");
        String tenant = pending.tenant();
        String step = pending.step();
        return switch (action.path("kind").asText()) {
            case "openCase" -> openCase(tenant, action, episode);
            case "raiseAlert" -> alert(tenant, action, episode, step);
            case "update" -> update(tenant, action, episode, step);
            case "notify" -> notify(action, episode, step);
            default -> throw new IllegalStateException("no such action " + action.path("kind").asText());
        };
    }

    private Done openCase(String tenant, JsonNode action, JsonNode episode) {
        Places.Point point = place(tenant, episode);
        if (point == null) {
            throw new IllegalStateException("the episode's entities have no location: a case needs a place");
        }
        String description = action.hasNonNull("description") ? action.get("description").asText() : episode.path("ruleName").asText();
        StringBuilder text = new StringBuilder(description).append(" — ").append("rule ").append(episode.path("rule").asText())
                .append(", episode ").append(episode.path("episode").asText()).append(":");
        for (JsonNode item : episode.path("evidence")) {
            text.append(' ').append(item.path("entity").asText()).append(' ').append(shortName(item.path("what").asText())).append(" = ")
                    .append(item.path("value").asText()).append(" at ").append(item.path("at").asText()).append(';');
        }
        String district = episode.hasNonNull("district") ? episode.get("district").asText() : null;
        Caller rule = new Caller(tenant, "rule:" + episode.path("rule").asText(), Set.of(), Set.of(Caller.ALL_RIGHTS));
        CaseService.Reported reported = cases.report(rule, new CaseMachine.Report(action.path("category").asText(),
                action.path("urgency").asText("normal"), text.length() > 3900 ? text.substring(0, 3900) : text.toString(),
                point.longitude(), point.latitude(), null, district, "rule", answers(action.get("answers")), Map.of(), List.of()));
        return new Done("case", reported.reported().id(), NODES.objectNode().put("category", action.path("category").asText()));
    }

    /** The rule's answers to the category's questions, as a report gives them (code → values). */
    private static Map<String, List<String>> answers(JsonNode given) {
        if (given == null || !given.isObject()) {
            return Map.of();
        }
        Map<String, List<String>> answers = new java.util.LinkedHashMap<>();
        given.properties().forEach(answer -> {
            List<String> values = new ArrayList<>();
            if (answer.getValue().isArray()) {
                answer.getValue().forEach(value -> values.add(value.asText()));
            } else {
                values.add(answer.getValue().asText());
            }
            answers.put(answer.getKey(), values);
        });
        return answers;
    }

    private Done alert(String tenant, JsonNode action, JsonNode episode, String step) {
        String id = alertId(episode.path("episode").asText());
        ObjectNode entity = NODES.objectNode().put("id", id).put("type", ALERT);
        if (step.equals("opened")) {
            property(entity, "category", action.path("category").asText());
            if (action.hasNonNull("subCategory")) {
                property(entity, "subCategory", action.get("subCategory").asText());
            }
            property(entity, "severity", episode.path("severity").asText());
            property(entity, "description", action.hasNonNull("description") ? action.get("description").asText()
                    : episode.path("ruleName").asText());
            property(entity, "dateIssued", episode.path("openedAt").asText());
            property(entity, "validFrom", episode.path("openedAt").asText());
            JsonNode first = episode.path("evidence").path(0);
            if (!first.isMissingNode()) {
                property(entity, "alertSource", first.path("entity").asText());
            }
            Places.Point point = place(tenant, episode);
            if (point != null) {
                ObjectNode location = entity.putObject("location").put("type", "GeoProperty");
                location.putObject("value").put("type", "Point").putArray("coordinates").add(point.longitude()).add(point.latitude());
            }
        }
        if (step.equals("cleared")) {
            property(entity, "validTo", clock.instant().toString());
        }
        ObjectNode data = NODES.objectNode().put("rule", episode.path("rule").asText()).put("episode", episode.path("episode").asText())
                .put("key", episode.path("key").asText()).put("state", step.equals("opened") ? "open" : step);
        entity.putObject("data").put("type", "Property").set("value", data);
        write(Caller.system(tenant, "rules"), entity, !step.equals("opened"));
        return new Done("alert", id, NODES.objectNode().put("state", data.path("state").asText()));
    }

    private Done update(String tenant, JsonNode action, JsonNode episode, String step) {
        String target = action.path("entity").asText();
        String id = target.replace("{key}", episode.path("key").asText());
        JsonNode values = step.equals("cleared") ? action.get("onClear") : action.get("set");
        ObjectNode entity = NODES.objectNode().put("id", id).put("type", action.path("type").asText());
        values.properties().forEach(value -> entity.putObject(value.getKey()).put("type", "Property").set("value", value.getValue()));
        Caller department = RuleEngine.ruleCaller(tenant, episode.path("rule").asText(), episode.path("department").asText());
        write(department, entity, true);
        return new Done("entity", id, NODES.objectNode().put("set", values.toString()));
    }

    private Done notify(JsonNode action, JsonNode episode, String step) {
        byte[] body = NODES.objectNode().put("step", step).set("episode", episode).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (action.hasNonNull("mqtt")) {
            URI endpoint = URI.create(action.get("mqtt").asText());
            // Named without its credentials wherever it is shown (trace, log).
            String shown = endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())
                    + endpoint.getRawPath();
            if (!mqtt.publish(endpoint, 1, body)) {
                throw new IllegalStateException(shown + " did not take the message");
            }
            return new Done("notification", shown, NODES.objectNode().put("step", step));
        }
        String url = action.path("http").asText();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").header("User-Agent", "Meridian rules")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            return new Done("notification", url, NODES.objectNode().put("status", response.statusCode()).put("step", step));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(url + " could not be reached: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void write(Caller caller, ObjectNode entity, boolean update) {
        ArrayNode batch = NODES.arrayNode().add(entity);
        BatchResult result = batches.upsert(caller, batch, context, update).result();
        if (!result.failed().isEmpty()) {
            throw new IllegalStateException(entity.path("id").asText() + " was not written: " + result.failed().getFirst().error().getMessage());
        }
    }

    /** Where the episode is: the place the engine knew, else its key's or its evidence's entity's location. */
    private Places.Point place(String tenant, JsonNode episode) {
        JsonNode place = episode.get("place");
        if (place != null) {
            return new Places.Point(place.path("longitude").asDouble(), place.path("latitude").asDouble());
        }
        List<String> candidates = new ArrayList<>();
        candidates.add(episode.path("key").asText());
        episode.path("evidence").forEach(item -> candidates.add(item.path("entity").asText()));
        for (String entity : candidates) {
            Places.Point point = places.locate(tenant, entity);
            if (point != null) {
                return point;
            }
        }
        return null;
    }

    public static String alertId(String episode) {
        return "urn:ngsi-ld:" + ALERT + ":" + episode;
    }

    private static void property(ObjectNode entity, String name, String value) {
        entity.putObject(name).put("type", "Property").put("value", value);
    }

    private static String shortName(String iri) {
        int cut = Math.max(iri.lastIndexOf('/'), iri.lastIndexOf('#'));
        return cut >= 0 && !iri.startsWith("average(") ? iri.substring(cut + 1) : iri;
    }

    @Override
    public void close() {
        mqtt.close();
    }
}
