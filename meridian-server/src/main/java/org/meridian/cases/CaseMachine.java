package org.meridian.cases;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Role;

/**
 * The case lifecycle as a pure function: given a case, an action, who acts and when, the one event the action makes,
 * or the reason it may not happen (wrong state: 409; wrong role or department: 403; bad input: 400). No I/O: the
 * service reads the case, asks here, and appends the event in the same transaction, so a case is exactly its log.
 *
 * <pre>
 * received ─verify→ verified ─register→ registered ─dispatch→ dispatched ─accept→ in-progress ─handle→ handled
 *    │  └──register──────────────────↗   │  └reject→ rejected   │ └return→ registered        ↑        │
 *    └reject→ rejected                  └──(return, reassign: dispatch again)                └rework─ check ─passed→ checked ─close→ closed
 * open cases: suspend → suspended ─resume→ where it was; merge → merged;   closed ─reopen / rate(reopen)→ registered
 * registered, dispatched, in-progress ─refer→ referred (goes on at the node above) ─closed there→ closed
 * </pre>
 */
public final class CaseMachine {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int MAX_TEXT = 4000;
    static final int MAX_EXTENSION_HOURS = 24 * 30;

    private CaseMachine() {
    }

    /** What a reporter says: the problem, where, how urgent, and through which channel. */
    public record Report(String category, String urgency, String description, double longitude, double latitude,
                         String address, String district, String source, Map<String, List<String>> answers,
                         Map<String, String> contact, List<String> media) {
        public Report {
            answers = answers == null ? Map.of() : Map.copyOf(answers);
            contact = contact == null ? Map.of() : Map.copyOf(contact);
            media = media == null ? List.of() : List.copyOf(media);
        }

        /** A report without answers to the category's questions, the reporter's contact details or media. */
        public Report(String category, String urgency, String description, double longitude, double latitude,
                      String address, String district, String source) {
            this(category, urgency, description, longitude, latitude, address, district, source, null, null, null);
        }
    }

    /** The channels reports come through. */
    static final Set<String> SOURCES = Set.of("portal", "open311", "hotline", "inspector", "sensor", "rule");

    /** The first event of a new case: reported (受理). */
    public static CaseEvent report(Report report, Actor actor, Instant now, Deadlines deadlines) {
        if (actor.roles().isEmpty() || actor.roles().equals(Set.of(Role.MONITOR.id()))) {
            throw new MeridianException(CaseError.NOT_ALLOWED, "Not allowed: sign in to report a problem");
        }
        if (!SOURCES.contains(report.source())) {
            throw invalid("source is one of " + new java.util.TreeSet<>(SOURCES));
        }
        if (!"normal".equals(report.urgency()) && !"urgent".equals(report.urgency())) {
            throw invalid("urgency is normal or urgent");
        }
        if (!(report.longitude() >= -180 && report.longitude() <= 180 && report.latitude() >= -90 && report.latitude() <= 90)) {
            throw invalid("A report has one place: longitude -180..180 and latitude -90..90");
        }
        ObjectNode data = NODES.objectNode();
        data.put("category", required(report.category(), "A report names its category"));
        data.put("urgency", report.urgency());
        data.put("description", required(report.description(), "A report describes the problem"));
        data.put("longitude", report.longitude());
        data.put("latitude", report.latitude());
        if (report.address() != null && !report.address().isBlank()) {
            data.put("address", required(report.address(), ""));
        }
        if (report.district() != null) {
            data.put("district", report.district());
        }
        data.put("source", report.source());
        if (!report.answers().isEmpty()) {
            ObjectNode answers = data.putObject("answers");
            new java.util.TreeMap<>(report.answers()).forEach((code, values) -> {
                if (values.size() == 1) {
                    answers.put(code, values.getFirst());
                } else {
                    values.forEach(answers.putArray(code)::add);
                }
            });
        }
        if (!report.media().isEmpty()) {
            report.media().forEach(data.putArray("media")::add);
        }
        if (!report.contact().isEmpty()) {
            // Who to call back (回访): for the people working the case, never shown on the public faces.
            ObjectNode contact = data.putObject("contact");
            new java.util.TreeMap<>(report.contact()).forEach(contact::put);
        }
        Instant due = deadlines.due(report.category(), report.urgency(), CaseState.RECEIVED, now);
        if (due != null) {
            data.put("deadline", due.toString());
        }
        return new CaseEvent(1, "reported", now, actor.subject(), "", data);
    }

