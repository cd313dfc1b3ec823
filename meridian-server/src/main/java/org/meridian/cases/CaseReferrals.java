package org.meridian.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;

/**
 * Cases crossing levels (上报): a dispatcher refers a case this node cannot solve to the node above it, where it goes
 * on with one identity and one timeline. Below, the case waits as {@code referred}; the federation's round delivers it
 * ({@link #referred(String, Key)}, {@link #delivered}), then reads the node above's events back into it as {@code upstream}
 * events ({@link #follow}), and closes it when it is closed there. Above, it is a case like any other, opened by a
 * {@code referred-in} event that carries the report and everything that happened below ({@link #receive}), whose
 * events the node below alone may read back ({@link #upstream}). Above, the case's id is the sending node's name and
 * its id there ({@code east-district:20261206-000001}; referred on to the province, {@code city:east-district:…}): the
 * one identity, and no node can take another's ids.
 */
public final class CaseReferrals {
    /** Most events a referral carries from below; most events one read back brings. */
    static final int MAX_HISTORY = 1_000;
    static final int MAX_UPSTREAM = 200;
    private static final Pattern CASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** What never leaves the node: who reported (their accounts and contact details), and what is carried already. */
    private static final Set<String> LOCAL_ONLY = Set.of("contact", "reporters", "likelyDuplicates", "history");
    /** This node's bookkeeping of a referral, not part of the case's story above. */
    private static final Set<String> NOT_SENT = Set.of("upstream", "referral-delivered", "referred-in");

    private final CaseService service;

    public CaseReferrals(CaseService service) {
        this.service = service;
    }

    // ---- below: deliver, then follow ---------------------------------------------------------------------------

    /**
     * A case referred upwards: waiting to be delivered ({@code referral} is what to send), or delivered and followed
     * ({@code above} is its id there, {@code upstreamSeq} the last of its events taken in here).
     */
    public record Referred(String tenant, String id, boolean pending, String above, long upstreamSeq, ObjectNode referral) {
    }

    /** A case by tenant and id. */
    public record Key(String tenant, String id) {
    }

    /**
     * The cases referred upwards and not yet closed above, least recently changed first, at most {@code limit}: their
     * keys only, so that a round reads the logs of those it looks at now ({@link #referred(String, Key)}), not of all.
     */
    public List<Key> referred(int limit) {
        return service.transactions.readOnly(connection -> service.cases.referred(connection, limit).stream()
                .map(due -> new Key(due.tenant(), due.id())).toList());
    }

    /** The referred case as it is now, with what to send when it is still to be delivered; null when no longer referred. */
    public Referred referred(String node, Key key) {
        return service.transactions.readOnly(connection -> {
            List<CaseEvent> events = service.cases.events(connection, key.tenant(), key.id());
            CaseView view = CaseView.of(key.id(), key.tenant(), events);
            return view.state() != CaseState.REFERRED ? null : new Referred(key.tenant(), key.id(), view.referralPending(),
                    view.referredTo(), view.upstreamSeq(), view.referralPending() ? referral(node, view, events) : null);
        });
    }

    /** What the node above receives: the case's id here, why, the report, and its whole timeline so far. */
    private static ObjectNode referral(String node, CaseView view, List<CaseEvent> events) {
        ObjectNode out = NODES.objectNode();
        out.put("case", view.id());
        String reason = "";
        long generation = 0;
        for (CaseEvent event : events) {
            if (event.kind().equals("referred")) {
                reason = event.data().path("reason").asText("");
                generation = event.seq();
            }
        }
        out.put("reason", reason);
        // Which referral of the case this is (the place of its referred event): the node above tells a referral sent
        // again after a lost answer (the same) from one made again after the case came back closed (a later one).
        out.put("generation", generation);
        ObjectNode report = out.putObject("report");
        report.put("category", view.category()).put("urgency", view.urgency()).put("description", view.description())
                .put("longitude", view.longitude()).put("latitude", view.latitude()).put("source", view.source());
        if (view.address() != null) {
            report.put("address", view.address());
        }
        if (view.district() != null) {
            report.put("district", view.district());
        }
        if (view.createdAt() != null) {
            report.put("reportedAt", view.createdAt().toString());
        }
        ArrayNode history = out.putArray("history");
        for (CaseEvent event : events) {
            if (event.kind().equals("referred-in")) {
                // Referred on: what happened below this node comes first, as it came.
                event.data().path("history").forEach(history::add);
            }
            if (!NOT_SENT.contains(event.kind()) && history.size() < MAX_HISTORY) {
                ObjectNode entry = history.addObject().put("node", node).put("seq", event.seq()).put("kind", event.kind())
                        .put("at", event.at().toString())
                        .put("actor", view.reporters().contains(event.actor()) ? "reporter" : event.actor())
                        .put("department", event.department());
                entry.set("data", shareable(event.data()));
            }
        }
        return out;
    }

    private static ObjectNode shareable(ObjectNode data) {
        ObjectNode copy = data.deepCopy();
        copy.remove(LOCAL_ONLY);
        return copy;
    }

