package org.meridian.identity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Sign-in sessions and their one-use refresh tokens (stored as hashes). */
public final class SessionStore {
    /** A session as stored. */
    public record StoredSession(UUID id, UUID account, Instant expiresAt, Instant revokedAt) {
        public boolean activeAt(Instant now) {
            return revokedAt == null && now.isBefore(expiresAt);
        }
    }

    /** A refresh token's row: its session, and whether it was used already. */
    public record StoredRefresh(UUID session, boolean used) {
    }

    public void create(Connection connection, UUID id, UUID account, Instant expiresAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO session (id, account_id, expires_at) VALUES (?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setObject(2, account);
            insert.setTimestamp(3, Timestamp.from(expiresAt));
            insert.executeUpdate();
        }
    }

    public Optional<StoredSession> find(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT account_id, expires_at, revoked_at FROM session WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                Timestamp revoked = row.getTimestamp(3);
                return Optional.of(new StoredSession(id, row.getObject(1, UUID.class), row.getTimestamp(2).toInstant(),
                        revoked == null ? null : revoked.toInstant()));
            }
        }
    }

    /** Ends the session (if it was still open); its access and refresh tokens stop working. */
    public void revoke(Connection connection, UUID id, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE session SET revoked_at = now(), revoked_reason = ? WHERE id = ? AND revoked_at IS NULL")) {
            update.setString(1, reason);
            update.setObject(2, id);
            update.executeUpdate();
        }
    }

    /** Ends every open session of the account (its password changed, it was disabled). */
    public void revokeAll(Connection connection, UUID account, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE session SET revoked_at = now(), revoked_reason = ? WHERE account_id = ? AND revoked_at IS NULL")) {
            update.setString(1, reason);
            update.setObject(2, account);
            update.executeUpdate();
        }
    }

    public void addRefresh(Connection connection, byte[] hash, UUID session) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO refresh_token (hash, session_id) VALUES (?, ?)")) {
            insert.setBytes(1, hash);
            insert.setObject(2, session);
            insert.executeUpdate();
        }
    }

    /**
     * Marks the refresh token used and says what it was. Locks its row, so two uses racing cannot both find it unused.
     */
    public Optional<StoredRefresh> use(Connection connection, byte[] hash) throws SQLException {
        StoredRefresh found;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT session_id, used_at IS NOT NULL FROM refresh_token WHERE hash = ? FOR UPDATE")) {
            select.setBytes(1, hash);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                found = new StoredRefresh(row.getObject(1, UUID.class), row.getBoolean(2));
            }
        }
        if (!found.used()) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE refresh_token SET used_at = now() WHERE hash = ?")) {
                update.setBytes(1, hash);
                update.executeUpdate();
            }
        }
        return Optional.of(found);
    }

    /** Forgets sessions that ended (expired or revoked) before the given time, with their refresh tokens. */
    public int deleteEndedBefore(Connection connection, Instant before) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM session WHERE expires_at < ? OR revoked_at < ?")) {
            delete.setTimestamp(1, Timestamp.from(before));
            delete.setTimestamp(2, Timestamp.from(before));
            return delete.executeUpdate();
        }
    }
}
