package org.meridian.cases;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import org.meridian.cases.store.CaseStore;
import org.meridian.cases.store.CatalogueStore;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.platform.db.Transactions;

/**
 * Collaborative case handling: reports become cases, and every action on a case is decided by {@link CaseMachine}
 * and appended to the case's event log in the transaction that locked the case, so two actions on one case at once
 * are taken one after the other (the second is decided on what the first made, and usually refused: 409).
 */
public final class CaseService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CaseService.class);
    /** A likely duplicate is a case of the same category this close and this recent (issue #21's default). */
    static final double DUPLICATE_METERS = 50;
    static final Duration DUPLICATE_WINDOW = Duration.ofDays(7);
    private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    /** A new case and the open cases it likely duplicates (nearest first). */
    public record Reported(CaseView reported, List<CaseSummary> likelyDuplicates) {
    }

    /** A case and everything that happened to it. */
    public record Detail(CaseView view, List<CaseEvent> events) {
    }

    final Transactions transactions;
    final CaseStore cases;
    private final CatalogueStore catalogue;
    private final BiPredicate<String, String> departmentExists;
    final Clock clock;
    private final java.util.function.Predicate<CaseView> publisher;
    private DistrictLocator districts = (tenant, longitude, latitude) -> null;
    private volatile Upward upward;

    /** The node above this one, when there is one: where a dispatcher refers the cases this node cannot solve. */
    public interface Upward {
        /** The node above's name, as the referral says it; null until the node above has said it. */
        String name();

        /** A case was referred just now: take it up without waiting for the next round. */
        void nudge();
    }

    /** Cases may be referred to the node above from now on. */
    public void referUpwardsThrough(Upward upward) {
        this.upward = upward;
    }

    /** Which district a place lies in (the tenant's District entities), or null. */
    @FunctionalInterface
    public interface DistrictLocator {
        String districtAt(String tenant, double longitude, double latitude);
    }

    /** Reports that do not name their district are given the one their place lies in (routing is by district). */
    public void locateDistrictsWith(DistrictLocator locator) {
        this.districts = locator;
    }

    /**
     * @param publisher told each case as it is after each committed event (it becomes an NGSI-LD entity); says whether
     *                  it was written
     */
    public CaseService(Transactions transactions, CaseStore cases, CatalogueStore catalogue,
                       BiPredicate<String, String> departmentExists, Clock clock, java.util.function.Predicate<CaseView> publisher) {
        this.publisher = publisher;
        this.transactions = transactions;
        this.cases = cases;
        this.catalogue = catalogue;
        this.departmentExists = departmentExists;
        this.clock = clock;
    }

    // ---- reports and actions ----------------------------------------------------------------------------------

    /** Opens a case for the report (受理), and says which open cases it likely duplicates. */
    public Reported report(Caller caller, CaseMachine.Report given) {
        Instant now = clock.instant();
        CaseMachine.Report report = given.district() != null ? given : new CaseMachine.Report(given.category(), given.urgency(),
                given.description(), given.longitude(), given.latitude(), given.address(),
                districts.districtAt(caller.tenant(), given.longitude(), given.latitude()), given.source(), given.answers(),
                given.contact(), given.media());
        Reported reported = transactions.inTransaction(connection -> {
            Category category = catalogue.category(connection, caller.tenant(), report.category())
                    .orElseThrow(() -> new MeridianException(CaseError.INVALID_INPUT, "There is no category " + report.category()));
            if (!category.open() && isCitizen(caller)) {
                throw new MeridianException(CaseError.INVALID_INPUT, "Category " + report.category() + " is not reported by citizens");
            }
            WorkingCalendar calendar = calendar(connection, caller.tenant());
            CaseEvent first = CaseMachine.report(answered(category, report), Actor.of(caller), now, deadlines(calendar, category));
            String id = now.atZone(ZoneId.of("Asia/Shanghai")).format(DAY) + "-" + String.format("%06d", cases.nextNumber(connection));
            CaseView view = CaseView.empty(id, caller.tenant()).apply(first);
            List<CaseSummary> near = cases.openNear(connection, caller.tenant(), report.category(), report.longitude(),
                    report.latitude(), DUPLICATE_METERS, now.minus(DUPLICATE_WINDOW)).stream()
                    .filter(other -> meters(other.longitude(), other.latitude(), report.longitude(), report.latitude()) <= DUPLICATE_METERS)
                    .sorted(java.util.Comparator.comparingDouble(other -> meters(other.longitude(), other.latitude(),
                            report.longitude(), report.latitude())))
                    .toList();
            if (!near.isEmpty()) {
                first.data().putArray("likelyDuplicates").addAll(near.stream()
                        .map(other -> com.fasterxml.jackson.databind.node.TextNode.valueOf(other.id())).toList());
            }
            append(connection, first, view, calendar);
            // Others' reports nearby are the hotline's to judge; a citizen is not shown them.
            return new Reported(view, seesAll(caller) ? near : List.of());
        });
        publish(reported.reported());
        return reported;
    }

    /** The report with its answers checked against the category's questions (an answer to no question is refused). */
    private static CaseMachine.Report answered(Category category, CaseMachine.Report report) {
        java.util.Set<String> asked = new java.util.HashSet<>();
        Map<String, List<String>> answers = new java.util.LinkedHashMap<>();
        for (Question question : category.questions()) {
            asked.add(question.code());
            List<String> answer = question.answer(report.answers().get(question.code()));
            if (!answer.isEmpty()) {
                answers.put(question.code(), answer);
            }
        }
        for (String code : report.answers().keySet()) {
            if (!asked.contains(code)) {
                throw new MeridianException(CaseError.INVALID_INPUT, "Category " + category.code() + " asks no question " + code
                        + (asked.isEmpty() ? "" : "; it asks " + new java.util.TreeSet<>(asked)));
            }
        }
        for (Map.Entry<String, String> detail : report.contact().entrySet()) {
            if (detail.getValue().length() > 200 || detail.getValue().indexOf('\n') >= 0) {
                throw new MeridianException(CaseError.INVALID_INPUT, detail.getKey() + " is one line of at most 200 characters");
            }
        }
        if (report.media().size() > 10 || report.media().stream().anyMatch(url -> url.length() > 2000
                || !(url.startsWith("https://") || url.startsWith("http://")) || url.chars().anyMatch(Character::isWhitespace))) {
            throw new MeridianException(CaseError.INVALID_INPUT, "media are at most 10 http(s) URLs of at most 2000 characters");
        }
        return new CaseMachine.Report(report.category(), report.urgency(), report.description(), report.longitude(), report.latitude(),
                report.address(), report.district(), report.source(), answers, report.contact(), report.media());
    }

    /** The case as the caller may see it, with its events; 404 when there is none or the caller may not see it. */
    public Detail get(Caller caller, String id) {
        return transactions.readOnly(connection -> detail(connection, caller, id));
    }

    private Detail detail(Connection connection, Caller caller, String id) throws SQLException {
        List<CaseEvent> events = cases.events(connection, caller.tenant(), id);
        CaseView view = CaseView.of(id, caller.tenant(), events);
        if (events.isEmpty() || !maySee(caller, view)) {
            throw notFound(id);
        }
        return new Detail(view, handles(caller, view) ? events : events.stream().map(event -> withoutReporters(event, caller, view))
                .toList());
    }

    /**
     * What a case's page shows, read over one connection (the case's log read once, not once per part): the case as
     * the caller may see it, the actions open to them now, its attachments, the categories' names, and the working
     * calendar its deadline counts in.
     */
    public record Overview(Detail detail, java.util.Set<String> actions, List<Attachment> attachments, List<Category> categories,
                           WorkingCalendar calendar) {
    }

    /** The case's page (404 when there is no such case or the caller may not see it). */
    public Overview overview(Caller caller, String id) {
        Instant now = clock.instant();
        return transactions.readOnly(connection -> {
            Detail detail = detail(connection, caller, id);
            WorkingCalendar calendar = calendar(connection, caller.tenant());
            return new Overview(detail, actions(connection, caller, detail.view(), calendar, now),
                    cases.attachments(connection, caller.tenant(), id).stream().map(CaseService::attachment).toList(),
                    catalogue.categories(connection, caller.tenant()), calendar);
        });
    }

    /** Those who deal with the reporters (the hotline, the departments on the case, operators) see who they are. */
    private static boolean handles(Caller caller, CaseView view) {
        return caller.unrestricted() || caller.has(Role.DISPATCHER) || view.lead() != null && caller.departments().contains(view.lead())
                || view.coHandlers().stream().anyMatch(caller.departments()::contains);
    }

    /**
     * The event as others see it (another reporter of a merged case, an inspector, an auditor, an evaluator): no
     * reporter's account or contact details but the caller's own.
     */
    private static CaseEvent withoutReporters(CaseEvent event, Caller caller, CaseView view) {
        boolean someoneElse = view.reporters().contains(event.actor()) && !event.actor().equals(caller.subject());
        boolean names = event.data().has("contact") || event.data().has("reporters") || event.data().has("likelyDuplicates");
        if (!someoneElse && !names) {
            return event;
        }
        ObjectNode data = event.data().deepCopy();
        if (someoneElse) {
            data.remove("contact");
        }
        data.remove("reporters");
        if (!seesAll(caller)) {
            data.remove("likelyDuplicates");
        }
        return new CaseEvent(event.seq(), event.kind(), event.at(), someoneElse ? "reporter" : event.actor(), event.department(), data);
    }

    /** Each action of the API, with placeholder fields, to ask the case machine whether it would be taken now. */
    private static final Map<String, CaseAction> EVERY_ACTION = actionsByName();

    private static Map<String, CaseAction> actionsByName() {
        Map<String, CaseAction> all = new java.util.LinkedHashMap<>();
        for (CaseAction action : List.of(new CaseAction.Verify(null), new CaseAction.Register(null), new CaseAction.Reject("?"),
                new CaseAction.Dispatch(null, List.of(), null), new CaseAction.Accept(null), new CaseAction.Return("?"),
                new CaseAction.Handle("?", List.of()), new CaseAction.Check(true, null), new CaseAction.Close(null),
                new CaseAction.RequestExtension(1, "?"), new CaseAction.DecideExtension(true, null),
                new CaseAction.Suspend("?", null), new CaseAction.Resume(null), new CaseAction.Reopen("?"),
                new CaseAction.Rate(CaseAction.Satisfaction.SATISFIED, true, null, false), new CaseAction.Note("?"),
                new CaseAction.Refer("?"))) {
            all.put(action.name(), action);
        }
        return Map.copyOf(all);
    }

    /**
     * The actions the caller may take on the case now (by the API's names), as the case machine itself decides them:
     * what the pages offer is exactly what would be accepted. An action refused only for its placeholder fields counts
     * (the form asks for them). Merging is left out: it needs a second case.
     */
    private java.util.Set<String> actions(Connection connection, Caller caller, CaseView view, WorkingCalendar calendar, Instant now)
            throws SQLException {
        Deadlines deadlines = deadlines(connection, caller.tenant(), calendar, view.category());
        java.util.Set<String> allowed = new java.util.TreeSet<>();
        for (CaseAction action : EVERY_ACTION.values()) {
            if (action instanceof CaseAction.Refer && (upward == null || !caller.tenant().isEmpty())) {
                continue;
            }
            try {
                CaseAction complete = action instanceof CaseAction.Dispatch dispatch ? routed(connection, view, dispatch) : action;
                CaseMachine.decide(view, complete, Actor.of(caller), now, deadlines);
                allowed.add(action.name());
            } catch (MeridianException refused) {
                if (refused.code() == CaseError.INVALID_INPUT) {
                    allowed.add(action.name());
                }
            }
        }
        return java.util.Set.copyOf(allowed);
    }

    /** Takes the action on the case: one event, or the reason not. */
    public CaseView act(Caller caller, String id, CaseAction action) {
        return act(caller, id, action, null);
    }

    /**
     * Takes the action on the case; {@code publicNote} (when not null) is what the public is told with it (Open311's
     * status notes, the portal), in the staff's chosen words: their reasons and results are never published as such.
     */
    public CaseView act(Caller caller, String id, CaseAction action, String publicNote) {
        if (publicNote != null && action instanceof CaseAction.Merge) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A merge tells the public which case it joined; it takes no public note");
        }
        Instant now = clock.instant();
        List<CaseView> changed = new ArrayList<>();
        CaseView result = transactions.inTransaction(connection -> {
            changed.clear();
            if (action instanceof CaseAction.Merge merge) {
                CaseView after = merge(connection, caller, id, merge, now, changed);
                return after;
            }
            CaseView view = locked(connection, caller, id);
            CaseAction complete = action instanceof CaseAction.Dispatch dispatch ? routed(connection, view, dispatch) : action;
            if (action instanceof CaseAction.Note note && note.reference() != null) {
                boolean seen = cases.events(connection, caller.tenant(), id).stream().anyMatch(event -> event.kind().equals("noted")
                        && note.reference().equals(event.data().path("reference").asText(null)));
                if (seen) {
                    throw new MeridianException(CaseError.INVALID_INPUT, "The update " + note.reference() + " was received already");
                }
            }
            if (action instanceof CaseAction.Handle handle && !handle.evidence().isEmpty()) {
                java.util.Set<String> attached = new java.util.HashSet<>();
                cases.attachments(connection, caller.tenant(), id).forEach(a -> attached.add(a.id()));
                for (String evidence : handle.evidence()) {
                    if (!attached.contains(evidence)) {
                        throw new MeridianException(CaseError.INVALID_INPUT, "Evidence is the case's attachments; " + evidence + " is not one");
                    }
                }
            }
            WorkingCalendar calendar = calendar(connection, caller.tenant());
            CaseEvent event = CaseMachine.decide(view, complete, Actor.of(caller), now, deadlines(connection, caller.tenant(), calendar, view.category()));
            if (action instanceof CaseAction.Refer) {
                Upward above = upward;
                if (above == null) {
                    throw new MeridianException(CaseError.WRONG_STATE, "This node has no node above it to refer cases to"
                            + " (MERIDIAN_FEDERATION_PARENT)");
                }
                if (!caller.tenant().isEmpty()) {
                    // A node registers with its parent in its default tenant: that is where the parent takes cases.
                    throw new MeridianException(CaseError.WRONG_STATE, "Only cases of the default tenant are referred to the node above");
                }
                if (above.name() != null) {
                    event.data().put("to", above.name());
                }
            }
            if (publicNote != null) {
                if (!PublicCases.tellsThePublic(event.kind())) {
                    throw new MeridianException(CaseError.INVALID_INPUT, "A public note goes with a step the public is told of; "
                            + event.kind() + " is not one");
                }
                event.data().put("publicNote", publicNote);
            }
            CaseView after = view.apply(event);
            append(connection, event, after, calendar);
            changed.add(after);
            return after;
        });
        changed.forEach(this::publish);
        Upward above = upward;
        if (action instanceof CaseAction.Refer && above != null) {
            above.nudge();
        }
        return result;
    }

    /** Events that change nothing the indicators count (nor who leads): their facts stay as they are. */
    private static final java.util.Set<String> NO_FACTS = java.util.Set.of("noted", "attached", "reminded", "supervised",
            "escalated", "extension-requested", "absorbed", "upstream", "referral-delivered");

    /**
     * Appends the event with when the clock next looks at the case, and keeps the case's indicator facts current
     * ({@link CaseKpis#facts}, from its whole log), all in the transaction that locked the case.
     */
    void append(Connection connection, CaseEvent event, CaseView after, WorkingCalendar calendar) throws SQLException {
        cases.append(connection, event, after, CaseMachine.nextWatch(after, calendar));
        if (!NO_FACTS.contains(event.kind())) {
            facts(connection, after);
        }
    }

    private void facts(Connection connection, CaseView view) throws SQLException {
        cases.replaceFacts(connection, view.tenant(), view.id(), view.district(),
                CaseKpis.facts(cases.events(connection, view.tenant(), view.id())));
    }

    /** An attachment as the case API shows it. */
    public record Attachment(String id, String name, String mediaType, int size, boolean hasThumbnail, Instant createdAt) {
    }

    /** A stored attachment's bytes, to send. */
    public record AttachmentContent(String name, String mediaType, byte[] bytes) {
    }

    /**
     * Attaches a photo or document to the case, checked by its content ({@link Attachments}), and records it as an
     * event of the case; the same content twice is the same attachment.
     */
    public Attachment attach(Caller caller, String id, String name, String mediaType, byte[] content) {
        return attach(caller, id, name, Attachments.check(mediaType, content));
    }

    /** Attaches a file already checked ({@link Attachments#check}: a form that checked it before reporting). */
    public Attachment attach(Caller caller, String id, String name, Attachments.Checked checked) {
        String shown = name == null || name.isBlank() ? "attachment" : name.strip();
        if (shown.length() > 200 || shown.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A file's name is one line of at most 200 characters");
        }
        byte[] content = checked.content();
        String attachmentId = Attachments.idOf(content);
        Instant now = clock.instant();
        List<CaseView> changed = new ArrayList<>();
        Attachment attached = transactions.inTransaction(connection -> {
            changed.clear();
            CaseView view = locked(connection, caller, id);
            List<CaseStore.StoredAttachment> existing = cases.attachments(connection, caller.tenant(), id);
            Optional<CaseStore.StoredAttachment> same = existing.stream().filter(a -> a.id().equals(attachmentId)).findFirst();
            if (same.isPresent()) {
                return attachment(same.get());
            }
            if (existing.size() >= Attachments.MAX_PER_CASE) {
                throw new MeridianException(CaseError.INVALID_INPUT, "A case has at most " + Attachments.MAX_PER_CASE + " attachments");
            }
            WorkingCalendar calendar = calendar(connection, caller.tenant());
            CaseEvent event = CaseMachine.decide(view, new CaseAction.Attach(attachmentId, shown, checked.mediaType()), Actor.of(caller),
                    now, deadlines(connection, caller.tenant(), calendar, view.category()));
            cases.putAttachment(connection, caller.tenant(), id, attachmentId, shown, checked.mediaType(), checked.content(),
                    checked.thumbnail(), caller.subject(), now);
            CaseView after = view.apply(event);
            append(connection, event, after, calendar);
            changed.add(after);
            return new Attachment(attachmentId, shown, checked.mediaType(), content.length, checked.thumbnail() != null, now);
        });
        changed.forEach(this::publish);
        return attached;
    }

    /** The case's attachments (404 when the caller may not see the case). */
    public List<Attachment> attachments(Caller caller, String id) {
        return transactions.readOnly(connection -> {
            detail(connection, caller, id);
            return cases.attachments(connection, caller.tenant(), id).stream().map(CaseService::attachment).toList();
        });
    }

    /** One attachment's bytes, or its thumbnail's (404 when there is none, or the caller may not see the case). */
    public AttachmentContent attachment(Caller caller, String id, String attachmentId, boolean thumbnail) {
        CaseStore.StoredAttachment found = transactions.readOnly(connection -> {
            detail(connection, caller, id);
            return cases.attachment(connection, caller.tenant(), id, attachmentId, thumbnail);
        }).orElseThrow(() -> new MeridianException(CaseError.NOT_FOUND,
                "Case " + id + " has no attachment " + attachmentId + (thumbnail ? " with a thumbnail" : "")));
        // Thumbnails are made as JPEG whatever the photo was (Attachments).
        return new AttachmentContent(found.name(), thumbnail ? "image/jpeg" : found.mediaType(), found.bytes());
    }

    private static Attachment attachment(CaseStore.StoredAttachment stored) {
        return new Attachment(stored.id(), stored.name(), stored.mediaType(), stored.size(), stored.hasThumbnail(), stored.createdAt());
    }

    private CaseView locked(Connection connection, Caller caller, String id) throws SQLException {
        if (cases.lock(connection, caller.tenant(), id).isEmpty()) {
            throw notFound(id);
        }
        CaseView view = CaseView.of(id, caller.tenant(), cases.events(connection, caller.tenant(), id));
        if (!maySee(caller, view)) {
            throw notFound(id);
        }
        return view;
    }

    /** A dispatch without a lead goes where the routing says; every department named must exist. */
    private CaseAction routed(Connection connection, CaseView view, CaseAction.Dispatch dispatch) throws SQLException {
        CaseAction.Dispatch complete = dispatch;
        if (dispatch.lead() == null || dispatch.lead().isBlank()) {
            Routing route = route(connection, view).orElseThrow(() -> new MeridianException(CaseError.INVALID_INPUT,
                    "No routing for category " + view.category() + (view.district() == null ? "" : " in " + view.district())
                            + ": name the lead department"));
            complete = new CaseAction.Dispatch(route.lead(), dispatch.coHandlers().isEmpty() ? route.coHandlers() : dispatch.coHandlers(),
                    dispatch.note());
        }
        List<String> named = new ArrayList<>(complete.coHandlers());
        named.add(complete.lead());
        for (String department : named) {
            if (!departmentExists.test(view.tenant(), department)) {
                throw new MeridianException(CaseError.INVALID_INPUT, "There is no department " + department + " in this tenant");
            }
        }
        return complete;
    }

    private Optional<Routing> route(Connection connection, CaseView view) throws SQLException {
        Routing anywhere = null;
        for (Routing route : catalogue.routing(connection, view.tenant())) {
            if (route.category().equals(view.category())) {
                if (view.district() != null && route.district().equals(view.district())) {
                    return Optional.of(route);
                }
                if (route.district().isEmpty()) {
                    anywhere = route;
                }
            }
        }
        return Optional.ofNullable(anywhere);
    }

    /** Merges a duplicate into another open case: both locked (in id order, so two merges cannot deadlock). */
    private CaseView merge(Connection connection, Caller caller, String id, CaseAction.Merge merge, Instant now, List<CaseView> changed)
            throws SQLException {
        if (merge.into() == null) {
            throw new MeridianException(CaseError.INVALID_INPUT, "Name the case to merge into: {\"action\": \"merge\", \"into\": \"…\"}");
        }
        String into = merge.into();
        CaseView duplicate;
        CaseView target;
        if (id.compareTo(into) < 0) {
            duplicate = locked(connection, caller, id);
            target = locked(connection, caller, into);
        } else {
            if (id.equals(into)) {
                throw new MeridianException(CaseError.INVALID_INPUT, "A case is not its own duplicate");
            }
            target = locked(connection, caller, into);
            duplicate = locked(connection, caller, id);
        }
        if (!target.state().open() || target.state() == CaseState.SUSPENDED) {
            throw new MeridianException(CaseError.WRONG_STATE, "Merge into an open case; " + into + " is " + target.state().id());
        }
        WorkingCalendar calendar = calendar(connection, caller.tenant());
        CaseEvent merged = CaseMachine.decide(duplicate, merge, Actor.of(caller), now, deadlines(connection, caller.tenant(), calendar, duplicate.category()));
        CaseView after = duplicate.apply(merged);
        append(connection, merged, after, calendar);
        var data = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        data.put("from", id);
        duplicate.reporters().forEach(data.putArray("reporters")::add);
        CaseEvent absorbed = new CaseEvent(target.version() + 1, "absorbed", now, caller.subject(), "", data);
        CaseView joined = target.apply(absorbed);
        append(connection, absorbed, joined, calendar);
        changed.add(after);
        changed.add(joined);
        return after;
    }

    /** The cases the caller may see, newest change first. */
    public List<CaseSummary> list(Caller caller, CaseState state, String lead, String category, boolean mine, boolean overdue,
                                  int limit, int offset) {
        CaseStore.Visibility visibility = seesAll(caller) ? null
                : new CaseStore.Visibility(List.copyOf(caller.departments()), caller.subject());
        return transactions.readOnly(connection -> cases.list(connection, caller.tenant(), new CaseStore.Filter(state, lead,
                category, mine ? caller.subject() : null, overdue ? Boolean.TRUE : null, visibility, limit, offset), clock.instant()));
    }

    /** Dispatchers, grid inspectors, auditors, evaluators and operators see every case; others theirs. */
    private static boolean seesAll(Caller caller) {
        return caller.unrestricted() || caller.has(Role.DISPATCHER) || caller.has(Role.GRID_INSPECTOR) || caller.has(Role.AUDITOR)
                || caller.has(Role.EVALUATOR);
    }

    private static boolean maySee(Caller caller, CaseView view) {
        return seesAll(caller) || view.reportedBy(caller.subject()) || view.lead() != null && caller.departments().contains(view.lead())
                || view.coHandlers().stream().anyMatch(caller.departments()::contains);
    }

    private static boolean isCitizen(Caller caller) {
        return caller.roles().equals(java.util.Set.of(Role.CITIZEN.id()));
    }

    // ---- the clock ----------------------------------------------------------------------------------------------

    /**
     * Reminds, supervises (督办) and escalates the cases whose deadlines are near or past ({@link CaseMachine#watch}):
     * each case locked and decided like any action, so a person acting at the same moment is not overwritten. Each
     * case says when the clock next has something to do for it ({@link CaseMachine#nextWatch}, kept with every
     * event), so only those whose moment has come are read, however many cases are open or long overdue. Returns how
     * many events it wrote.
     */
    public int watchDeadlines() {
        Instant now = clock.instant();
        List<CaseStore.Due> due = transactions.readOnly(connection -> cases.dueBefore(connection, now, 1_000));
        int written = 0;
        for (CaseStore.Due candidate : due) {
            try {
                written += watch(candidate, now);
            } catch (RuntimeException e) {
                // One case the clock cannot decide (its data broken, a bug) must not stop the reminders of all the others:
                // it is reported and looked at again in an hour.
                LOG.error("The deadline watch failed on case {} of tenant {}; retrying it in an hour", candidate.id(), candidate.tenant(), e);
                transactions.inTransaction(connection -> {
                    cases.rewatch(connection, candidate.tenant(), candidate.id(), now.plus(Duration.ofHours(1)), now);
                    return null;
                });
            }
        }
        return written;
    }

    /** One case's reminders, supervision and escalation that are due; how many events it wrote. */
    private int watch(CaseStore.Due candidate, Instant now) {
        List<CaseView> changed = transactions.inTransaction(connection -> {
            List<CaseView> views = new ArrayList<>();
            if (cases.lock(connection, candidate.tenant(), candidate.id()).isEmpty()) {
                return views;
            }
            CaseView view = CaseView.of(candidate.id(), candidate.tenant(), cases.events(connection, candidate.tenant(), candidate.id()));
            WorkingCalendar calendar = calendar(connection, candidate.tenant());
            for (int i = 0; i < 3; i++) {
                Optional<CaseEvent> event = CaseMachine.watch(view, now, calendar);
                if (event.isEmpty()) {
                    break;
                }
                view = view.apply(event.get());
                views.add(view);
                append(connection, event.get(), view, calendar);
            }
            if (views.isEmpty()) {
                // Nothing to do after all (the calendar changed since): look again when the case says.
                cases.rewatch(connection, candidate.tenant(), candidate.id(), CaseMachine.nextWatch(view, calendar), now);
            }
            return views;
        });
        if (!changed.isEmpty()) {
            publish(changed.getLast());
        }
        return changed.size();
    }

    /** Writes the case's entity and notes the version written, so that a write lost in a crash is found and redone. */
    void publish(CaseView view) {
        if (publisher.test(view)) {
            // The mark need not wait for the disk: lost in a database crash (the entity's write before it, committed
            // first, survives it), it only makes republishBehind write the same content again, one more change for
            // subscriptions and history. Every case change waited for one more flush of the log here.
            transactions.inRelaxedTransaction(connection -> {
                cases.markPublished(connection, view.tenant(), view.id(), view.version());
                return null;
            });
        }
    }

    /**
     * Writes again the entities of cases whose last events were committed but never written as entities (the node
     * stopped between the two, or the write failed), oldest first, at most {@code limit}, and their indicator facts
     * (cases from before the facts existed get theirs so); a case changed in the last minute is left to the writer at
     * work on it. Returns how many it wrote.
     */
    public int republishBehind(int limit) {
        List<CaseStore.Due> behind = transactions.readOnly(connection -> cases.unpublished(connection,
                clock.instant().minus(Duration.ofMinutes(1)), limit));
        int written = 0;
        for (CaseStore.Due candidate : behind) {
            CaseView view = transactions.inTransaction(connection -> {
                if (cases.lock(connection, candidate.tenant(), candidate.id()).isEmpty()) {
                    return CaseView.empty(candidate.id(), candidate.tenant());
                }
                CaseView found = CaseView.of(candidate.id(), candidate.tenant(), cases.events(connection, candidate.tenant(), candidate.id()));
                if (found.version() > 0) {
                    facts(connection, found);
                }
                return found;
            });
            if (view.version() > 0) {
                publish(view);
                written++;
            }
        }
        return written;
    }

    // ---- indicators ---------------------------------------------------------------------------------------------

    /** How indicators are grouped: by the lead department, or by district. */
    public enum Grouping { DEPARTMENT, DISTRICT }

    static final Duration MAX_PERIOD = Duration.ofDays(366);

    /**
     * The indicators of each department (or district) over [from, to), from the events of the cases touched in it;
     * {@code department} (when not null) narrows them to what that department was responsible for, read alone.
     */
    public Map<String, CaseKpis.Figures> kpis(Caller caller, Instant from, Instant to, Grouping grouping, String department) {
        if (from == null || to == null || !from.isBefore(to) || Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A period is from < to, at most 366 days");
        }
        Map<String, List<CaseKpis.Fact>> facts = transactions.readOnly(connection -> cases.facts(connection, caller.tenant(), from, to,
                grouping == Grouping.DEPARTMENT, department));
        return CaseKpis.fromFacts(facts, from, to);
    }

    /** The figures of every case of the tenant over the period, as one group (a node's own, for a roll-up). */
    public CaseKpis.Figures totals(Caller caller, Instant from, Instant to) {
        List<CaseKpis.Fact> all = kpisFacts(caller, from, to);
        return CaseKpis.fromFacts(Map.of("all", all), from, to).get("all");
    }

    private List<CaseKpis.Fact> kpisFacts(Caller caller, Instant from, Instant to) {
        if (from == null || to == null || !from.isBefore(to) || Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A period is from < to, at most 366 days");
        }
        return transactions.readOnly(connection -> cases.allFacts(connection, caller.tenant(), from, to));
    }

    // ---- catalogue, routing, calendar ---------------------------------------------------------------------------

    public List<Category> categories(Caller caller) {
        return transactions.readOnly(connection -> catalogue.categories(connection, caller.tenant()));
    }

    /** Creates or replaces a category (operators); returns whether it was new. */
    public boolean putCategory(Caller caller, Category category) {
        requireOperator(caller, "edit the case categories");
        checkCode(category.code(), "category code");
        if (category.name() == null || category.name().isBlank() || category.name().length() > 200) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A category has a name of 1 to 200 characters");
        }
        if (!category.kind().equals("component") && !category.kind().equals("event")) {
            throw new MeridianException(CaseError.INVALID_INPUT, "kind is component (部件) or event (事件)");
        }
        if (category.questions().size() > Question.MAX_QUESTIONS) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A category asks at most " + Question.MAX_QUESTIONS + " questions");
        }
        category.questions().forEach(Question::check);
        if (category.questions().stream().map(Question::code).distinct().count() != category.questions().size()
                || category.questions().stream().map(Question::order).distinct().count() != category.questions().size()) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A category's questions have distinct codes and orders");
        }
        category.limits().forEach((urgency, byState) -> {
            if (!urgency.equals("normal") && !urgency.equals("urgent")) {
                throw new MeridianException(CaseError.INVALID_INPUT, "limits are per urgency: normal, urgent");
            }
            byState.forEach((state, hours) -> {
                if (CaseState.of(state).isEmpty() || hours == null || !(hours > 0 && hours <= MAX_LIMIT_HOURS)) {
                    throw new MeridianException(CaseError.INVALID_INPUT, "limits name states (received, dispatched, in-progress…) "
                            + "and working hours above 0, at most " + MAX_LIMIT_HOURS + ": not " + state + " = " + hours);
                }
            });
        });
        return transactions.inTransaction(connection -> catalogue.putCategory(connection, category));
    }

    public List<Routing> routing(Caller caller) {
        return transactions.readOnly(connection -> catalogue.routing(connection, caller.tenant()));
    }

    public void putRouting(Caller caller, Routing routing) {
        requireOperator(caller, "edit the routing");
        List<String> named = new ArrayList<>(routing.coHandlers());
        named.add(routing.lead());
        for (String department : named) {
            if (department == null || !departmentExists.test(caller.tenant(), department)) {
                throw new MeridianException(CaseError.INVALID_INPUT, "There is no department " + department + " in this tenant");
            }
        }
        transactions.inTransaction(connection -> {
            if (catalogue.category(connection, caller.tenant(), routing.category()).isEmpty()) {
                throw new MeridianException(CaseError.INVALID_INPUT, "There is no category " + routing.category());
            }
            catalogue.putRouting(connection, routing);
            return null;
        });
    }

    /** The year's public holidays (false) and make-up working days (true). */
    public Map<LocalDate, Boolean> calendar(Caller caller, int year) {
        return transactions.readOnly(connection -> {
            Map<LocalDate, Boolean> days = new java.util.TreeMap<>();
            catalogue.calendarDays(connection, caller.tenant()).forEach((day, working) -> {
                if (day.getYear() == year) {
                    days.put(day, working);
                }
            });
            return days;
        });
    }

    /** Replaces the year's holidays and make-up working days (operators: from the State Council's notice). */
    public void putCalendar(Caller caller, int year, Map<LocalDate, Boolean> days) {
        requireOperator(caller, "edit the working calendar");
        if (year < 2000 || year > 2100 || days.keySet().stream().anyMatch(day -> day.getYear() != year) || days.size() > 366) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A calendar year lists days of that year only");
        }
        transactions.inTransaction(connection -> {
            catalogue.replaceYear(connection, caller.tenant(), year, days);
            return null;
        });
    }

    /** The deadlines of a case of the category (read once, in the tenant's calendar, for the one case at hand). */
    Deadlines deadlines(Connection connection, String tenant, WorkingCalendar calendar, String category) throws SQLException {
        return deadlines(calendar, catalogue.category(connection, tenant, category).orElse(null));
    }

    private static Deadlines deadlines(WorkingCalendar calendar, Category known) {
        return new Deadlines() {
            @Override
            public Instant due(String category, String urgency, CaseState entering, Instant from) {
                Double hours = known == null || entering == null || !known.code().equals(category) ? null
                        : known.limit(urgency, entering);
                return hours == null ? null : calendar.plusWorkingHours(from, hours);
            }

            @Override
            public Instant extend(Instant deadline, int workingHours) {
                return calendar.plusWorkingHours(deadline, workingHours);
            }
        };
    }

    /** The tenant's working calendar as it is now (hours, weekend, holidays and 调休 workdays). */
    public WorkingCalendar calendar(String tenant) {
        return transactions.readOnly(connection -> calendar(connection, tenant));
    }

    WorkingCalendar calendar(Connection connection, String tenant) throws SQLException {
        WorkingCalendar standard = WorkingCalendar.standard();
        java.util.Set<LocalDate> holidays = new java.util.HashSet<>();
        java.util.Set<LocalDate> workdays = new java.util.HashSet<>();
        catalogue.calendarDays(connection, tenant).forEach((day, working) -> (working ? workdays : holidays).add(day));
        Optional<CatalogueStore.Hours> own = catalogue.workingHours(connection, tenant);
        return new WorkingCalendar(standard.zone(), own.map(hours -> windows(hours.windows())).orElse(standard.windows()),
                own.map(hours -> weekend(hours.weekend())).orElse(standard.weekend()), holidays, workdays);
    }

    /** The tenant's working hours: windows of each working day, and the days of its weekend. */
    public record WorkingHours(List<WorkingCalendar.Window> windows, java.util.Set<java.time.DayOfWeek> weekend) {
    }

    public WorkingHours workingHours(Caller caller) {
        WorkingCalendar calendar = transactions.readOnly(connection -> calendar(connection, caller.tenant()));
        return new WorkingHours(calendar.windows(), calendar.weekend());
    }

    /**
     * A stage's limit is at most a working year (250 days of 8 hours), and a working day has at least an hour: so every
     * deadline falls within the ten years a calendar is searched, however the tenant's hours are set.
     */
    static final int MAX_LIMIT_HOURS = 2_000;

    /**
     * Sets the tenant's working hours (operators): windows as "HH:mm" pairs, "24:00" the day's end, in order and not
     * overlapping; weekend days by name (monday…sunday). A 12345 hotline's duty is [["00:00", "24:00"]] and no weekend.
     */
    public void putWorkingHours(Caller caller, List<List<String>> windows, List<String> weekend) {
        requireOperator(caller, "set the working hours");
        if (windows == null || windows.isEmpty() || windows.size() > 6 || windows.stream().anyMatch(w -> w == null || w.size() != 2)) {
            throw new MeridianException(CaseError.INVALID_INPUT, "windows is 1 to 6 [from, to] pairs such as [\"09:00\", \"12:00\"]");
        }
        WorkingCalendar checked;
        try {
            checked = new WorkingCalendar(WorkingCalendar.standard().zone(), windows(windows), weekend(weekend), java.util.Set.of(),
                    java.util.Set.of());
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new MeridianException(CaseError.INVALID_INPUT, "Working hours are HH:mm pairs, each from before to, in order and "
                    + "not overlapping; weekend days are monday…sunday: " + e.getMessage());
        }
        if (checked.weekend().size() >= 7) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A week has at least one working day");
        }
        Duration day = checked.windows().stream().map(w -> Duration.between(w.from(), w.to())).reduce(Duration.ZERO, Duration::plus);
        if (day.compareTo(Duration.ofHours(1)) < 0) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A working day has at least an hour of working time");
        }
        transactions.inTransaction(connection -> {
            catalogue.putWorkingHours(connection, caller.tenant(), new CatalogueStore.Hours(windows, weekend));
            return null;
        });
    }

    private static List<WorkingCalendar.Window> windows(List<List<String>> windows) {
        return windows.stream().map(w -> new WorkingCalendar.Window(time(w.get(0)), time(w.get(1)))).toList();
    }

    private static java.time.LocalTime time(String text) {
        if (text == null || !text.matches("\\d{2}:\\d{2}")) {
            throw new IllegalArgumentException("not HH:mm: " + text);
        }
        return text.equals("24:00") ? java.time.LocalTime.MAX : java.time.LocalTime.parse(text);
    }

    private static java.util.Set<java.time.DayOfWeek> weekend(List<String> days) {
        java.util.Set<java.time.DayOfWeek> weekend = java.util.EnumSet.noneOf(java.time.DayOfWeek.class);
        for (String day : days) {
            weekend.add(java.time.DayOfWeek.valueOf(day.toUpperCase(java.util.Locale.ROOT)));
        }
        return weekend;
    }

    private static void requireOperator(Caller caller, String what) {
        if (!caller.unrestricted()) {
            throw new MeridianException(CaseError.NOT_ALLOWED, "Only operators " + what);
        }
    }

    static void checkCode(String code, String what) {
        if (code == null || !CODE.matcher(code).matches()) {
            throw new MeridianException(CaseError.INVALID_INPUT, "A " + what + " is 1 to 64 lower-case letters, digits and dashes");
        }
    }

    private static MeridianException notFound(String id) {
        return new MeridianException(CaseError.NOT_FOUND, "No case " + id);
    }

    /** Distance on the ground between two WGS84 points, in meters (haversine). */
    static double meters(double lon1, double lat1, double lon2, double lat2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLon = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 6_371_000 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
    }
}
