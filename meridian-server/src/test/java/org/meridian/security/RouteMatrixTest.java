package org.meridian.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.core.security.Role;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.HttpServer;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * The authorisation matrix, walked: every route the server's router has (so a route added without a rule in this
 * test's table fails it), with every role and with no credentials, in a tenant of the test's own. The table below is
 * written out independently of the code's {@link Access} declarations, as docs/security.md has it: which routes are of
 * which kind, and which roles each kind admits. A route admits a caller when the edge lets it through (whatever the
 * route then answers to the dummy request); it refuses with 401 {@code platform.NOT_SIGNED_IN} (no credentials) or 403
 * {@code platform.NOT_ALLOWED} (a role it does not admit).
 */
@Tag("security")
class RouteMatrixTest {
    private static final Set<Role> PEOPLE_WHO_READ = EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN, Role.STAFF,
            Role.DISPATCHER, Role.GRID_INSPECTOR, Role.AUDITOR, Role.EVALUATOR, Role.SYSTEM);
    private static final Map<Access, Set<Role>> ADMITTED = Map.ofEntries(
            Map.entry(Access.PUBLIC, EnumSet.allOf(Role.class)),
            Map.entry(Access.OWN_CREDENTIALS, EnumSet.allOf(Role.class)),
            Map.entry(Access.SIGNED_IN, EnumSet.allOf(Role.class)),
            Map.entry(Access.API_DOCUMENT, EnumSet.complementOf(EnumSet.of(Role.CITIZEN))),
            Map.entry(Access.READ_DATA, PEOPLE_WHO_READ),
            Map.entry(Access.WRITE_DATA, EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN, Role.STAFF, Role.SYSTEM)),
            Map.entry(Access.MANAGE_DEVICES, EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN, Role.SYSTEM)),
            Map.entry(Access.FEDERATE, EnumSet.of(Role.OPERATOR, Role.SYSTEM)),
            Map.entry(Access.ADMINISTER, EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN)),
            Map.entry(Access.MONITOR, EnumSet.of(Role.OPERATOR, Role.MONITOR)),
            Map.entry(Access.SHARE, EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN, Role.STAFF)),
            Map.entry(Access.AUDIT, EnumSet.of(Role.OPERATOR, Role.AUDITOR)),
            Map.entry(Access.CASES, EnumSet.complementOf(EnumSet.of(Role.MONITOR))));

    /** Which kind each route is, by method and path, first match wins. */
    private static final Map<Predicate<HttpServer.Route>, Access> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put(route("GET", "/health"), Access.PUBLIC);
        KINDS.put(route("POST", "/auth/token"), Access.PUBLIC);
        KINDS.put(route("GET", "/ngsi-ld/v1/jsonldContexts").or(route("GET", "/ngsi-ld/v1/jsonldContexts/{contextId}")), Access.PUBLIC);
        KINDS.put(under("/open/v1/").and(r -> r.method().equals("GET")), Access.PUBLIC);
        KINDS.put(under("/open311/v2/"), Access.PUBLIC); // reads are anyone's; a report checks its api_key in the route
        KINDS.put(route("POST", "/iot/json"), Access.OWN_CREDENTIALS);
        KINDS.put(route("GET", "/auth/me").or(route("POST", "/auth/logout")), Access.SIGNED_IN);
        KINDS.put(route("GET", "/metrics"), Access.MONITOR);
        KINDS.put(route("GET", "/openapi.yaml"), Access.API_DOCUMENT);
        KINDS.put(under("/admin/v1/"), Access.ADMINISTER);
        KINDS.put(under("/sharing/v1/ledger"), Access.AUDIT);
        KINDS.put(under("/sharing/v1/datasets").and(r -> r.method().equals("GET")).or(route("GET", "/sharing/v1/catalogue")),
                Access.READ_DATA);
        KINDS.put(route("GET", "/sharing/v1/requests").or(route("POST", "/sharing/v1/requests")).or(route("GET", "/sharing/v1/grants")),
                Access.SHARE);
        KINDS.put(under("/sharing/v1/"), Access.ADMINISTER);
        KINDS.put(under("/cases/v1/").and(r -> r.method().equals("PUT")), Access.ADMINISTER);
        KINDS.put(under("/cases/v1/"), Access.CASES);
        KINDS.put(route("GET", "/federation/v1/kpis"), Access.CASES);
        KINDS.put(route("GET", "/federation/v1/node"), Access.SIGNED_IN);
        KINDS.put(under("/federation/v1/referrals"), Access.FEDERATE); // and the caller must own a child node's registration
        KINDS.put(under("/rules/v1/rules").and(r -> !r.method().equals("GET")), Access.ADMINISTER);
        KINDS.put(under("/rules/v1/dry-run"), Access.ADMINISTER);
        KINDS.put(under("/rules/v1/"), Access.READ_DATA);
        KINDS.put(under("/iot/"), Access.MANAGE_DEVICES);
        KINDS.put(under("/import/"), Access.WRITE_DATA);
        KINDS.put(under("/ngsi-ld/v1/subscriptions"), Access.READ_DATA);
        KINDS.put(under("/ngsi-ld/v1/csourceSubscriptions"), Access.READ_DATA);
        KINDS.put(under("/ngsi-ld/v1/csourceRegistrations").and(r -> !r.method().equals("GET")), Access.FEDERATE);
        KINDS.put(route("POST", "/ngsi-ld/v1/entityOperations/query"), Access.READ_DATA);
        KINDS.put(route("POST", "/ngsi-ld/v1/temporal/entityOperations/query"), Access.READ_DATA);
        KINDS.put(route("DELETE", "/ngsi-ld/v1/entities"), Access.ADMINISTER);
        KINDS.put(under("/ngsi-ld/v1/").and(r -> r.method().equals("GET")), Access.READ_DATA);
        KINDS.put(under("/ngsi-ld/v1/"), Access.WRITE_DATA);
        // The pages: the portal and signing in are anyone's; the operations centre reads data and works cases.
        KINDS.put(route("GET", "/").or(under("/portal")).or(under("/assets/")).or(under("/sign-in")).or(under("/language")),
                Access.PUBLIC);
        KINDS.put(route("POST", "/sign-out"), Access.SIGNED_IN);
        KINDS.put(under("/ops/data/ledger"), Access.AUDIT);
        KINDS.put(under("/ops/data/requests/").and(r -> r.method().equals("POST")).or(under("/ops/data/grants/")), Access.ADMINISTER);
        KINDS.put(under("/ops/data/requests"), Access.SHARE);
        KINDS.put(under("/ops/admin"), Access.ADMINISTER);
        KINDS.put(under("/ops/cases"), Access.CASES);
        KINDS.put(under("/ops"), Access.READ_DATA);
    }

    /** Pages answer browsers: someone not signed in is sent to sign in (a GET) or told so on a page, not in JSON. */
    private static boolean isPage(HttpServer.Route route) {
        return !route.path().startsWith("/ops/map/") && (route.path().equals("/") || route.path().startsWith("/ops")
                || route.path().startsWith("/portal") || route.path().startsWith("/sign-") || route.path().startsWith("/language"));
    }

    private static Predicate<HttpServer.Route> route(String method, String path) {
        return r -> r.method().equals(method) && r.path().equals(path);
    }

    private static Predicate<HttpServer.Route> under(String prefix) {
        return r -> r.path().startsWith(prefix);
    }

    private final Api operator = TestServer.api();

    @Test
    void everyRouteAdmitsExactlyTheRolesOfItsKind() {
        String tenant = TestServer.newTenant();
        List<HttpServer.Route> routes = new ArrayList<>(TestServer.routes());
        // Signing out ends the session the remaining requests use: last.
        routes.sort(Comparator.comparing(r -> r.path().equals("/auth/logout")));
        assertThat(routes).as("the router's table").hasSizeGreaterThan(50);

        Map<String, Api> callers = new LinkedHashMap<>();
        callers.put("anonymous", operator.anonymous());
        for (Role role : Role.values()) {
            callers.put(role.id(), Accounts.signedIn(operator, tenant, role));
        }

        SoftAssertions softly = new SoftAssertions();
        for (HttpServer.Route route : routes) {
            Access kind = KINDS.entrySet().stream().filter(e -> e.getKey().test(route)).map(Map.Entry::getValue).findFirst()
                    .orElse(null);
            softly.assertThat(kind).as("%s %s has no row in this test's table", route.method(), route.path()).isNotNull();
            if (kind == null) {
                continue;
            }
            softly.assertThat(route.access()).as("%s %s is declared", route.method(), route.path()).isEqualTo(kind);
            for (Map.Entry<String, Api> caller : callers.entrySet()) {
                Api.Response response = caller.getValue().request(route.method(), concrete(route.path()), "{}").tenant(tenant)
                        .accept("application/json").send();
                String code = code(response);
                boolean anonymous = caller.getKey().equals("anonymous");
                boolean admitted = anonymous ? kind == Access.PUBLIC || kind == Access.OWN_CREDENTIALS
                        : ADMITTED.get(kind).contains(Role.of(caller.getKey()).orElseThrow());
                String what = route.method() + " " + route.path() + " as " + caller.getKey() + ": " + response;
                if (isPage(route)) {
                    int refused = !admitted && anonymous ? (route.method().equals("GET") ? 303 : 401) : !admitted ? 403 : -1;
                    if (refused > 0) {
                        softly.assertThat(response.status()).as(what).isEqualTo(refused);
                    } else {
                        softly.assertThat(response.status()).as(what).isNotIn(401, 403, 500);
                    }
                    continue;
                }
                if (admitted) {
                    softly.assertThat(code).as(what).isNotIn("platform.NOT_SIGNED_IN", "platform.NOT_ALLOWED");
                    softly.assertThat(response.status()).as(what).isNotEqualTo(500);
                } else if (anonymous) {
                    softly.assertThat(response.status()).as(what).isEqualTo(401);
                    softly.assertThat(code).as(what).isEqualTo("platform.NOT_SIGNED_IN");
                    softly.assertThat(response.header("WWW-Authenticate")).as(what).isEqualTo("Bearer");
                } else {
                    softly.assertThat(response.status()).as(what).isEqualTo(403);
                    softly.assertThat(code).as(what).isEqualTo("platform.NOT_ALLOWED");
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void rolesInAnotherTenantGrantNothingHere() {
        String home = TestServer.newTenant();
        String elsewhere = TestServer.newTenant();
        Api staff = Accounts.signedIn(operator, home, Role.STAFF);
        operator.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Bench:1\", \"type\": \"Bench\"}").tenant(home).send();
        operator.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Bench:1\", \"type\": \"Bench\"}").tenant(elsewhere).send();
        assertThat(staff.get("/ngsi-ld/v1/entities?type=Bench").tenant(home).send().status()).isEqualTo(200);
        Api.Response switched = staff.get("/ngsi-ld/v1/entities?type=Bench").tenant(elsewhere).send();
        assertThat(switched.status()).as(switched.toString()).isEqualTo(403);
        assertThat(switched.json().path("type").asText()).isEqualTo("urn:meridian:error:Forbidden");
        Api.Response defaultTenant = staff.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Bench:x\", \"type\": \"Bench\"}").send();
        assertThat(defaultTenant.status()).as("no header is the default tenant, where the account has no role").isEqualTo(403);
    }

    /** A path of the router's table with its parameters filled (values that name nothing). */
    private static String concrete(String path) {
        return path.replace("{entityId}", "urn:ngsi-ld:Nothing:1").replace("{subscriptionId}", "urn:ngsi-ld:Subscription:nothing")
                .replace("{registrationId}", "urn:ngsi-ld:ContextSourceRegistration:nothing")
                .replace("{attrId}", "nothing").replace("{instanceId}", "urn:ngsi-ld:Instance:nothing")
                .replace("{type}", "Nothing").replace("{contextId}", "nothing").replace("{apikey}", "nothing")
                .replace("{deviceId}", "nothing").replace("{name}", "nothing").replace("{id}", "nothing")
                .replace("{username}", "nobody").replace("{version}", "nothing").replace("{root}", "app").replace("<file>", "nothing.css")
                .replace("{number}", "20260101-000001").replace("{year}", "2026").replace("{code}", "nothing")
                .replace("{format}", "json").replace("{token}", "nothing").replace("{attachment}", "nothing");
    }

    private static String code(Api.Response response) {
        try {
            JsonNode body = response.json();
            return body.path("code").asText();
        } catch (AssertionError notJson) {
            return "";
        }
    }
}
