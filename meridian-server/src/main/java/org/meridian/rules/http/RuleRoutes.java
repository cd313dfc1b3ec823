package org.meridian.rules.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.EventStreams;
import org.meridian.platform.http.JsonFields;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.Routes;
import io.javalin.http.sse.SseClient;
import org.meridian.rules.AlarmFeed;
import org.meridian.rules.RuleError;
import org.meridian.rules.RuleLanguage;
import org.meridian.rules.RuleService;
import org.meridian.rules.EpisodeRecord;
import org.meridian.rules.RuleRecord;

/**
 * {@code /rules/v1/}: rules (JSON or YAML, checked against {@code /rules/v1/schema}), their episodes, and the trace of
 * each. Reading is for the people who read the hub; managing a department's rules is for its administrators and the
 * operators (the service checks the department).
 */
public final class RuleRoutes implements Routes {
    private static final String BASE = "/rules/v1";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final RuleService rules;
    private final RuleLanguage language;
    private final AlarmFeed alarms;

    public RuleRoutes(RuleService rules, RuleLanguage language, AlarmFeed alarms) {
        this.rules = rules;
        this.language = language;
        this.alarms = alarms;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(BASE + "/schema", http -> JsonFields.respond(http, 200, RuleLanguage.schema()), Access.READ_DATA);
        routes.get(BASE + "/rules", this::list, Access.READ_DATA);
        routes.post(BASE + "/rules", this::add, Access.ADMINISTER);
        routes.get(BASE + "/rules/{id}", this::get, Access.READ_DATA);
        routes.put(BASE + "/rules/{id}", this::replace, Access.ADMINISTER);
        routes.delete(BASE + "/rules/{id}", http -> {
            rules.delete(caller(http), http.pathParam("id"));
            http.status(204);
        }, Access.ADMINISTER);
        routes.post(BASE + "/rules/{id}/enable", http -> enable(http, true), Access.ADMINISTER);
        routes.post(BASE + "/rules/{id}/disable", http -> enable(http, false), Access.ADMINISTER);
        routes.post(BASE + "/dry-run", http -> dryRun(http, null), Access.ADMINISTER);
        routes.post(BASE + "/rules/{id}/dry-run", http -> dryRun(http, http.pathParam("id")), Access.ADMINISTER);
        routes.get(BASE + "/episodes", this::episodes, Access.READ_DATA);
        routes.get(BASE + "/episodes/{id}", http -> JsonFields.respond(http, 200, episode(rules.episode(caller(http), http.pathParam("id")))),
                Access.READ_DATA);
        routes.post(BASE + "/episodes/{id}/acknowledge",
                http -> JsonFields.respond(http, 200, episode(rules.acknowledge(caller(http), http.pathParam("id")))), Access.READ_DATA);
        routes.post(BASE + "/episodes/{id}/clear",
                http -> JsonFields.respond(http, 200, episode(rules.clear(caller(http), http.pathParam("id")))), Access.READ_DATA);
        routes.get(BASE + "/episodes/{id}/trace", http -> JsonFields.respond(http, 200, rules.trace(caller(http), http.pathParam("id"))),
                Access.READ_DATA);
        routes.get(BASE + "/causes", this::causes, Access.READ_DATA);
        routes.beforeMatched(BASE + "/alarms", RuleRoutes::checkAlarms);
        routes.sse(BASE + "/alarms", this::alarms, Access.READ_DATA);
    }

    private static Caller alarmCaller(Context http) {
        return Callers.of(http, NgsiLdExchange.streamTenantOf(http));
    }

    /** Refuses, in problem details, what would otherwise be an empty 200: no event-stream Accept, or a bad Last-Event-ID. */
    private static void checkAlarms(Context http) {
        alarmCaller(http);
        String last = http.header("Last-Event-ID");
        if (last != null && !last.trim().matches("\\d{1,19}\\.\\d{1,10}")) {
            throw MeridianException.badData("Last-Event-ID must be the id of an alarm this stream sent, not '" + last + "'");
        }
        if (!NgsiLdExchange.wantsStream(http)) {
            throw new MeridianException(org.meridian.core.error.ErrorType.NOT_ACCEPTABLE, "Alarms are sent as server-sent events:"
                    + " send Accept: text/event-stream (browsers' EventSource does; with curl, -N -H 'Accept: text/event-stream')");
        }
    }

    /**
     * The operations centre's live alarms: an event per episode opened, escalated or cleared (named so) for the rules
     * that notify {@code stream}, its id the alarm's place in the change stream, so that a screen reconnecting with
     * {@code Last-Event-ID} resumes where it was. Without one it starts now (load the open episodes first); an event
     * named {@code missed} says some alarms since are no longer kept: reload them. A comment every 15 s keeps proxies
     * from closing an idle stream.
     */
    private void alarms(SseClient client) {
        String tenant = alarmCaller(client.ctx()).tenant();
        String given = client.ctx().header("Last-Event-ID");
        String[] last = {given == null ? alarms.head(tenant) : given.trim()};
        EventStreams.serve(client, () -> {
            AlarmFeed.Since since = alarms.after(tenant, last[0], 100);
            if (since.missed()) {
                last[0] = alarms.head(tenant);
                client.sendEvent("missed", "{\"reload\": \"/rules/v1/episodes?open=true\"}", last[0]);
                return EventStreams.Found.SENT;
            }
            for (AlarmFeed.Alarm alarm : since.alarms()) {
                client.sendEvent(alarm.step(), alarm.episodeContext().toString(), alarm.id());
                last[0] = alarm.id();
            }
            return since.alarms().isEmpty() ? EventStreams.Found.NOTHING : EventStreams.Found.SENT;
        });
    }

