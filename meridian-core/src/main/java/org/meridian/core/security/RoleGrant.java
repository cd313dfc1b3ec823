package org.meridian.core.security;

/**
 * A role an account holds: in a tenant ({@code *}: every tenant), within one department or, when {@code department}
 * is empty, the whole tenant.
 */
public record RoleGrant(String tenant, String department, String role) {
    public static final String EVERY_TENANT = "*";

    public boolean appliesTo(String requestTenant) {
        return tenant.equals(EVERY_TENANT) || tenant.equals(requestTenant);
    }
}