    /** The node above has the case, as {@code above}: from now on its events are read back. */
    public void delivered(String tenant, String id, String node, String above) {
        CaseView after = service.transactions.inTransaction(connection -> {
            CaseView view = lockedOrNull(connection, tenant, id);
            if (view == null || view.state() != CaseState.REFERRED || !view.referralPending()) {
                return null;
            }
            ObjectNode data = NODES.objectNode().put("node", node).put("case", above);
            return append(connection, view, new CaseEvent(view.version() + 1, "referral-delivered", service.clock.instant(),
                    actor(node), "", data));
        });
        if (after != null) {
            service.publish(after);
        }
    }

    /**
     * Takes in what the node above says of the case ({@link #upstream}'s answer): each of its events not yet here as
     * an {@code upstream} event, and the case closed here once it is closed there. Returns how many events it wrote.
     */
    public int follow(String tenant, String id, String node, JsonNode answer) {
        List<CaseView> changed = new ArrayList<>();
        service.transactions.inTransaction(connection -> {
            changed.clear();
            CaseView view = lockedOrNull(connection, tenant, id);
            if (view == null || view.state() != CaseState.REFERRED || view.referralPending()) {
                return null;
            }
            Instant now = service.clock.instant();
            for (JsonNode event : answer.path("events")) {
                long seq = event.path("seq").asLong();
                if (seq <= view.upstreamSeq() || !event.path("kind").isTextual()) {
                    continue;
                }
                ObjectNode data = NODES.objectNode().put("node", node).put("seq", seq).put("kind", event.path("kind").asText())
                        .put("at", event.path("at").asText()).put("actor", event.path("actor").asText(""))
                        .put("department", event.path("department").asText(""));
                if (event.path("data").isObject()) {
                    data.set("data", shareable((ObjectNode) event.path("data")));
                }
                view = append(connection, view, new CaseEvent(view.version() + 1, "upstream", now, actor(node), "", data));
                changed.add(view);
            }
            if ("closed".equals(answer.path("state").asText()) && view.upstreamSeq() >= answer.path("lastSeq").asLong()) {
                ObjectNode data = NODES.objectNode().put("note", "Closed at " + node).put("upstream", true);
                data.putNull("deadline");
                view = append(connection, view, new CaseEvent(view.version() + 1, "closed", now, actor(node), "", data));
                changed.add(view);
            }
            return null;
        });
        if (!changed.isEmpty()) {
            service.publish(changed.getLast());
        }
        return changed.size();
    }

    private CaseView append(Connection connection, CaseView view, CaseEvent event) throws SQLException {
        CaseView after = view.apply(event);
        service.append(connection, event, after, service.calendar(connection, view.tenant()));
        return after;
    }

    private CaseView lockedOrNull(Connection connection, String tenant, String id) throws SQLException {
        if (service.cases.lock(connection, tenant, id).isEmpty()) {
            return null;
        }
        return CaseView.of(id, tenant, service.cases.events(connection, tenant, id));
    }

    private static String actor(String node) {
        return "node:" + node;
    }

    // ---- above: receive, then answer -----------------------------------------------------------------------------

    /** The case as this node keeps it, and whether the referral made it (false: it had it already). */
    public record Received(String id, boolean created) {
    }

