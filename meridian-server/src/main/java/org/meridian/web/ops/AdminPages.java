package org.meridian.web.ops;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.meridian.cases.CaseService;
import org.meridian.cases.Routing;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.core.security.RoleGrant;
import org.meridian.identity.Administration;
import org.meridian.ingest.Ingest;
import org.meridian.ingest.ProvisioningService;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.Routes;
import org.meridian.web.Dates;
import org.meridian.web.Pages;

/**
 * Administration as pages: departments, people and their roles, machine clients (API keys), case categories and
 * routing, the working calendar, devices. Each page and form calls the same service the admin API does, so what a
 * department administrator may do here is exactly what they may do there (their own departments); operators do all.
 * A form that fails comes back as typed, with the reason beside the field or, for the service's own refusals, above.
 */
public final class AdminPages implements Routes {
    static final int DEVICE_PAGE = 100;
    private static final List<String> PERSON_ROLES = java.util.Arrays.stream(Role.values())
            .filter(role -> role.kind() == Role.Kind.PERSON).map(Role::id).toList();
    private static final List<String> MACHINE_ROLES = java.util.Arrays.stream(Role.values())
            .filter(role -> role.kind() == Role.Kind.MACHINE).map(Role::id).toList();

    private final Administration administration;
    private final CaseService cases;
    private final ProvisioningService devices;
    private final Pages pages;
    private final java.time.Clock clock;

    public AdminPages(Administration administration, CaseService cases, Ingest ingest, Pages pages, java.time.Clock clock) {
        this.administration = administration;
        this.cases = cases;
        this.devices = ingest.provisioning();
        this.pages = pages;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/ops/admin", http -> http.status(303).header("Location", "/ops/admin/people"), Access.ADMINISTER);
        routes.get("/ops/admin/people", http -> people(http, Form.EMPTY), Access.ADMINISTER);
        routes.post("/ops/admin/people", this::createPerson, Access.ADMINISTER);
        routes.post("/ops/admin/people/{username}/access", this::personAccess, Access.ADMINISTER);
        routes.get("/ops/admin/departments", http -> departmentsPage(http, Form.EMPTY), Access.ADMINISTER);
        routes.post("/ops/admin/departments", this::putDepartment, Access.ADMINISTER);
        routes.get("/ops/admin/keys", http -> keys(http, Form.EMPTY, null), Access.ADMINISTER);
        routes.post("/ops/admin/keys", this::createKey, Access.ADMINISTER);
        routes.post("/ops/admin/keys/{id}/secret", this::replaceSecret, Access.ADMINISTER);
        routes.post("/ops/admin/keys/{id}/access", this::keyAccess, Access.ADMINISTER);
        routes.get("/ops/admin/cases", http -> casesPage(http, Form.EMPTY), Access.ADMINISTER);
        routes.post("/ops/admin/routing", this::putRouting, Access.ADMINISTER);
        routes.get("/ops/admin/calendar", http -> calendarPage(http, year(http.queryParam("year")), Form.EMPTY), Access.ADMINISTER);
        routes.post("/ops/admin/calendar", this::putDay, Access.ADMINISTER);
        routes.get("/ops/admin/devices", this::devicesPage, Access.ADMINISTER);
        routes.post("/ops/admin/devices/{id}/deletion", this::deleteDevice, Access.ADMINISTER);
    }

    /** A form as typed, and what was wrong with it: field → message key, or "form" → the service's own words. */
    public record Form(Map<String, String> values, Map<String, String> errors) {
        static final Form EMPTY = new Form(Map.of(), Map.of());

        public String value(String field) {
            return values.getOrDefault(field, "");
        }

        public String error(String field) {
            return errors.getOrDefault(field, "");
        }

