package org.meridian.identity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A tenant's departments. */
public final class DepartmentStore {
    /** A department as stored. */
    public record StoredDepartment(String tenant, String id, String name) {
    }

    public List<StoredDepartment> list(Connection connection, String tenant) throws SQLException {
        List<StoredDepartment> departments = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, name FROM department WHERE tenant = ? ORDER BY id")) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    departments.add(new StoredDepartment(tenant, rows.getString(1), rows.getString(2)));
                }
            }
        }
        return departments;
    }

    public Optional<StoredDepartment> find(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT name FROM department WHERE tenant = ? AND id = ?")) {
            select.setString(1, tenant);
            select.setString(2, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new StoredDepartment(tenant, id, row.getString(1))) : Optional.empty();
            }
        }
    }

    /** Creates the department or renames it; returns whether it was new. */
    public boolean upsert(Connection connection, StoredDepartment department) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO department (tenant, id, name) VALUES (?, ?, ?) "
                + "ON CONFLICT (tenant, id) DO UPDATE SET name = EXCLUDED.name RETURNING (xmax = 0)")) {
            upsert.setString(1, department.tenant());
            upsert.setString(2, department.id());
            upsert.setString(3, department.name());
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /** Deletes the department unless a person or a machine still holds a role in it; returns whether it did. */
    public boolean deleteIfUnused(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM department d WHERE tenant = ? AND id = ? "
                + "AND NOT EXISTS (SELECT 1 FROM account_role r WHERE r.tenant = d.tenant AND r.department = d.id) "
                + "AND NOT EXISTS (SELECT 1 FROM machine_client c WHERE c.tenant = d.tenant AND c.department = d.id)")) {
            delete.setString(1, tenant);
            delete.setString(2, id);
            return delete.executeUpdate() == 1;
        }
    }
}
