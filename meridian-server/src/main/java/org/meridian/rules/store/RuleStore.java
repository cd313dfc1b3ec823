package org.meridian.rules.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.meridian.rules.EpisodeRecord;
import org.meridian.rules.RuleRecord;

/** The rules' tables: rules, their kernel state, episodes, traces and the actions not yet done. */
public final class RuleStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A rule's state header as saved: the rule's version it belongs to, the change-stream position it has taken in, its
     * header JSON, and a revision that changes with every save (a node's copy in memory is current while it matches).
     */
    public record StoredState(int version, long position, int index, JsonNode state, long revision) {
        public StoredState(int version, long position, int index, JsonNode state) {
            this(version, position, index, state, 0);
        }
    }

    /** One step of an episode's trace. */
    public record Trace(String episodeId, int seq, String kind, String ref, Instant at, JsonNode detail) {
    }

    /** An action decided and not yet done. */
    public record PendingAction(String tenant, long id, String episodeId, String step, JsonNode action, int attempts) {
    }

    // ---- rules ----

    public boolean insert(Connection connection, RuleRecord rule) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rule (tenant, id, department, definition, enabled, "
                + "version, created_by, created_at, updated_at) VALUES (?, ?, ?, ?::jsonb, ?, 1, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, rule.tenant());
            insert.setString(2, rule.id());
            insert.setString(3, rule.department());
            insert.setString(4, rule.definition().toString());
            insert.setBoolean(5, rule.enabled());
            insert.setString(6, rule.createdBy());
            insert.setTimestamp(7, Timestamp.from(rule.createdAt()));
            insert.setTimestamp(8, Timestamp.from(rule.updatedAt()));
            return insert.executeUpdate() == 1;
        }
    }

    /** Replaces a rule's definition: a new version, whose kernel starts afresh. */
    public void replace(Connection connection, String tenant, String id, String department, ObjectNode definition, Instant at)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE rule SET department = ?, definition = ?::jsonb, "
                + "version = version + 1, problem = NULL, updated_at = ? WHERE tenant = ? AND id = ?")) {
            update.setString(1, department);
            update.setString(2, definition.toString());
            update.setTimestamp(3, Timestamp.from(at));
            update.setString(4, tenant);
            update.setString(5, id);
            update.executeUpdate();
        }
    }

    /** Enables or disables a rule, saying why when the platform disabled it. */
    public void enable(Connection connection, String tenant, String id, boolean enabled, String problem, Instant at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE rule SET enabled = ?, problem = ?, updated_at = ? WHERE tenant = ? AND id = ?")) {
            update.setBoolean(1, enabled);
            update.setString(2, problem);
            update.setTimestamp(3, Timestamp.from(at));
            update.setString(4, tenant);
            update.setString(5, id);
            update.executeUpdate();
        }
    }

    public boolean delete(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM rule_state WHERE tenant = ? AND rule_id = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, id);
            delete.executeUpdate();
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM rule WHERE tenant = ? AND id = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, id);
            return delete.executeUpdate() == 1;
        }
    }

    /** Locks the rule's row for the rest of the transaction (one writer of its state at a time). */
    public Optional<RuleRecord> lock(Connection connection, String tenant, String id) throws SQLException {
        return one(connection, "SELECT * FROM rule WHERE tenant = ? AND id = ? FOR UPDATE", tenant, id);
    }

    public Optional<RuleRecord> find(Connection connection, String tenant, String id) throws SQLException {
        return one(connection, "SELECT * FROM rule WHERE tenant = ? AND id = ?", tenant, id);
    }

    public List<RuleRecord> list(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM rule WHERE tenant = ? ORDER BY id")) {
            select.setString(1, tenant);
            return rules(select);
        }
    }

    /** Every enabled rule of every tenant (the engine's working set). */
    public List<RuleRecord> enabled(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM rule WHERE enabled ORDER BY tenant, id")) {
            return rules(select);
        }
    }

    private Optional<RuleRecord> one(Connection connection, String sql, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, tenant);
            select.setString(2, id);
            List<RuleRecord> found = rules(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    private static List<RuleRecord> rules(PreparedStatement select) throws SQLException {
        List<RuleRecord> rules = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                rules.add(new RuleRecord(rows.getString("tenant"), rows.getString("id"), rows.getString("department"),
                        (ObjectNode) json(rows.getString("definition")), rows.getBoolean("enabled"), rows.getInt("version"),
                        rows.getString("problem"), rows.getString("created_by"), rows.getTimestamp("created_at").toInstant(),
                        rows.getTimestamp("updated_at").toInstant()));
            }
        }
        return rules;
    }

    // ---- kernel state ----

    public Optional<StoredState> state(Connection connection, String tenant, String ruleId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT version, position, idx, state, revision FROM rule_state WHERE tenant = ? AND rule_id = ?")) {
            select.setString(1, tenant);
            select.setString(2, ruleId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(new StoredState(rows.getInt(1), rows.getLong(2), rows.getInt(3), json(rows.getString(4)),
                        rows.getLong(5))) : Optional.empty();
            }
        }
    }

    /** Saves the header; its new revision. */
    public long saveState(Connection connection, String tenant, String ruleId, StoredState state) throws SQLException {
        long revision = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO rule_state (tenant, rule_id, version, position, idx, state, revision) "
                + "VALUES (?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (tenant, rule_id) DO UPDATE SET version = excluded.version, "
                + "position = excluded.position, idx = excluded.idx, state = excluded.state, revision = excluded.revision")) {
            upsert.setString(1, tenant);
            upsert.setString(2, ruleId);
            upsert.setInt(3, state.version());
            upsert.setLong(4, state.position());
            upsert.setInt(5, state.index());
            upsert.setString(6, state.state().toString());
            upsert.setLong(7, revision);
            upsert.executeUpdate();
        }
        return revision;
    }

    /** The change-stream position each rule's saved state has taken in: "tenant/rule" → (version, position). */
    public Map<String, long[]> positions(Connection connection) throws SQLException {
        Map<String, long[]> positions = new java.util.HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT tenant, rule_id, version, position FROM rule_state");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                positions.put(rows.getString(1) + "/" + rows.getString(2), new long[] {rows.getInt(3), rows.getLong(4)});
            }
        }
        return positions;
    }

    // ---- episodes and traces ----

    public void openEpisode(Connection connection, EpisodeRecord episode) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rule_episode (tenant, id, rule_id, key, state, opened_at, "
                + "evidence) VALUES (?, ?, ?, ?, 'open', ?, ?::jsonb)")) {
            insert.setString(1, episode.tenant());
            insert.setString(2, episode.id());
            insert.setString(3, episode.ruleId());
            insert.setString(4, episode.key());
            insert.setTimestamp(5, Timestamp.from(episode.openedAt()));
            insert.setString(6, episode.evidence().toString());
            insert.executeUpdate();
        }
    }

    /** An episode was acknowledged (it stays open, not escalated): when and by whom. */
    public void acknowledged(Connection connection, String tenant, String id, Instant at, String by) throws SQLException {
        update(connection, "state = CASE WHEN state = 'cleared' THEN state ELSE 'acknowledged' END, acknowledged_at = ?, "
                + "acknowledged_by = ?", tenant, id, at, by);
    }

    /** An episode nobody acknowledged in time was escalated. */
    public void escalated(Connection connection, String tenant, String id, Instant at) throws SQLException {
        update(connection, "state = CASE WHEN state = 'open' THEN 'escalated' ELSE state END, escalated_at = ?, "
                + "acknowledged_by = acknowledged_by || coalesce(?, '')", tenant, id, at, null);
    }

    /** An episode is over: when, and by whom ("rule" when its conditions stopped holding). */
    public void cleared(Connection connection, String tenant, String id, Instant at, String by) throws SQLException {
        update(connection, "state = 'cleared', cleared_at = ?, cleared_by = ?", tenant, id, at, by);
    }

    private static void update(Connection connection, String set, String tenant, String id, Instant at, String by) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE rule_episode SET " + set + " WHERE tenant = ? AND id = ?")) {
            update.setTimestamp(1, Timestamp.from(at));
            update.setString(2, by);
            update.setString(3, tenant);
            update.setString(4, id);
            update.executeUpdate();
        }
    }

    public Optional<EpisodeRecord> episode(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM rule_episode WHERE tenant = ? AND id = ?")) {
            select.setString(1, tenant);
            select.setString(2, id);
            List<EpisodeRecord> found = episodes(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    /** Episodes newest first: of one rule (or all), open only (or all), at most {@code limit}. */
    public List<EpisodeRecord> episodes(Connection connection, String tenant, String ruleId, boolean openOnly, int limit, int offset)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM rule_episode WHERE tenant = ?"
                + (ruleId == null ? "" : " AND rule_id = ?") + (openOnly ? " AND state <> 'cleared'" : "")
                + " ORDER BY opened_at DESC, id LIMIT ? OFFSET ?")) {
            int i = 1;
            select.setString(i++, tenant);
            if (ruleId != null) {
                select.setString(i++, ruleId);
            }
            select.setInt(i++, limit);
            select.setInt(i, offset);
            return episodes(select);
        }
    }

    /** Episodes opened at or after the moment with a reading of the entity among their evidence (what an update led to). */
    public List<EpisodeRecord> episodesReading(Connection connection, String tenant, String entity, Instant after) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM rule_episode WHERE tenant = ? AND opened_at >= ? "
                + "AND evidence @> ?::jsonb ORDER BY opened_at LIMIT 100")) {
            select.setString(1, tenant);
            select.setTimestamp(2, Timestamp.from(after));
            select.setString(3, JSON.createArrayNode().add(JSON.createObjectNode().put("entity", entity)).toString());
            return episodes(select);
        }
    }

    private static List<EpisodeRecord> episodes(PreparedStatement select) throws SQLException {
        List<EpisodeRecord> episodes = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                episodes.add(new EpisodeRecord(rows.getString("tenant"), rows.getString("id"), rows.getString("rule_id"), rows.getString("key"),
                        rows.getString("state"), rows.getTimestamp("opened_at").toInstant(), instant(rows, "acknowledged_at"),
                        rows.getString("acknowledged_by"), instant(rows, "escalated_at"), instant(rows, "cleared_at"),
                        rows.getString("cleared_by"), json(rows.getString("evidence"))));
            }
        }
        return episodes;
    }

    /** Adds a step to the episode's trace. */
    public void trace(Connection connection, String tenant, String episodeId, String kind, String ref, Instant at, JsonNode detail)
            throws SQLException {
        // An episode's actions finish at once on their own threads: their steps are numbered one after another, the
        // second waiting for the first's commit (the lock lasts until the transaction ends).
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, "rule_trace/" + tenant + "/" + episodeId);
            lock.execute();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rule_trace (tenant, episode_id, seq, kind, ref, at, detail) "
                + "SELECT ?, ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?::jsonb FROM rule_trace WHERE tenant = ? AND episode_id = ?")) {
            insert.setString(1, tenant);
            insert.setString(2, episodeId);
            insert.setString(3, kind);
            insert.setString(4, ref);
            insert.setTimestamp(5, Timestamp.from(at));
            insert.setString(6, detail.toString());
            insert.setString(7, tenant);
            insert.setString(8, episodeId);
            insert.executeUpdate();
        }
    }

    public List<Trace> traces(Connection connection, String tenant, String episodeId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT episode_id, seq, kind, ref, at, detail FROM rule_trace "
                + "WHERE tenant = ? AND episode_id = ? ORDER BY seq")) {
            select.setString(1, tenant);
            select.setString(2, episodeId);
            return traces(select);
        }
    }

    /** The trace steps that name this thing (a case, an entity, an alert): who caused it. */
    public List<Trace> tracesOf(Connection connection, String tenant, String kind, String ref) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT episode_id, seq, kind, ref, at, detail FROM rule_trace "
                + "WHERE tenant = ? AND kind = ? AND ref = ? ORDER BY at DESC LIMIT 100")) {
            select.setString(1, tenant);
            select.setString(2, kind);
            select.setString(3, ref);
            return traces(select);
        }
    }

    private static List<Trace> traces(PreparedStatement select) throws SQLException {
        List<Trace> traces = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                traces.add(new Trace(rows.getString(1), rows.getInt(2), rows.getString(3), rows.getString(4), rows.getTimestamp(5).toInstant(),
                        json(rows.getString(6))));
            }
        }
        return traces;
    }

    // ---- actions ----

    public void queue(Connection connection, String tenant, String episodeId, String step, JsonNode action, Instant at) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rule_action (tenant, episode_id, step, action, next_at) "
                + "VALUES (?, ?, ?, ?::jsonb, ?)")) {
            insert.setString(1, tenant);
            insert.setString(2, episodeId);
            insert.setString(3, step);
            insert.setString(4, action.toString());
            insert.setTimestamp(5, Timestamp.from(at));
            insert.executeUpdate();
        }
    }

    /** Actions due, oldest first, locked for this transaction (another node skips them). */
    public List<PendingAction> due(Connection connection, Instant now, int limit) throws SQLException {
        List<PendingAction> due = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT tenant, id, episode_id, step, action, attempts FROM rule_action "
                + "WHERE next_at <= ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
            select.setTimestamp(1, Timestamp.from(now));
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    due.add(new PendingAction(rows.getString(1), rows.getLong(2), rows.getString(3), rows.getString(4), json(rows.getString(5)),
                            rows.getInt(6)));
                }
            }
        }
        return due;
    }

    public void done(Connection connection, String tenant, long id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM rule_action WHERE tenant = ? AND id = ?")) {
            delete.setString(1, tenant);
            delete.setLong(2, id);
            delete.executeUpdate();
        }
    }

    public void retry(Connection connection, String tenant, long id, Instant next, String error) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE rule_action SET attempts = attempts + 1, next_at = ?, "
                + "last_error = ? WHERE tenant = ? AND id = ?")) {
            update.setTimestamp(1, Timestamp.from(next));
            update.setString(2, error);
            update.setString(3, tenant);
            update.setLong(4, id);
            update.executeUpdate();
        }
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        Timestamp value = rows.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static JsonNode json(String text) throws SQLException {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new SQLException("stored JSON does not parse", e);
        }
    }
}
