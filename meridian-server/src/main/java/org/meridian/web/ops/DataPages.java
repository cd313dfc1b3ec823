package org.meridian.web.ops;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.TypeProfile;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;
import org.meridian.core.security.Role;
import org.meridian.identity.Administration;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.Routes;
import org.meridian.sharing.Catalogue;
import org.meridian.sharing.Dataset;
import org.meridian.sharing.Grant;
import org.meridian.sharing.Ledger;
import org.meridian.sharing.LedgerEntry;
import org.meridian.sharing.ShareRequest;
import org.meridian.sharing.Sharing;
import org.meridian.web.Dates;
import org.meridian.web.Page;
import org.meridian.web.Pages;

/**
 * Governed sharing as pages: the data catalogue (what exists, who owns it, what the reader may see of it), a
 * department's requests for data and the decisions on requests for its own, the grants given and held, and the
 * exchange ledger for auditors. Every action goes through {@link Sharing}, which checks the caller as the API does.
 */
public final class DataPages implements Routes {
    static final int LEDGER_PAGE = 50;

    private final Sharing sharing;
    private final Catalogue catalogue;
    private final Administration administration;
    private final JsonLdContext context;
    private final Pages pages;
    private final java.time.Clock clock;

    public DataPages(Sharing sharing, Catalogue catalogue, Administration administration, JsonLdContext context, Pages pages,
                     java.time.Clock clock) {
        this.sharing = sharing;
        this.catalogue = catalogue;
        this.administration = administration;
        this.context = context;
        this.pages = pages;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/ops/data", this::cataloguePage, Access.READ_DATA);
        routes.get("/ops/data/requests", this::requestsPage, Access.SHARE);
        routes.get("/ops/data/requests/new", this::newRequest, Access.SHARE);
        routes.post("/ops/data/requests", this::request, Access.SHARE);
        routes.post("/ops/data/requests/{id}/decision", this::decide, Access.ADMINISTER);
        routes.post("/ops/data/grants/{id}/revocation", this::revoke, Access.ADMINISTER);
        routes.get("/ops/data/ledger", this::ledgerPage, Access.AUDIT);
    }

    /** A dataset as the catalogue shows it to this reader: {@code access} is owner, granted, pending, open or none. */
    public record Row(String type, String title, String description, String owner, long entities, Instant lastUpdate,
                      String frequency, boolean published, String access, List<String> attributes, String grantedAttributes) {
    }

    private void cataloguePage(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Set<String> pending = caller.departments().isEmpty() ? Set.of() : sharing.requests(caller).stream()
                .filter(r -> r.status().equals("pending") && caller.departments().contains(r.requester()))
                .map(ShareRequest::entityType).collect(Collectors.toSet());
        // What the reader may read now, as every read is governed: the owner's whole dataset, a grant's part, or a
        // city-wide role's view.
        ReadScope scope = sharing.scope(caller);
        List<Row> rows = new ArrayList<>();
        for (Catalogue.Entry entry : catalogue.entries(caller)) {
            Dataset dataset = entry.dataset();
            TypeProfile profile = entry.profile();
            String access;
            String granted = "";
            ReadScope.View view = scope.types() == null ? ReadScope.View.EVERYTHING : scope.types().get(dataset.entityType());
            if (caller.departments().contains(dataset.owner())) {
                access = "owner";
            } else if (view != null) {
                access = "granted";
                granted = view.only() == null ? "" : view.only().stream().map(context::compactIri).sorted().collect(Collectors.joining(", "));
            } else if (pending.contains(dataset.entityType())) {
                access = "pending";
            } else if (dataset.published()) {
                // Anyone reads its open data view (coarser, possibly hourly); a department may still ask for the live data.
                access = "open";
            } else {
                access = "none";
            }
            rows.add(new Row(context.compactIri(dataset.entityType()), dataset.title(), dataset.description(), dataset.owner(),
                    profile == null ? 0 : profile.entities(), profile == null ? null : profile.lastModified(),
                    dataset.updateFrequency(), dataset.published(), access, attributes(profile), granted));
        }
        Map<String, Object> model = new HashMap<>();
        Page page = pages.page(http);
        model.put("page", page);
        model.put("rows", rows);
        model.put("departments", administration.departmentNames(caller.tenant()));
        model.put("mayRequest", mayRequest(caller));
        pages.render(http, "ops/catalogue.jte", model);
    }

    private List<String> attributes(TypeProfile profile) {
        return profile == null ? List.of() : profile.attributes().keySet().stream().map(context::compactIri).sorted().toList();
    }

    private static boolean mayRequest(Caller caller) {
        return !caller.departments().isEmpty() && (caller.has(Role.STAFF) || caller.has(Role.DEPARTMENT_ADMIN));
    }