    /** The event the action makes of the case, or why not. */
    public static CaseEvent decide(CaseView view, CaseAction action, Actor actor, Instant now, Deadlines deadlines) {
        CaseState state = view.state();
        ObjectNode data = NODES.objectNode();
        String department = "";
        String kind;
        switch (action) {
            case CaseAction.Verify verify -> {
                require(actor.dispatches() || actor.has(Role.GRID_INSPECTOR), "dispatchers and grid inspectors verify reports");
                requireState(view, action, EnumSet.of(CaseState.RECEIVED));
                kind = "verified";
                note(data, "note", verify.note());
                due(data, view, CaseState.VERIFIED, now, deadlines);
            }
            case CaseAction.Register register -> {
                require(actor.dispatches(), "dispatchers register cases");
                requireState(view, action, EnumSet.of(CaseState.RECEIVED, CaseState.VERIFIED));
                kind = "registered";
                note(data, "note", register.note());
                due(data, view, CaseState.REGISTERED, now, deadlines);
            }
            case CaseAction.Reject reject -> {
                require(actor.dispatches(), "dispatchers reject reports");
                requireState(view, action, EnumSet.of(CaseState.RECEIVED, CaseState.VERIFIED));
                kind = "rejected";
                data.put("reason", required(reject.reason(), "A rejection gives its reason"));
                data.putNull("deadline");
            }
            case CaseAction.Dispatch dispatch -> {
                require(actor.dispatches(), "dispatchers dispatch cases");
                requireState(view, action, EnumSet.of(CaseState.REGISTERED, CaseState.DISPATCHED));
                String lead = required(dispatch.lead(), "A dispatch names the lead department");
                if (dispatch.coHandlers().contains(lead) || dispatch.coHandlers().size() > 20
                        || Set.copyOf(dispatch.coHandlers()).size() != dispatch.coHandlers().size()) {
                    throw invalid("The co-handling departments are up to 20 others, each once, not the lead");
                }
                kind = "dispatched";
                data.put("lead", lead);
                dispatch.coHandlers().forEach(data.putArray("coHandlers")::add);
                if (view.state() == CaseState.DISPATCHED) {
                    data.put("reassigned", true);
                }
                note(data, "note", dispatch.note());
                due(data, view, CaseState.DISPATCHED, now, deadlines);
            }
            case CaseAction.Accept accept -> {
                requireLead(view, actor, "accept");
                requireState(view, action, EnumSet.of(CaseState.DISPATCHED));
                kind = "accepted";
                department = view.lead();
                note(data, "note", accept.note());
                due(data, view, CaseState.IN_PROGRESS, now, deadlines);
            }
            case CaseAction.Return back -> {
                requireLead(view, actor, "return");
                requireState(view, action, EnumSet.of(CaseState.DISPATCHED, CaseState.IN_PROGRESS));
                kind = "returned";
                department = view.lead();
                data.put("reason", required(back.reason(), "A return to the dispatcher gives its reason"));
                due(data, view, CaseState.REGISTERED, now, deadlines);
            }
            case CaseAction.Handle handle -> {
                requireLead(view, actor, "report handled");
                requireState(view, action, EnumSet.of(CaseState.IN_PROGRESS));
                kind = "handled";
                department = view.lead();
                data.put("result", required(handle.result(), "Say what was done"));
                if (handle.evidence().size() > 20) {
                    throw invalid("At most 20 pieces of evidence");
                }
                handle.evidence().forEach(data.putArray("evidence")::add);
                due(data, view, CaseState.HANDLED, now, deadlines);
            }
            case CaseAction.Check check -> {
                require(actor.has(Role.GRID_INSPECTOR) || actor.dispatches() || view.reportedBy(actor.subject()),
                        "grid inspectors, dispatchers and the reporter check results");
                requireState(view, action, EnumSet.of(CaseState.HANDLED));
                kind = check.passed() ? "checked" : "rework";
                if (!check.passed()) {
                    data.put("reason", required(check.note(), "Say what is still wrong"));
                    due(data, view, CaseState.IN_PROGRESS, now, deadlines);
                } else {
                    note(data, "note", check.note());
                    due(data, view, CaseState.CHECKED, now, deadlines);
                }
            }
            case CaseAction.Close close -> {
                require(actor.dispatches(), "dispatchers close cases");
                requireState(view, action, EnumSet.of(CaseState.CHECKED));
                kind = "closed";
                note(data, "note", close.note());
                data.putNull("deadline");
            }
            case CaseAction.RequestExtension extension -> {
                requireLead(view, actor, "ask for more time");
                requireState(view, action, EnumSet.of(CaseState.DISPATCHED, CaseState.IN_PROGRESS));
                if (view.extensionHours() != null) {
                    throw new MeridianException(CaseError.WRONG_STATE, "An extension is pending already");
                }
                if (extension.hours() < 1 || extension.hours() > MAX_EXTENSION_HOURS) {
                    throw invalid("An extension is 1 to " + MAX_EXTENSION_HOURS + " working hours");
                }
                kind = "extension-requested";
                department = view.lead();
                data.put("hours", extension.hours());
                data.put("reason", required(extension.reason(), "An extension request gives its reason"));
            }
            case CaseAction.DecideExtension decision -> {
                require(actor.dispatches(), "dispatchers decide extensions");
                if (view.extensionHours() == null || !view.state().open()) {
                    throw new MeridianException(CaseError.WRONG_STATE, "No extension is pending");
                }
                kind = "extension-decided";
                data.put("approved", decision.approved());
                data.put("hours", view.extensionHours());
                note(data, "note", decision.note());
                if (decision.approved() && view.deadline() != null) {
                    Instant base = view.deadline().isAfter(now) ? view.deadline() : now;
                    data.put("deadline", deadlines.extend(base, view.extensionHours()).toString());
                }
            }
            case CaseAction.Suspend suspend -> {
                require(actor.dispatches(), "dispatchers suspend cases");
                requireState(view, action, EnumSet.of(CaseState.REGISTERED, CaseState.DISPATCHED, CaseState.IN_PROGRESS));
                kind = "suspended";
                data.put("reason", required(suspend.reason(), "A suspension gives its reason"));
                if (suspend.reviewOn() == null) {
                    throw invalid("A suspension names the day to review it (reviewOn)");
                }
                data.put("reviewOn", suspend.reviewOn().toString());
                data.putNull("deadline");
            }
            case CaseAction.Resume resume -> {
                require(actor.dispatches(), "dispatchers resume cases");
                requireState(view, action, EnumSet.of(CaseState.SUSPENDED));
                kind = "resumed";
                note(data, "note", resume.note());
                due(data, view, view.suspendedFrom(), now, deadlines);
            }
            case CaseAction.Reopen reopen -> {
                require(actor.dispatches(), "dispatchers reopen cases");
                requireState(view, action, EnumSet.of(CaseState.CLOSED));
                kind = "reopened";
                data.put("reason", required(reopen.reason(), "A reopening gives its reason"));
                due(data, view, CaseState.REGISTERED, now, deadlines);
            }
            case CaseAction.Refer refer -> {
                require(actor.dispatches(), "dispatchers refer cases to the node above");
                requireState(view, action, EnumSet.of(CaseState.REGISTERED, CaseState.DISPATCHED, CaseState.IN_PROGRESS));
                kind = "referred";
                data.put("reason", required(refer.reason(), "A referral says why this node cannot solve the case"));
                // The clock stops here: the node above sets its own deadlines.
                data.putNull("deadline");
            }
            case CaseAction.Merge merge -> {
                require(actor.dispatches(), "dispatchers merge duplicates");
                if (!view.state().open() || view.state() == CaseState.SUSPENDED || view.state() == CaseState.REFERRED) {
                    throw wrongState(view, action);
                }
                if (view.referredFrom() != null) {
                    // The node below follows this case by its id until it closes: merged away, it would wait for ever.
                    throw new MeridianException(CaseError.WRONG_STATE, "A case referred by " + view.referredFrom()
                            + " is answered to it: close it (naming the case it duplicates) rather than merge it");
                }
                String into = required(merge.into(), "Name the case to merge into");
                if (into.equals(view.id())) {
                    throw invalid("A case is not its own duplicate");
                }
                kind = "merged";
                data.put("into", into);
                data.putNull("deadline");
            }
            case CaseAction.Rate rate -> {
                require(view.reportedBy(actor.subject()) || actor.dispatches(), "the reporter rates the outcome (or the hotline, calling back)");
                requireState(view, action, EnumSet.of(CaseState.CLOSED));
                if (rate.satisfaction() == null) {
                    throw invalid("satisfaction is satisfied, basically-satisfied or not-satisfied");
                }
                if (view.satisfaction() != null && !rate.reopen()) {
                    throw new MeridianException(CaseError.WRONG_STATE, "The outcome was rated already");
                }
                if (rate.reopen() && rate.satisfaction() != CaseAction.Satisfaction.NOT_SATISFIED) {
                    throw invalid("Only a reporter who is not satisfied asks to reopen");
                }
                kind = "rated";
                data.put("satisfaction", rate.satisfaction().id());
                data.put("solved", rate.solved());
                data.put("reopen", rate.reopen());
                note(data, "comment", rate.comment());
                if (rate.reopen()) {
                    due(data, view, CaseState.REGISTERED, now, deadlines);
                }
            }
            case CaseAction.Attach attach -> {
                boolean involved = view.reportedBy(actor.subject()) || actor.dispatches() || actor.has(Role.GRID_INSPECTOR)
                        || actor.worksFor(view.lead()) || view.coHandlers().stream().anyMatch(actor::worksFor);
                require(involved, "the reporter, the dispatchers, grid inspectors and the departments on the case attach files");
                if (view.state() == null || !view.state().open()) {
                    throw wrongState(view, action);
                }
                kind = "attached";
                data.put("attachment", attach.id()).put("name", attach.name()).put("mediaType", attach.mediaType());
                department = view.coHandlers().stream().filter(actor::worksFor).findFirst()
                        .orElse(actor.worksFor(view.lead()) && view.lead() != null ? view.lead() : "");
            }
            case CaseAction.Note note -> {
                boolean involved = actor.dispatches() || actor.worksFor(view.lead())
                        || view.coHandlers().stream().anyMatch(actor::worksFor) || view.reportedBy(actor.subject());
                require(involved, "the reporter, the dispatchers and the departments on the case add notes");
                if (view.state() == null) {
                    throw wrongState(view, action);
                }
                kind = "noted";
                data.put("text", required(note.text(), "A note has text"));
                if (note.reference() != null) {
                    data.put("reference", note.reference());
                }
                department = view.coHandlers().stream().filter(actor::worksFor).findFirst()
                        .orElse(actor.worksFor(view.lead()) && view.lead() != null ? view.lead() : "");
            }
        }
        return new CaseEvent(view.version() + 1, kind, now, actor.subject(), department, data);
    }

