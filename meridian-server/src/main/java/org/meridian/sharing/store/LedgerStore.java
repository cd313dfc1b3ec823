package org.meridian.sharing.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.meridian.sharing.LedgerEntry;

/** The exchange ledger's rows and its head. */
public final class LedgerStore {

    /** The last entry's number and hash. */
    public record Head(long seq, byte[] hash) {
    }

    /** The head, locked: appenders on every node take their turn here, so the chain has one order. */
    public Head lockHead(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, hash FROM exchange_ledger_head WHERE id = 1 FOR UPDATE");
             ResultSet row = select.executeQuery()) {
            row.next();
            return new Head(row.getLong(1), row.getBytes(2));
        }
    }

    public Head head(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, hash FROM exchange_ledger_head WHERE id = 1");
             ResultSet row = select.executeQuery()) {
            row.next();
            return new Head(row.getLong(1), row.getBytes(2));
        }
    }

    public void append(Connection connection, List<LedgerEntry> entries) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO exchange_ledger (seq, tenant, recorded_at, actor, "
                + "kind, grant_id, entity_count, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (LedgerEntry entry : entries) {
                insert.setLong(1, entry.seq());
                insert.setString(2, entry.tenant());
                insert.setTimestamp(3, Timestamp.from(entry.recordedAt()));
                insert.setString(4, entry.actor());
                insert.setString(5, entry.kind());
                insert.setObject(6, entry.grantId());
                insert.setInt(7, entry.entityCount());
                insert.setString(8, entry.detail());
                insert.setBytes(9, entry.previousHash());
                insert.setBytes(10, entry.hash());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        LedgerEntry last = entries.getLast();
        try (PreparedStatement update = connection.prepareStatement("UPDATE exchange_ledger_head SET seq = ?, hash = ? WHERE id = 1")) {
            update.setLong(1, last.seq());
            update.setBytes(2, last.hash());
            update.executeUpdate();
        }
    }

    /** Every entry in order of its number, to the consumer (the whole ledger, streamed). */
    public void scan(Connection connection, Consumer<LedgerEntry> consumer) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, tenant, recorded_at, actor, kind, grant_id, "
                + "entity_count, detail, previous_hash, hash FROM exchange_ledger ORDER BY seq")) {
            select.setFetchSize(1_000);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    consumer.accept(entry(rows));
                }
            }
        }
    }

    /** A tenant's entries, newest first. */
    public List<LedgerEntry> page(Connection connection, String tenant, long beforeSeq, int limit) throws SQLException {
        List<LedgerEntry> entries = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, tenant, recorded_at, actor, kind, grant_id, "
                + "entity_count, detail, previous_hash, hash FROM exchange_ledger WHERE tenant = ? AND seq < ? ORDER BY seq DESC LIMIT ?")) {
            select.setString(1, tenant);
            select.setLong(2, beforeSeq);
            select.setInt(3, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(entry(rows));
                }
            }
        }
        return entries;
    }

    private static LedgerEntry entry(ResultSet row) throws SQLException {
        return new LedgerEntry(row.getLong(1), row.getString(2), row.getTimestamp(3).toInstant(), row.getString(4), row.getString(5),
                row.getObject(6, UUID.class), row.getInt(7), row.getString(8), row.getBytes(9), row.getBytes(10));
    }
}