    // ---- requests and decisions -----------------------------------------------------------------------------------

    /** A request as the page lists it; {@code decide}: whether this reader may decide it now. */
    public record RequestRow(ShareRequest request, String type, String title, String owner, String attributes, boolean decide) {
    }

    /** A grant as the page lists it; {@code revoke}: whether this reader may revoke it. */
    public record GrantRow(Grant grant, String type, String title, String owner, String attributes, boolean active, boolean revoke) {
    }

    private void requestsPage(Context http) {
        showRequests(http, null, Map.of());
    }

    /** The page of requests and grants, with a failed decision's errors next to its form ({@code failed}: its request). */
    private void showRequests(Context http, UUID failed, Map<String, String> errors) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Map<String, Dataset> datasets = new LinkedHashMap<>();
        sharing.datasets(caller).forEach(d -> datasets.put(d.entityType(), d));
        Instant now = clock.instant();
        List<RequestRow> toDecide = new ArrayList<>();
        List<RequestRow> ours = new ArrayList<>();
        List<RequestRow> decided = new ArrayList<>();
        for (ShareRequest request : sharing.requests(caller)) {
            Dataset dataset = datasets.get(request.entityType());
            String owner = dataset == null ? "" : dataset.owner();
            boolean decide = request.status().equals("pending") && administers(caller, owner);
            RequestRow row = new RequestRow(request, context.compactIri(request.entityType()), dataset == null ? "" : dataset.title(),
                    owner, attributesText(request.attributes()), decide);
            if (decide) {
                toDecide.add(row);
            } else if (caller.departments().contains(request.requester())) {
                ours.add(row);
            } else {
                decided.add(row);
            }
        }
        List<GrantRow> given = new ArrayList<>();
        List<GrantRow> held = new ArrayList<>();
        for (Grant grant : sharing.grants(caller)) {
            Dataset dataset = datasets.get(grant.entityType());
            String owner = dataset == null ? "" : dataset.owner();
            GrantRow row = new GrantRow(grant, context.compactIri(grant.entityType()), dataset == null ? "" : dataset.title(), owner,
                    attributesText(grant.attributes()), grant.activeAt(now), grant.activeAt(now) && administers(caller, owner));
            if (caller.departments().contains(grant.grantee())) {
                held.add(row);
            } else {
                given.add(row);
            }
        }
        java.util.Comparator<RequestRow> newestFirst = java.util.Comparator.comparing((RequestRow r) -> r.request().createdAt()).reversed();
        toDecide.sort(newestFirst);
        ours.sort(newestFirst);
        decided.sort(newestFirst);
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("toDecide", toDecide);
        model.put("ours", ours);
        model.put("decided", decided);
        model.put("given", given);
        model.put("held", held);
        model.put("departments", administration.departmentNames(caller.tenant()));
        model.put("failed", failed == null ? "" : failed.toString());
        model.put("errors", errors);
        model.put("today", LocalDate.now(clock.withZone(Dates.zone())).toString());
        pages.render(http, "ops/requests.jte", model);
    }

    private boolean administers(Caller caller, String department) {
        return caller.unrestricted() || caller.has(Role.DEPARTMENT_ADMIN) && caller.departments().contains(department);
    }

    private String attributesText(Set<String> attributes) {
        return attributes == null ? "" : attributes.stream().map(context::compactIri).sorted().collect(Collectors.joining(", "));
    }

    /** What a new request's form holds, as typed, and what was wrong with it (field → message key). */
    public record RequestDraft(String type, String department, Set<String> attributes, String purpose, String until,
                               Map<String, String> errors) {
        public String error(String field) {
            return errors.getOrDefault(field, "");
        }
    }

    private void newRequest(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        String type = http.queryParam("type");
        String until = LocalDate.now(clock.withZone(Dates.zone())).plusDays(90).toString();
        showRequestForm(http, caller, new RequestDraft(type == null ? "" : type, first(caller.departments()), Set.of(), "", until, Map.of()));
    }

    private void showRequestForm(Context http, Caller caller, RequestDraft draft) {
        Catalogue.Entry entry;
        try {
            entry = catalogue.entry(caller, context.expandTerm(draft.type()));
        } catch (MeridianException missing) {
            throw new MeridianException(ErrorType.RESOURCE_NOT_FOUND, "No dataset " + draft.type());
        }
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("draft", draft);
        model.put("title", entry.dataset().title());
        model.put("owner", entry.dataset().owner());
        model.put("attributes", attributes(entry.profile()));
        model.put("departments", caller.departments().stream().sorted().toList());
        model.put("departmentNames", administration.departmentNames(caller.tenant()));
        pages.render(http, "ops/request.jte", model);
    }

    private void request(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        String type = orEmpty(http.formParam("type"));
        String department = orEmpty(http.formParam("department"));
        Set<String> wanted = new LinkedHashSet<>(http.formParams("attributes").stream().filter(a -> !a.isBlank()).limit(200).toList());
        String purpose = orEmpty(http.formParam("purpose")).strip();
        String untilText = orEmpty(http.formParam("until")).strip();
        Map<String, String> errors = new LinkedHashMap<>();
        if (purpose.isEmpty() || purpose.length() > 2000) {
            errors.put("purpose", "data.error.purpose");
        }
        Instant until = null;
        try {
            until = LocalDate.parse(untilText).plusDays(1).atStartOfDay(Dates.zone()).toInstant();
            if (!until.isAfter(clock.instant()) || until.isAfter(clock.instant().plus(java.time.Duration.ofDays(3 * 365)))) {
                errors.put("until", "data.error.until");
            }
        } catch (DateTimeParseException e) {
            errors.put("until", "data.error.until");
        }
        if (!caller.departments().contains(department)) {
            errors.put("department", "data.error.department");
        }
        RequestDraft draft = new RequestDraft(type, department, wanted, purpose, untilText, errors);
        if (errors.isEmpty()) {
            try {
                sharing.request(caller, context.expandTerm(type), department, wanted.isEmpty() ? null
                        : wanted.stream().map(context::expandTerm).collect(Collectors.toCollection(LinkedHashSet::new)), null, purpose, until);
                http.status(303).header("Location", "/ops/data/requests");
                return;
            } catch (MeridianException refused) {
                if (refused.type() != ErrorType.BAD_REQUEST_DATA) {
                    throw refused;
                }
                draft = new RequestDraft(type, department, wanted, purpose, untilText, Map.of("form", refused.detail()));
            }
        }
        http.status(400);
        showRequestForm(http, caller, draft);
    }

    private void decide(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        UUID id = uuid(http.pathParam("id"));
        boolean grant = "grant".equals(http.formParam("decision"));
        String reason = orEmpty(http.formParam("reason")).strip();
        String untilText = orEmpty(http.formParam("until")).strip();
        Map<String, String> errors = new LinkedHashMap<>();
        if (!grant && reason.isEmpty()) {
            errors.put("reason", "data.error.reason");
        }
        if (reason.length() > 2000) {
            errors.put("reason", "data.error.tooLong");
        }
        Instant until = null;
        if (grant && !untilText.isEmpty()) {
            try {
                until = LocalDate.parse(untilText).plusDays(1).atStartOfDay(Dates.zone()).toInstant();
            } catch (DateTimeParseException e) {
                errors.put("until", "data.error.until");
            }
        }
        if (errors.isEmpty()) {
            try {
                sharing.decide(caller, id, grant, null, null, until, reason.isEmpty() ? null : reason);
                http.status(303).header("Location", "/ops/data/requests");
                return;
            } catch (MeridianException refused) {
                if (refused.type() != ErrorType.BAD_REQUEST_DATA && refused.type() != ErrorType.ALREADY_EXISTS) {
                    throw refused;
                }
                errors.put("form", refused.detail());
            }
        }
        http.status(400);
        showRequests(http, id, errors);
    }

    private void revoke(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        String reason = orEmpty(http.formParam("reason")).strip();
        sharing.revoke(caller, uuid(http.pathParam("id")), reason.isEmpty() ? null : reason.substring(0, Math.min(2000, reason.length())));
        http.status(303).header("Location", "/ops/data/requests");
    }

    // ---- the ledger ---------------------------------------------------------------------------------------------

    private void ledgerPage(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        long before;
        try {
            before = http.queryParam("before") == null ? Long.MAX_VALUE : Long.parseLong(http.queryParam("before"));
        } catch (NumberFormatException e) {
            throw new MeridianException(ErrorType.BAD_REQUEST_DATA, "before is an entry's number");
        }
        List<LedgerEntry> entries = sharing.ledger(caller, before, LEDGER_PAGE);
        Ledger.Verification verification = "yes".equals(http.queryParam("verify")) ? sharing.verify(caller) : null;
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("entries", entries);
        model.put("verification", verification);
        model.put("older", entries.size() == LEDGER_PAGE ? String.valueOf(entries.getLast().seq()) : "");
        model.put("newest", before == Long.MAX_VALUE);
        pages.render(http, "ops/ledger.jte", model);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static String first(Set<String> departments) {
        return departments.stream().sorted().findFirst().orElse("");
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new MeridianException(ErrorType.RESOURCE_NOT_FOUND, "No request or grant " + text);
        }
    }
}