    /** How long after a stage's deadline a supervised case goes to the level above, in working hours. */
    static final double ESCALATE_AFTER_HOURS = 4;
    /** How long before a stage's deadline its people are reminded, in working hours. */
    static final double REMIND_BEFORE_HOURS = 1;

    /**
     * What the clock does to a case by itself: a reminder when its stage's deadline is an hour of working time away, a
     * supervision (督办) once it has passed, an escalation to the level above four working hours after that; each once
     * per deadline, by the platform. Empty when none is due.
     */
    public static java.util.Optional<CaseEvent> watch(CaseView view, Instant now, WorkingCalendar calendar) {
        Instant deadline = view.deadline();
        if (deadline == null || view.state() == null || !view.state().open() || view.state() == CaseState.SUSPENDED) {
            return java.util.Optional.empty();
        }
        String kind = null;
        if (now.isAfter(deadline)) {
            if (!deadline.equals(view.supervisedFor())) {
                kind = "supervised";
            } else if (!deadline.equals(view.escalatedFor())
                    && !now.isBefore(calendar.plusWorkingHours(deadline, ESCALATE_AFTER_HOURS))) {
                kind = "escalated";
            }
        } else if (!deadline.equals(view.remindedFor())
                && calendar.workingTimeBetween(now, deadline).compareTo(java.time.Duration.ofMinutes((long) (REMIND_BEFORE_HOURS * 60))) <= 0) {
            kind = "reminded";
        }
        if (kind == null) {
            return java.util.Optional.empty();
        }
        ObjectNode data = NODES.objectNode().put("for", deadline.toString()).put("state", view.state().id());
        if (view.lead() != null) {
            data.put("lead", view.lead());
        }
        return java.util.Optional.of(new CaseEvent(view.version() + 1, kind, now, "system:case-watch", "", data));
    }

