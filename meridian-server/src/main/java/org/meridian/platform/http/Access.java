package org.meridian.platform.http;

import io.javalin.security.RouteRole;
import java.util.EnumSet;
import java.util.Set;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;

/**
 * What a route needs of its caller: every route the server registers names exactly one (the server refuses to start
 * otherwise), and the HTTP edge checks it before the route runs. This is the authorisation matrix of docs/security.md:
 * route kinds down, roles across. Finer decisions (which department's users an administrator may edit, which types
 * a reader may see) are the services' own, on the caller they are handed.
 */
public enum Access implements RouteRole {
    /**
     * Anyone, signed in or not: health, sign-in, and what is published (open data, the citizens' pages, Open311; an
     * Open311 report checks the api_key its form carries in the route, and is rate-limited by address like the rest).
     */
    PUBLIC(EnumSet.noneOf(Role.class)),
    /**
     * Anyone at the edge; the route authenticates the caller itself with credentials of another kind (a device's or a
     * gateway's, on measurement ingest).
     */
    OWN_CREDENTIALS(EnumSet.noneOf(Role.class)),
    /** Any signed-in caller, person or machine: who am I, sign out. */
    SIGNED_IN(EnumSet.allOf(Role.class)),
    /** The API's description. */
    API_DOCUMENT(EnumSet.complementOf(EnumSet.of(Role.CITIZEN))),
    /** Reading the hub (entities, history, types, subscriptions, contexts): what each caller sees is then governed. */
    READ_DATA(EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN, Role.STAFF, Role.DISPATCHER, Role.GRID_INSPECTOR,
            Role.AUDITOR, Role.EVALUATOR, Role.SYSTEM)),
    /** Writing the hub: entities, history, subscriptions, stored contexts, file imports. */
    WRITE_DATA(EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN, Role.STAFF, Role.SYSTEM)),
    /**
     * Registering context sources (clause 5.9): the broker will forward requests to what is registered, so only
     * operators and the platform's machine clients (a child node registering with its parent) may.
     */
    FEDERATE(EnumSet.of(Role.OPERATOR, Role.SYSTEM)),
    /** Provisioning devices and gateways, and seeing what they send that is refused. */
    MANAGE_DEVICES(EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN, Role.SYSTEM)),
    /** Asking for other departments' data and following one's requests and grants. */
    SHARE(EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN, Role.STAFF)),
    /** Reading and verifying the exchange ledger. */
    AUDIT(EnumSet.of(Role.OPERATOR, Role.AUDITOR)),
    /** Administering departments, people, roles and machine clients (a department admin: their department only). */
    ADMINISTER(EnumSet.of(Role.OPERATOR, Role.DEPARTMENT_ADMIN)),
    /** The platform's metrics. */
    MONITOR(EnumSet.of(Role.OPERATOR, Role.MONITOR)),
    /**
     * Reporting problems and working cases: people of every role and departments' systems; what each may do to which
     * case is the case machine's decision (a citizen follows and rates their own reports).
     */
    CASES(EnumSet.complementOf(EnumSet.of(Role.MONITOR)));

    private final Set<Role> roles;

    Access(Set<Role> roles) {
        this.roles = roles;
    }

    /** The roles this access admits (none for the routes open to anyone). */
    public Set<Role> roles() {
        return roles;
    }

    /** Whether a route of this kind needs a signed-in caller. */
    public boolean needsSignIn() {
        return this != PUBLIC && this != OWN_CREDENTIALS;
    }

    /** Whether the caller may use a route of this kind (in the tenant the caller was built for). */
    public boolean admits(Caller caller) {
        return switch (this) {
            case PUBLIC, OWN_CREDENTIALS -> true;
            case SIGNED_IN -> !caller.isAnonymous();
            default -> roles.stream().anyMatch(caller::has);
        };
    }
}
