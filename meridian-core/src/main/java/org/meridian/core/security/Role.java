package org.meridian.core.security;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an account or a machine client may be: the roles of a city's people (issue #20's list) and of its machines.
 * A role is held in a tenant and, for department roles, within a department ({@link RoleGrant}). What each role may
 * do on each route is one table, {@code platform.http.Access}, documented in docs/security.md.
 */
public enum Role {
    /** Runs the platform: every route, every tenant its grant names. */
    OPERATOR("operator", Kind.PERSON),
    /** Administers one department: its people, its machine clients, its data and sharing decisions. */
    DEPARTMENT_ADMIN("department-admin", Kind.PERSON),
    /** Works in a department: reads and writes its data, handles its cases. */
    STAFF("staff", Kind.PERSON),
    /** Dispatches cases between departments; reads the hub. */
    DISPATCHER("dispatcher", Kind.PERSON),
    /** Inspects a grid on foot: reports and checks cases; reads the hub. */
    GRID_INSPECTOR("grid-inspector", Kind.PERSON),
    /** Reads the exchange ledger and verifies it; reads the hub. */
    AUDITOR("auditor", Kind.PERSON),
    /** Computes and reads the evaluation; reads the hub. */
    EVALUATOR("evaluator", Kind.PERSON),
    /** A resident with an account: their own reports; otherwise what anyone may read. */
    CITIZEN("citizen", Kind.PERSON),
    /** A department's own system (a machine client): reads and writes like the department's staff. */
    SYSTEM("system", Kind.MACHINE),
    /** A monitoring system (a machine client): metrics and health only. */
    MONITOR("monitor", Kind.MACHINE);

    /** Whether a role is for people (password accounts) or machines (client credentials). */
    public enum Kind { PERSON, MACHINE }

    private final String id;
    private final Kind kind;

    Role(String id, Kind kind) {
        this.id = id;
        this.kind = kind;
    }

    /** The role's name in the API and the database. */
    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    public static Optional<Role> of(String id) {
        return Arrays.stream(values()).filter(role -> role.id.equals(id)).findFirst();
    }
}
