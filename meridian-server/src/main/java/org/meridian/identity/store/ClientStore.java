package org.meridian.identity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Machine clients: a department's systems and monitors, with the hash of their secret. */
public final class ClientStore {
    /** A machine client as stored. */
    public record StoredClient(String id, String tenant, String department, String role, String description,
                               byte[] secretHash, boolean disabled) {
    }

    private static final String COLUMNS = "id, tenant, department, role, description, secret_hash, disabled";

    public Optional<StoredClient> find(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM machine_client WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(client(rows)) : Optional.empty();
            }
        }
    }

    /** The tenant's clients, of one department or (null) all. */
    public List<StoredClient> list(Connection connection, String tenant, String department) throws SQLException {
        List<StoredClient> clients = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM machine_client WHERE tenant = ? AND (?::text IS NULL OR department = ?) ORDER BY id")) {
            select.setString(1, tenant);
            select.setString(2, department);
            select.setString(3, department);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    clients.add(client(rows));
                }
            }
        }
        return clients;
    }

    private static StoredClient client(ResultSet row) throws SQLException {
        return new StoredClient(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getBytes(6), row.getBoolean(7));
    }

    /** Creates the client unless its id is taken; returns whether it did. */
    public boolean create(Connection connection, StoredClient client) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO machine_client (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            insert.setString(1, client.id());
            insert.setString(2, client.tenant());
            insert.setString(3, client.department());
            insert.setString(4, client.role());
            insert.setString(5, client.description());
            insert.setBytes(6, client.secretHash());
            insert.setBoolean(7, client.disabled());
            return insert.executeUpdate() == 1;
        }
    }

    public void update(Connection connection, String id, String description, boolean disabled) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE machine_client SET description = ?, disabled = ? WHERE id = ?")) {
            update.setString(1, description);
            update.setBoolean(2, disabled);
            update.setString(3, id);
            update.executeUpdate();
        }
    }

    public void replaceSecret(Connection connection, String id, byte[] secretHash) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE machine_client SET secret_hash = ? WHERE id = ?")) {
            update.setBytes(1, secretHash);
            update.setString(2, id);
            update.executeUpdate();
        }
    }

    public boolean delete(Connection connection, String id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM machine_client WHERE id = ?")) {
            delete.setString(1, id);
            return delete.executeUpdate() == 1;
        }
    }
}