    /**
     * When {@link #watch} next has something to do for the case as it is: its reminder (an hour of working time before
     * the deadline), its supervision (just after it), its escalation (four working hours after); null when nothing is
     * left for the clock to do. The watch looks only at cases whose moment has come.
     */
    public static Instant nextWatch(CaseView view, WorkingCalendar calendar) {
        Instant deadline = view.deadline();
        if (deadline == null || view.state() == null || !view.state().open() || view.state() == CaseState.SUSPENDED) {
            return null;
        }
        if (!deadline.equals(view.remindedFor()) && !deadline.equals(view.supervisedFor())) {
            return calendar.minusWorkingHours(deadline, REMIND_BEFORE_HOURS);
        }
        if (!deadline.equals(view.supervisedFor())) {
            return deadline.plusMillis(1);
        }
        if (!deadline.equals(view.escalatedFor())) {
            return calendar.plusWorkingHours(deadline, ESCALATE_AFTER_HOURS);
        }
        return null;
    }

    private static void due(ObjectNode data, CaseView view, CaseState entering, Instant now, Deadlines deadlines) {
        Instant due = deadlines.due(view.category(), view.urgency(), entering, now);
        if (due == null) {
            data.putNull("deadline");
        } else {
            data.put("deadline", due.toString());
        }
    }

