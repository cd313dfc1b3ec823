package org.meridian.web.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meridian.cases.CaseError;
import org.meridian.cases.CaseService;
import org.meridian.cases.CaseState;
import org.meridian.cases.CaseSummary;
import org.meridian.cases.Category;
import org.meridian.cases.WorkingCalendar;
import org.meridian.cases.http.CaseRoutes;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.identity.Administration;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.Routes;
import org.meridian.web.Page;
import org.meridian.web.Pages;

/**
 * The operations centre's case pages: the board (cases by stage, deadlines counting down in working time, overdue in
 * red), a department's workbench (its own cases), and a case's page with its timeline, its place, its photos and
 * exactly the actions the signed-in person may take now, as the case machine decides them.
 */
public final class CasePages implements Routes {
    /** The board's columns, in the order a case moves through them. */
    static final List<List<CaseState>> COLUMNS = List.of(
            List.of(CaseState.RECEIVED, CaseState.VERIFIED, CaseState.REGISTERED),
            List.of(CaseState.DISPATCHED),
            List.of(CaseState.IN_PROGRESS, CaseState.SUSPENDED),
            List.of(CaseState.HANDLED, CaseState.CHECKED),
            List.of(CaseState.CLOSED));
    static final int BOARD_LIMIT = 500;

    private final CaseService cases;
    private final Administration administration;
    private final Pages pages;
    private final java.time.Clock clock;
    private final PlaceMap places;

    public CasePages(CaseService cases, Administration administration, PlaceMap places, Pages pages, java.time.Clock clock) {
        this.clock = clock;
        this.places = places;
        this.cases = cases;
        this.administration = administration;
        this.pages = pages;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/ops/cases", this::board, Access.CASES);
        routes.get("/ops/cases/{id}", this::casePage, Access.CASES);
        routes.post("/ops/cases/{id}/actions", this::act, Access.CASES);
    }

    /** A case on the board: what it is, and how its deadline stands in working hours (negative: overdue). */
    public record Card(CaseSummary summary, Double hoursLeft) {
        public boolean overdue() {
            return hoursLeft != null && hoursLeft < 0;
        }
    }

    /** One column of the board. */
    public record Column(String key, List<Card> cards) {
    }

    private void board(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        boolean mine = "mine".equals(http.queryParam("show"));
        boolean overdue = "overdue".equals(http.queryParam("show"));
        List<CaseSummary> listed = cases.list(caller, null, null, null, false, overdue, BOARD_LIMIT, 0);
        if (mine) {
            // The workbench: the cases the caller's departments lead or help with.
            listed = listed.stream().filter(summary -> caller.departments().contains(summary.lead())
                    || summary.coHandlers().stream().anyMatch(caller.departments()::contains)).toList();
        }
        WorkingCalendar calendar = cases.calendar(caller.tenant());
        Instant now = clock.instant();
        List<Column> columns = new ArrayList<>();
        for (List<CaseState> states : COLUMNS) {
            List<Card> cards = listed.stream().filter(summary -> states.contains(summary.state()))
                    .map(summary -> new Card(summary, summary.deadline() == null || summary.state() == CaseState.CLOSED ? null
                            : Math.round(calendar.workingHoursBetween(now, summary.deadline()) * 10) / 10.0))
                    .sorted(java.util.Comparator.comparing((Card card) -> card.hoursLeft() == null ? Double.MAX_VALUE : card.hoursLeft()))
                    .toList();
            columns.add(new Column(states.getFirst().id(), cards));
        }
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("columns", columns);
        model.put("show", mine ? "mine" : overdue ? "overdue" : "all");
        model.put("truncated", listed.size() == BOARD_LIMIT);
        model.put("categories", Category.namesByCode(cases.categories(caller)));
        pages.render(http, "ops/board.jte", model);
    }

    private void casePage(Context http) {
        show(http, http.pathParam("id"), "", "");
    }

    private void show(Context http, String id, String failedAction, String error) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        CaseService.Overview overview = cases.overview(caller, id);
        CaseService.Detail detail = overview.detail();
        Map<String, Object> model = new HashMap<>();
        Page page = pages.page(http);
        model.put("page", page);
        model.put("detail", detail);
        model.put("actions", overview.actions());
        model.put("attachments", overview.attachments());
        model.put("departments", administration.departmentNames(caller.tenant()));
        model.put("categories", Category.namesByCode(overview.categories()));
        model.put("failedAction", failedAction);
        model.put("error", error);
        model.put("map", places.around(caller.tenant(), detail.view().longitude(), detail.view().latitude()));
        Instant deadline = detail.view().deadline();
        model.put("hoursLeft", deadline == null || detail.view().state() == CaseState.CLOSED ? null
                : Math.round(overview.calendar().workingHoursBetween(clock.instant(), deadline) * 10) / 10.0);
        pages.render(http, "ops/case.jte", model);
    }

    /** The fields each action's form may send (others are not read). */
    private static final Map<String, List<String>> FIELDS = Map.ofEntries(
            Map.entry("verify", List.of("note")), Map.entry("register", List.of("note")), Map.entry("reject", List.of("reason")),
            Map.entry("dispatch", List.of("lead", "note")), Map.entry("accept", List.of("note")), Map.entry("return", List.of("reason")),
            Map.entry("handle", List.of("result")), Map.entry("check", List.of("passed", "note")), Map.entry("close", List.of("note")),
            Map.entry("request-extension", List.of("hours", "reason")), Map.entry("decide-extension", List.of("approved", "note")),
            Map.entry("suspend", List.of("reason", "reviewOn")), Map.entry("resume", List.of("note")),
            Map.entry("reopen", List.of("reason")), Map.entry("rate", List.of("satisfaction", "solved", "comment")),
            Map.entry("note", List.of("text")), Map.entry("refer", List.of("reason")));
    private static final Set<String> FLAGS = Set.of("passed", "approved", "solved");

    private void act(Context http) {
        String id = http.pathParam("id");
        String name = http.formParam("action");
        List<String> fields = name == null ? null : FIELDS.get(name);
        if (fields == null) {
            throw new MeridianException(CaseError.INVALID_INPUT, "No such action");
        }
        // The form becomes the API's body, read by the API's own reading of actions.
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("action", name);
        for (String field : fields) {
            String value = http.formParam(field);
            if (value == null || value.isBlank()) {
                continue;
            }
            if (FLAGS.contains(field)) {
                body.put(field, "yes".equals(value));
            } else if (field.equals("hours")) {
                try {
                    body.put(field, Integer.parseInt(value.strip()));
                } catch (NumberFormatException e) {
                    body.put(field, value);
                }
            } else {
                body.put(field, value.strip());
            }
        }
        if (name.equals("dispatch")) {
            ArrayNode coHandlers = body.putArray("coHandlers");
            http.formParams("coHandlers").stream().filter(d -> !d.isBlank() && !d.equals(body.path("lead").asText())).forEach(coHandlers::add);
        }
        try {
            cases.act(Callers.of(http, Pages.tenant(http)), id, CaseRoutes.action(body));
        } catch (MeridianException refused) {
            if (refused.code() == CaseError.INVALID_INPUT || refused.code() == CaseError.WRONG_STATE
                    || refused.code() == CaseError.NOT_ALLOWED) {
                http.status(refused.type().httpStatus());
                show(http, id, name, refused.detail());
                return;
            }
            throw refused;
        }
        http.status(303).header("Location", "/ops/cases/" + id);
    }
}
