package org.meridian.core.security;

import java.util.Objects;
import java.util.Set;

/**
 * Who makes a call: built at the edges (HTTP, MQTT) and passed to every service method, so that a service can ask who
 * is calling instead of being handed a bare tenant name. Until accounts exist (issue #20) every caller is anonymous
 * with full rights in the tenant it names; the services already take a caller, so filling it changes no signature.
 *
 * @param tenant the NGSI-LD tenant the call is made in ("" for the default tenant)
 * @param subject who calls: an account, a device, or {@link #ANONYMOUS}
 * @param departments the departments the subject acts for
 * @param roles what the subject may do
 */
public record Caller(String tenant, String subject, Set<String> departments, Set<String> roles) {
    public static final String ANONYMOUS = "anonymous";
    /** The role of every caller until accounts exist: everything is allowed. */
    public static final String ALL_RIGHTS = "all";

    public Caller {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(subject, "subject");
        departments = Set.copyOf(departments);
        roles = Set.copyOf(roles);
    }

    /** An anonymous caller with full rights in the tenant: every caller, until accounts exist. */
    public static Caller anonymous(String tenant) {
        return new Caller(tenant, ANONYMOUS, Set.of(), Set.of(ALL_RIGHTS));
    }

    /** The platform itself acting in a tenant (device ingest, the notification pipeline). */
    public static Caller system(String tenant, String what) {
        return new Caller(tenant, "system:" + what, Set.of(), Set.of(ALL_RIGHTS));
    }
}
