package org.meridian.platform.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.meridian.core.error.MeridianException;
import org.meridian.platform.PlatformError;

/**
 * Tenants exist from their first write. The set of known tenants is cached; tenants are never removed, so a cache
 * on one node can only lag by missing a new tenant, which a database look-up then finds.
 */
public final class TenantStore {
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public void ensure(Connection connection, String tenant) throws SQLException {
        if (known.contains(tenant)) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO tenant (name) VALUES (?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, tenant);
            insert.executeUpdate();
        }
        // Remembered only after commit would be stricter; a rolled-back first write merely makes a later read say 200.
        known.add(tenant);
    }

    public boolean exists(Connection connection, String tenant) throws SQLException {
        if (tenant.isEmpty() || known.contains(tenant)) {
            return true;
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM tenant WHERE name = ?")) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next()) {
                    known.add(tenant);
                    return true;
                }
                return false;
            }
        }
    }

    /** Reads of a tenant nobody has written to are NonexistentTenant (404), not an empty answer. */
    public void require(Connection connection, String tenant) throws SQLException {
        if (!exists(connection, tenant)) {
            throw new MeridianException(PlatformError.TENANT_NOT_FOUND, "The tenant '" + tenant + "' does not exist");
        }
    }

}
