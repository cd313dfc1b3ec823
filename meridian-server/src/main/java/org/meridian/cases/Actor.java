package org.meridian.cases;

import java.util.Set;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;

/** Who acts on a case, as the case machine needs to know them: their roles and departments in the case's tenant. */
public record Actor(String subject, Set<String> roles, Set<String> departments) {
    public Actor {
        roles = Set.copyOf(roles);
        departments = Set.copyOf(departments);
    }

    public static Actor of(Caller caller) {
        return new Actor(caller.subject(), caller.roles(), caller.departments());
    }

    /** The platform itself, operators, and authentication off: every action. */
    boolean unrestricted() {
        return roles.contains(Caller.ALL_RIGHTS) || roles.contains(Role.OPERATOR.id());
    }

    boolean has(Role role) {
        return unrestricted() || roles.contains(role.id());
    }

    /** A dispatcher (the command centre, the 12345 hotline's operators) or an operator. */
    boolean dispatches() {
        return has(Role.DISPATCHER);
    }

    /** Works for the department: its staff, its administrators, its systems. */
    boolean worksFor(String department) {
        return unrestricted() || department != null && departments.contains(department)
                && (roles.contains(Role.STAFF.id()) || roles.contains(Role.DEPARTMENT_ADMIN.id()) || roles.contains(Role.SYSTEM.id()));
    }
}