    private static void requireLead(CaseView view, Actor actor, String what) {
        require(view.lead() != null && actor.worksFor(view.lead()), "only the lead department (" + view.lead() + ") may " + what);
    }

    private static void requireState(CaseView view, CaseAction action, Set<CaseState> allowed) {
        if (view.state() == null || !allowed.contains(view.state())) {
            throw wrongState(view, action);
        }
    }

    private static MeridianException wrongState(CaseView view, CaseAction action) {
        return new MeridianException(CaseError.WRONG_STATE, "A case that is " + (view.state() == null ? "not reported"
                : view.state().id()) + " cannot be given '" + action.name() + "'");
    }

    private static void require(boolean allowed, String rule) {
        if (!allowed) {
            throw new MeridianException(CaseError.NOT_ALLOWED, "Not allowed: " + rule);
        }
    }

    private static String required(String text, String message) {
        if (text == null || text.isBlank()) {
            throw invalid(message);
        }
        if (text.length() > MAX_TEXT) {
            throw invalid("At most " + MAX_TEXT + " characters");
        }
        return text;
    }

    private static void note(ObjectNode data, String name, String text) {
        if (text != null && !text.isBlank()) {
            if (text.length() > MAX_TEXT) {
                throw invalid("At most " + MAX_TEXT + " characters");
            }
            data.put(name, text);
        }
    }

    private static MeridianException invalid(String message) {
        return new MeridianException(CaseError.INVALID_INPUT, message);
    }
}