    /**
     * Opens the case a node below refers here, or, when it is here already, leaves it be (the same referral sent
     * again after its answer was lost) or reopens it (closed here, and referred again because below it is not done).
     *
     * @param from the node below, as the caller's own registration names it
     */
    public Received receive(Caller caller, String from, JsonNode referral) {
        String below = text(referral, "case", 200);
        if (!CASE_ID.matcher(below).matches()) {
            throw invalid("case is the case's id at " + from + ": letters, digits and . _ : -");
        }
        String reason = text(referral, "reason", CaseMachine.MAX_TEXT);
        JsonNode report = referral.path("report");
        String urgency = text(report, "urgency", 10);
        String source = text(report, "source", 20);
        double longitude = report.path("longitude").asDouble(Double.NaN);
        double latitude = report.path("latitude").asDouble(Double.NaN);
        if (!"normal".equals(urgency) && !"urgent".equals(urgency) || !CaseMachine.SOURCES.contains(source)
                || !(longitude >= -180 && longitude <= 180 && latitude >= -90 && latitude <= 90)) {
            throw invalid("report has urgency normal or urgent, a known source, and a place (longitude, latitude)");
        }
        JsonNode history = referral.path("history");
        if (!history.isArray() || history.size() > MAX_HISTORY) {
            throw invalid("history is the case's events below, at most " + MAX_HISTORY);
        }
        long generation = referral.path("generation").asLong(0);
        ObjectNode data = NODES.objectNode();
        data.put("from", from).put("client", caller.subject()).put("case", below).put("reason", reason).put("generation", generation);
        data.put("category", text(report, "category", 64)).put("urgency", urgency)
                .put("description", text(report, "description", CaseMachine.MAX_TEXT))
                .put("longitude", longitude).put("latitude", latitude).put("source", source);
        optional(report, "address", data);
        optional(report, "district", data);
        optional(report, "reportedAt", data);
        ArrayNode events = data.putArray("history");
        for (JsonNode event : history) {
            if (!event.isObject() || !event.path("kind").isTextual() || !event.path("node").isTextual() || !instant(event.path("at"))) {
                throw invalid("each event of history has its node, kind and time (at)");
            }
            events.add(shareable((ObjectNode) event));
        }
        // Named by the node that sent it, whatever it says: no node can take another's case ids.
        String id = slug(from) + ":" + below;
        Instant now = service.clock.instant();
        List<CaseView> changed = new ArrayList<>();
        Received received = service.transactions.inTransaction(connection -> {
            changed.clear();
            WorkingCalendar calendar = service.calendar(connection, caller.tenant());
            CaseView view = lockedOrNull(connection, caller.tenant(), id);
            if (view != null) {
                List<CaseEvent> log = service.cases.events(connection, caller.tenant(), id);
                if (!caller.subject().equals(referrer(log))) {
                    throw new MeridianException(CaseError.WRONG_STATE, "The case " + id + " here is not one " + from + " referred");
                }
                if (!view.state().open() && generation > lastGeneration(log)) {
                    Deadlines deadlines = service.deadlines(connection, caller.tenant(), calendar, view.category());
                    CaseEvent reopened = CaseMachine.decide(view, new CaseAction.Reopen("Referred again by " + from + ": " + reason),
                            Actor.of(caller.unrestricted() ? caller : Caller.system(caller.tenant(), caller.subject())), now, deadlines);
                    reopened.data().put("generation", generation);
                    changed.add(append(connection, view, reopened));
                }
                return new Received(id, false);
            }
            Deadlines deadlines = service.deadlines(connection, caller.tenant(), calendar, data.path("category").asText());
            Instant due = deadlines.due(data.path("category").asText(), urgency, CaseState.REGISTERED, now);
            if (due != null) {
                data.put("deadline", due.toString());
            }
            CaseEvent first = new CaseEvent(1, "referred-in", now, caller.subject(), "", data);
            changed.add(append(connection, CaseView.empty(id, caller.tenant()), first));
            return new Received(id, true);
        });
        changed.forEach(service::publish);
        return received;
    }

    /**
     * What the node below reads back of a case it referred here: the case's state and its events after {@code after}
     * (at most {@value #MAX_UPSTREAM}; {@code lastSeq} says how far the case goes), without what names reporters.
     * 404 for a case this node does not have from {@code from}.
     */
    public ObjectNode upstream(Caller caller, String from, String id, long after) {
        return service.transactions.readOnly(connection -> {
            List<CaseEvent> events = service.cases.events(connection, caller.tenant(), id);
            CaseView view = CaseView.of(id, caller.tenant(), events);
            if (events.isEmpty() || !caller.subject().equals(referrer(events))) {
                throw new MeridianException(CaseError.NOT_FOUND, "No case " + id + " referred by " + from);
            }
            ObjectNode out = NODES.objectNode().put("id", id).put("state", view.state().id()).put("lastSeq", view.version());
            ArrayNode sent = out.putArray("events");
            for (CaseEvent event : events) {
                if (event.seq() > after && !event.kind().equals("referred-in") && sent.size() < MAX_UPSTREAM) {
                    ObjectNode entry = sent.addObject().put("seq", event.seq()).put("kind", event.kind()).put("at", event.at().toString())
                            .put("actor", event.actor()).put("department", event.department());
                    entry.set("data", shareable(event.data()));
                }
            }
            return out;
        });
    }

    /** The client that referred the case here (its first event's): it alone refers it again and reads it back. */
    private static String referrer(List<CaseEvent> events) {
        return events.isEmpty() || !events.getFirst().kind().equals("referred-in") ? null
                : events.getFirst().data().path("client").asText(null);
    }

    /** The latest referral from below the case has taken in: its first, or a later one that reopened it. */
    private static long lastGeneration(List<CaseEvent> events) {
        long last = 0;
        for (CaseEvent event : events) {
            if (event.kind().equals("referred-in") || event.kind().equals("reopened")) {
                last = Math.max(last, event.data().path("generation").asLong(0));
            }
        }
        return last;
    }

    /** A node's name as the first part of the ids it gives cases above it: lower case, letters, digits and hyphens. */
    static String slug(String node) {
        String slug = node.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "-").replaceAll("^-+|-+$", "");
        return slug.isEmpty() ? "node" : slug;
    }

    private static String text(JsonNode json, String name, int max) {
        JsonNode value = json.path(name);
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > max) {
            throw invalid(name + " is text of 1 to " + max + " characters");
        }
        return value.asText();
    }

    private static void optional(JsonNode report, String name, ObjectNode data) {
        if (report.hasNonNull(name)) {
            data.put(name, text(report, name, 400));
        }
    }

    private static boolean instant(JsonNode at) {
        try {
            java.time.Instant.parse(at.asText());
            return at.isTextual();
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static MeridianException invalid(String message) {
        return new MeridianException(CaseError.INVALID_INPUT, "A referral: " + message);
    }
}