    private static Caller caller(Context http) {
        return Callers.of(http, NgsiLdExchange.tenantOf(http));
    }

    private void list(Context http) {
        ArrayNode out = NODES.arrayNode();
        rules.list(caller(http)).forEach(rule -> out.add(rule(rule)));
        JsonFields.respond(http, 200, out);
    }

    private void get(Context http) {
        ObjectNode out = rule(rules.get(caller(http), http.pathParam("id")));
        ObjectNode status = rules.status(caller(http), http.pathParam("id"));
        if (status != null) {
            out.set("status", status);
        }
        JsonFields.respond(http, 200, out);
    }

    private void add(Context http) {
        RuleRecord added = rules.add(caller(http), language.read(http.bodyAsBytes(), http.contentType()));
        http.header("Location", BASE + "/rules/" + added.id());
        JsonFields.respond(http, 201, rule(added));
    }

    private void replace(Context http) {
        JsonFields.respond(http, 200, rule(rules.replace(caller(http), http.pathParam("id"),
                language.read(http.bodyAsBytes(), http.contentType()))));
    }

    private void enable(Context http, boolean enabled) {
        rules.enable(caller(http), http.pathParam("id"), enabled);
        JsonFields.respond(http, 200, rule(rules.get(caller(http), http.pathParam("id"))));
    }

    /** A rule in the body (POST /dry-run) or a stored one (its id), over ?from=…&to=… of recorded history. */
    private void dryRun(Context http, String id) {
        ObjectNode document = id == null ? language.read(http.bodyAsBytes(), http.contentType()) : null;
        JsonFields.respond(http, 200, rules.dryRun(caller(http), id, document, instant(http, "from"), instant(http, "to")));
    }

    private static java.time.Instant instant(Context http, String name) {
        String value = Parameters.single(http, name);
        if (value == null) {
            throw new MeridianException(RuleError.INVALID_INPUT, "A dry run needs ?" + name + "= (an ISO 8601 instant)");
        }
        try {
            // An unencoded "+08:00" in a query string arrives as " 08:00".
            return java.time.OffsetDateTime.parse(value.replace(' ', '+')).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new MeridianException(RuleError.INVALID_INPUT, name + " is not an ISO 8601 instant with its offset: " + value);
        }
    }

    private void episodes(Context http) {
        int limit = Parameters.integer(http, "limit", 100, 1);
        if (limit > 1000) {
            throw new MeridianException(RuleError.INVALID_INPUT, "limit is at most 1000");
        }
        int offset = Parameters.integer(http, "offset", 0, 0);
        if (offset > 100_000) {
            throw new MeridianException(RuleError.INVALID_INPUT, "offset is at most 100000: narrow the list by rule");
        }
        ArrayNode out = NODES.arrayNode();
        rules.episodes(caller(http), Parameters.single(http, "rule"), Parameters.flag(http, "open"), limit, offset)
                .forEach(episode -> out.add(episode(episode)));
        JsonFields.respond(http, 200, out);
    }

    /** ?case=, ?entity= or ?alert=: the episodes that caused it. */
    private void causes(Context http) {
        for (String kind : new String[] {"case", "entity", "alert"}) {
            String ref = Parameters.single(http, kind);
            if (ref != null) {
                ArrayNode out = NODES.arrayNode();
                rules.causesOf(caller(http), kind, ref).forEach(out::add);
                JsonFields.respond(http, 200, out);
                return;
            }
        }
        throw new MeridianException(RuleError.INVALID_INPUT, "Name what to trace back: ?case=…, ?entity=… or ?alert=…");
    }

    private static ObjectNode rule(RuleRecord rule) {
        ObjectNode out = NODES.objectNode().put("id", rule.id()).put("department", rule.department()).put("enabled", rule.enabled())
                .put("version", rule.version()).put("createdBy", rule.createdBy()).put("createdAt", rule.createdAt().toString())
                .put("updatedAt", rule.updatedAt().toString());
        if (rule.problem() != null) {
            out.put("problem", rule.problem());
        }
        out.set("definition", rule.definition());
        return out;
    }

    private static ObjectNode episode(EpisodeRecord episode) {
        ObjectNode out = NODES.objectNode().put("id", episode.id()).put("rule", episode.ruleId()).put("key", episode.key())
                .put("state", episode.state()).put("openedAt", episode.openedAt().toString());
        put(out, "acknowledgedAt", episode.acknowledgedAt(), "acknowledgedBy", episode.acknowledgedBy());
        put(out, "escalatedAt", episode.escalatedAt(), null, null);
        put(out, "clearedAt", episode.clearedAt(), "clearedBy", episode.clearedBy());
        out.put("alert", org.meridian.rules.RuleActions.alertId(episode.id()));
        out.set("evidence", episode.evidence());
        return out;
    }

    private static void put(ObjectNode out, String name, java.time.Instant at, String byName, String by) {
        if (at != null) {
            out.put(name, at.toString());
            if (byName != null && by != null) {
                out.put(byName, by);
            }
        }
    }
}
