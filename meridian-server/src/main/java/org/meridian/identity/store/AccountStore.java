package org.meridian.identity.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.meridian.core.security.RoleGrant;

/** Accounts, their roles, and the platform's token signing key. */
public final class AccountStore {
    /** An account as stored. */
    public record StoredAccount(UUID id, String username, String displayName, String passwordHash, boolean disabled) {
    }

    private static final String COLUMNS = "id, username, display_name, password_hash, disabled";

    public Optional<StoredAccount> byUsername(Connection connection, String username) throws SQLException {
        return one(connection, "SELECT " + COLUMNS + " FROM account WHERE username = ?", username);
    }

    public Optional<StoredAccount> byId(Connection connection, UUID id) throws SQLException {
        return one(connection, "SELECT " + COLUMNS + " FROM account WHERE id = ?", id);
    }

    private static Optional<StoredAccount> one(Connection connection, String sql, Object key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(account(row)) : Optional.empty();
            }
        }
    }

    private static StoredAccount account(ResultSet row) throws SQLException {
        return new StoredAccount(row.getObject(1, UUID.class), row.getString(2), row.getString(3), row.getString(4),
                row.getBoolean(5));
    }

    /** The accounts holding a role in the tenant: within the department, or (null) anywhere in it. */
    public List<StoredAccount> inTenant(Connection connection, String tenant, String department) throws SQLException {
        List<StoredAccount> accounts = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM account a WHERE EXISTS ("
                + "SELECT 1 FROM account_role r WHERE r.account_id = a.id AND r.tenant IN (?, '*') "
                + "AND (?::text IS NULL OR r.department = ?)) ORDER BY username")) {
            select.setString(1, tenant);
            select.setString(2, department);
            select.setString(3, department);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    accounts.add(account(rows));
                }
            }
        }
        return accounts;
    }

    /** Creates the account unless one has the name; returns whether it did. */
    public boolean create(Connection connection, UUID id, String username, String displayName, String passwordHash)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO account (id, username, display_name, "
                + "password_hash) VALUES (?, ?, ?, ?) ON CONFLICT (username) DO NOTHING")) {
            insert.setObject(1, id);
            insert.setString(2, username);
            insert.setString(3, displayName);
            insert.setString(4, passwordHash);
            return insert.executeUpdate() == 1;
        }
    }

    public void update(Connection connection, UUID id, String displayName, String passwordHash, boolean disabled)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE account SET display_name = ?, password_hash = ?, disabled = ? WHERE id = ?")) {
            update.setString(1, displayName);
            update.setString(2, passwordHash);
            update.setBoolean(3, disabled);
            update.setObject(4, id);
            update.executeUpdate();
        }
    }

    public void delete(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM account WHERE id = ?")) {
            delete.setObject(1, id);
            delete.executeUpdate();
        }
    }

    /** Removes the account's roles in the tenant: in one department, or (null) all of them there. */
    public void revokeRoles(Connection connection, UUID account, String tenant, String department) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM account_role WHERE account_id = ? "
                + "AND tenant = ? AND (?::text IS NULL OR department = ?)")) {
            delete.setObject(1, account);
            delete.setString(2, tenant);
            delete.setString(3, department);
            delete.setString(4, department);
            delete.executeUpdate();
        }
    }

    public void grant(Connection connection, UUID account, RoleGrant grant) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO account_role (account_id, tenant, department, role) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setObject(1, account);
            insert.setString(2, grant.tenant());
            insert.setString(3, grant.department());
            insert.setString(4, grant.role());
            insert.executeUpdate();
        }
    }

    public List<RoleGrant> roles(Connection connection, UUID account) throws SQLException {
        List<RoleGrant> roles = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT tenant, department, role FROM account_role WHERE account_id = ? ORDER BY tenant, department, role")) {
            select.setObject(1, account);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    roles.add(new RoleGrant(rows.getString(1), rows.getString(2), rows.getString(3)));
                }
            }
        }
        return roles;
    }

    /** The platform's signing key, made by whichever node asks first (the others then read it). */
    public byte[] signingKey(Connection connection) throws SQLException {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO signing_key (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")) {
            insert.setBytes(1, fresh);
            insert.executeUpdate();
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT secret FROM signing_key WHERE id = 1");
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getBytes(1);
        }
    }
}