        static Form of(Context http, String... fields) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String field : fields) {
                String value = http.formParam(field);
                values.put(field, value == null ? "" : value.strip());
            }
            return new Form(values, new LinkedHashMap<>());
        }
    }

    private Map<String, Object> model(Context http, String section) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("section", section);
        return model;
    }

    private Map<String, String> departmentNames(Caller caller) {
        Map<String, String> names = new LinkedHashMap<>();
        administration.departments(caller).forEach(d -> names.put(d.id(), d.name()));
        return names;
    }

    /** The departments the caller may give roles and keys in ("" for none: the city as a whole, operators only). */
    private List<String> governed(Caller caller, Map<String, String> names) {
        List<String> governed = new ArrayList<>();
        if (caller.unrestricted()) {
            governed.add("");
            governed.addAll(names.keySet());
        } else {
            names.keySet().stream().filter(caller.departments()::contains).forEach(governed::add);
        }
        return governed;
    }

    /**
     * Runs the service call unless the form has errors already; a refusal (bad input, not allowed, exists already)
     * becomes the form's error. Answers 0 when done, else the status the form comes back with.
     */
    private static int attempt(Form form, Runnable call) {
        if (!form.errors().isEmpty()) {
            return 400;
        }
        try {
            call.run();
            return 0;
        } catch (MeridianException refused) {
            if (refused.type().httpStatus() >= 500 || refused.type() == ErrorType.UNAUTHENTICATED) {
                throw refused;
            }
            form.errors().put("form", refused.detail());
            return refused.type().httpStatus();
        }
    }

    // ---- people -------------------------------------------------------------------------------------------------

    private void people(Context http, Form form) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Map<String, String> names = departmentNames(caller);
        Map<String, Object> model = model(http, "people");
        model.put("users", administration.users(caller).stream()
                .sorted(java.util.Comparator.comparing(Administration.User::username)).toList());
        model.put("departments", names);
        model.put("governed", governed(caller, names));
        model.put("roles", caller.unrestricted() ? PERSON_ROLES : PERSON_ROLES.stream().filter(r -> !r.equals("operator")).toList());
        model.put("form", form);
        model.put("self", caller.subject());
        pages.render(http, "ops/admin/people.jte", model);
    }

    private void createPerson(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Form form = Form.of(http, "username", "displayName", "password", "role", "department");
        if (!form.value("username").matches("[a-z0-9][a-z0-9._-]{1,63}")) {
            form.errors().put("username", "admin.error.username");
        }
        if (form.value("password").length() < 12) {
            form.errors().put("password", "admin.error.password");
        }
        if (!PERSON_ROLES.contains(form.value("role"))) {
            form.errors().put("role", "admin.error.role");
        }
        int failed = attempt(form, () -> administration.createUser(caller, form.value("username"),
                new Administration.UserChange(form.value("displayName"), form.value("password"), null),
                List.of(new RoleGrant(caller.tenant(), form.value("department"), form.value("role")))));
        if (failed == 0) {
            http.status(303).header("Location", "/ops/admin/people");
            return;
        }
        // The password typed is never sent back.
        form.values().put("password", "");
        http.status(failed);
        people(http, form);
    }

    private void personAccess(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        boolean disable = "yes".equals(http.formParam("disabled"));
        administration.updateUser(caller, http.pathParam("username"), new Administration.UserChange(null, null, disable));
        http.status(303).header("Location", "/ops/admin/people");
    }

    // ---- departments --------------------------------------------------------------------------------------------

    private void departmentsPage(Context http, Form form) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Map<String, Object> model = model(http, "departments");
        model.put("departments", administration.departments(caller));
        model.put("mayEdit", caller.unrestricted());
        model.put("form", form);
        pages.render(http, "ops/admin/departments.jte", model);
    }

    private void putDepartment(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Form form = Form.of(http, "id", "name");
        if (!form.value("id").matches("[a-z0-9][a-z0-9._-]{1,63}")) {
            form.errors().put("id", "admin.error.username");
        }
        if (form.value("name").isEmpty() || form.value("name").length() > 200) {
            form.errors().put("name", "admin.error.name");
        }
        int failed = attempt(form, () -> administration.putDepartment(caller, form.value("id"), form.value("name")));
        if (failed == 0) {
            http.status(303).header("Location", "/ops/admin/departments");
            return;
        }
        http.status(failed);
        departmentsPage(http, form);
    }

    // ---- machine clients ------------------------------------------------------------------------------------------

    /** {@code shown}: a client whose secret was just made, shown this once. */
    private void keys(Context http, Form form, Administration.Client shown) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Map<String, String> names = departmentNames(caller);
        Map<String, Object> model = model(http, "keys");
        model.put("clients", administration.clients(caller).stream()
                .sorted(java.util.Comparator.comparing(Administration.Client::id)).toList());
        model.put("departments", names);
        model.put("governed", governed(caller, names));
        model.put("roles", caller.unrestricted() ? MACHINE_ROLES : List.of(Role.SYSTEM.id()));
        model.put("form", form);
        model.put("shown", shown);
        pages.render(http, "ops/admin/keys.jte", model);
    }

    private void createKey(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Form form = Form.of(http, "id", "department", "role", "description");
        if (!form.value("id").matches("[a-z0-9][a-z0-9._-]{1,63}")) {
            form.errors().put("id", "admin.error.username");
        }
        Administration.Client[] made = new Administration.Client[1];
        int failed = attempt(form, () -> made[0] = administration.createClient(caller, form.value("id"), form.value("department"),
                form.value("role"), form.value("description")));
        if (failed == 0) {
            // Not a redirect: the key exists only in this answer.
            http.status(201);
            keys(http, Form.EMPTY, made[0]);
            return;
        }
        http.status(failed);
        keys(http, form, null);
    }

    private void replaceSecret(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Administration.Client client = administration.replaceSecret(caller, http.pathParam("id"));
        keys(http, Form.EMPTY, client);
    }

    private void keyAccess(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        administration.updateClient(caller, http.pathParam("id"), null, "yes".equals(http.formParam("disabled")));
        http.status(303).header("Location", "/ops/admin/keys");
    }

    // ---- case categories and routing ------------------------------------------------------------------------------

    private void casesPage(Context http, Form form) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Map<String, Object> model = model(http, "cases");
        model.put("categories", cases.categories(caller));
        model.put("routing", cases.routing(caller).stream()
                .sorted(java.util.Comparator.comparing(Routing::category).thenComparing(Routing::district)).toList());
        model.put("departments", departmentNames(caller));
        model.put("mayEdit", caller.unrestricted());
        model.put("form", form);
        pages.render(http, "ops/admin/cases.jte", model);
    }

    private void putRouting(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Form form = Form.of(http, "category", "district", "lead");
        List<String> coHandlers = http.formParams("coHandlers").stream().filter(d -> !d.isBlank() && !d.equals(form.value("lead")))
                .distinct().limit(10).toList();
        if (form.value("lead").isEmpty()) {
            form.errors().put("lead", "admin.error.lead");
        }
        int failed = attempt(form, () -> cases.putRouting(caller, new Routing(caller.tenant(), form.value("category"), form.value("district"),
                form.value("lead"), coHandlers)));
        if (failed == 0) {
            http.status(303).header("Location", "/ops/admin/cases");
            return;
        }
        http.status(failed);
        casesPage(http, form);
    }

    // ---- the working calendar ------------------------------------------------------------------------------------

    private int year(String text) {
        if (text == null || text.isBlank()) {
            return LocalDate.now(clock.withZone(Dates.zone())).getYear();
        }
        try {
            int year = Integer.parseInt(text.strip());
            if (year >= 2000 && year <= 2100) {
                return year;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new MeridianException(ErrorType.BAD_REQUEST_DATA, "year is 2000 to 2100");
    }

    private void calendarPage(Context http, int year, Form form) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Map<String, Object> model = model(http, "calendar");
        model.put("year", year);
        model.put("hours", cases.workingHours(caller));
        model.put("days", cases.calendar(caller, year));
        model.put("mayEdit", caller.unrestricted());
        model.put("form", form);
        pages.render(http, "ops/admin/calendar.jte", model);
    }

    /** Adds, changes or removes one day of a year's holidays and make-up working days. */
    private void putDay(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Form form = Form.of(http, "day", "kind", "note");
        LocalDate day = null;
        try {
            day = LocalDate.parse(form.value("day"));
        } catch (DateTimeParseException e) {
            form.errors().put("day", "admin.error.day");
        }
        if (!List.of("holiday", "workday", "ordinary").contains(form.value("kind"))) {
            form.errors().put("kind", "admin.error.kind");
        }
        int year = day == null ? year(null) : day.getYear();
        LocalDate chosen = day;
        if (day != null && (year < 2000 || year > 2100)) {
            form.errors().put("day", "admin.error.day");
        }
        int failed = attempt(form, () -> {
            Map<LocalDate, Boolean> days = new TreeMap<>(cases.calendar(caller, chosen.getYear()));
            switch (form.value("kind")) {
                case "holiday" -> days.put(chosen, false);
                case "workday" -> days.put(chosen, true);
                default -> days.remove(chosen);
            }
            cases.putCalendar(caller, chosen.getYear(), days);
        });
        if (failed == 0) {
            http.status(303).header("Location", "/ops/admin/calendar?year=" + year);
            return;
        }
        http.status(failed);
        calendarPage(http, year, form);
    }

    // ---- devices ------------------------------------------------------------------------------------------------

    private void devicesPage(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        int page;
        try {
            page = Math.max(0, Math.min(100_000, Integer.parseInt(http.queryParamAsClass("page", String.class).getOrDefault("0"))));
        } catch (NumberFormatException e) {
            throw new MeridianException(ErrorType.BAD_REQUEST_DATA, "page is a whole number");
        }
        ProvisioningService.DevicePage found = devices.devices(caller, DEVICE_PAGE, page * DEVICE_PAGE);
        Map<String, Object> model = model(http, "devices");
        model.put("devices", found.devices());
        model.put("total", found.total());
        model.put("pageNumber", page);
        model.put("pages", (found.total() + DEVICE_PAGE - 1) / DEVICE_PAGE);
        model.put("rejections", devices.rejections(caller, 20));
        model.put("now", clock.instant());
        pages.render(http, "ops/admin/devices.jte", model);
    }

    private void deleteDevice(Context http) {
        devices.deleteDevice(Callers.of(http, Pages.tenant(http)), http.pathParam("id"));
        http.status(303).header("Location", "/ops/admin/devices");
    }
}
