package org.meridian.core.security;

import java.util.Objects;
import java.util.Set;

/**
 * Who makes a call: built at the edges (HTTP, MQTT) and passed to every service method, so that a service can ask who
 * is calling instead of being handed a bare tenant name.
 *
 * @param tenant the NGSI-LD tenant the call is made in ("" for the default tenant)
 * @param subject who calls: an account, a device, or {@link #ANONYMOUS}
 * @param departments the departments the subject acts for
 * @param roles what the subject may do in the tenant ({@link Role} ids, or {@link #ALL_RIGHTS})
 */
public record Caller(String tenant, String subject, Set<String> departments, Set<String> roles) {
    public static final String ANONYMOUS = "anonymous";
    /** The platform's own callers, and every caller when authentication is off: everything is allowed. */
    public static final String ALL_RIGHTS = "all";

    public Caller {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(subject, "subject");
        departments = Set.copyOf(departments);
        roles = Set.copyOf(roles);
    }

    /** Someone who did not sign in: no rights beyond what is public. */
    public static Caller anonymous(String tenant) {
        return new Caller(tenant, ANONYMOUS, Set.of(), Set.of());
    }

    /** Anyone, when authentication is off (MERIDIAN_AUTH=off, loopback only): every right in every tenant. */
    public static Caller unauthenticated(String tenant) {
        return new Caller(tenant, ANONYMOUS, Set.of(), Set.of(ALL_RIGHTS));
    }

    public boolean isAnonymous() {
        return subject.equals(ANONYMOUS) && roles.isEmpty();
    }

    /** Whether the caller holds the role in its tenant (or every right). */
    public boolean has(Role role) {
        return roles.contains(ALL_RIGHTS) || roles.contains(role.id());
    }

    /** Whether the caller holds every right (the platform itself, an operator of the tenant, authentication off). */
    public boolean unrestricted() {
        return roles.contains(ALL_RIGHTS) || roles.contains(Role.OPERATOR.id());
    }

    /** The platform itself acting in a tenant (device ingest, the notification pipeline). */
    public static Caller system(String tenant, String what) {
        return new Caller(tenant, "system:" + what, Set.of(), Set.of(ALL_RIGHTS));
    }
}
