package org.meridian.cases.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.meridian.cases.CaseEvent;
import org.meridian.cases.CaseKpis;
import org.meridian.cases.CaseState;
import org.meridian.cases.CaseSummary;
import org.meridian.cases.CaseView;

/** Cases: their event logs (append only) and their current state beside them, written in the same transaction. */
public final class CaseStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The next case number (a database sequence: unique across nodes). */
    public long nextNumber(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT nextval('case_number')");
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Locks the case for a transition (two at once wait for each other); its version, or empty when there is none. */
    public Optional<Long> lock(Connection connection, String tenant, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT version FROM case_record WHERE tenant = ? AND id = ? FOR UPDATE")) {
            select.setString(1, tenant);
            select.setString(2, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
            }
        }
    }

    public List<CaseEvent> events(Connection connection, String tenant, String id) throws SQLException {
        List<CaseEvent> events = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, kind, at, actor, department, data FROM case_event "
                + "WHERE tenant = ? AND case_id = ? ORDER BY seq")) {
            select.setString(1, tenant);
            select.setString(2, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(new CaseEvent(rows.getLong(1), rows.getString(2), rows.getTimestamp(3).toInstant(), rows.getString(4),
                            rows.getString(5), parse(rows.getString(6))));
                }
            }
        }
        return events;
    }

    /** Cases referred to the node above and still waiting there (of every tenant), least recently changed first. */
    public List<Due> referred(Connection connection, int limit) throws SQLException {
        List<Due> found = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT tenant, id FROM case_record WHERE state = 'referred' "
                + "ORDER BY updated_at LIMIT ?")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(new Due(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return found;
    }

    /** A case the clock may act on: open, with a deadline before {@code before}. */
    public record Due(String tenant, String id) {
    }

    /** Open cases (of every tenant) whose stage is due before the instant, soonest first, at most {@code limit}. */
    public List<Due> dueBefore(Connection connection, Instant before, int limit) throws SQLException {
        List<Due> due = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT tenant, id FROM case_record WHERE watch_at <= ? "
                + "ORDER BY watch_at LIMIT ?")) {
            select.setTimestamp(1, Timestamp.from(before));
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    due.add(new Due(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return due;
    }

    /** An attachment of a case: what it is, and its bytes (or its thumbnail's) when asked for. */
    public record StoredAttachment(String id, String name, String mediaType, int size, boolean hasThumbnail, Instant createdAt,
                                   byte[] bytes) {
    }

    /** Stores the attachment; false when the case has it already (the same content). */
    public boolean putAttachment(Connection connection, String tenant, String caseId, String id, String name, String mediaType,
                                 byte[] content, byte[] thumbnail, String actor, Instant at) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO case_attachment (tenant, case_id, id, name, media_type, "
                + "size, content, thumbnail, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, tenant);
            insert.setString(2, caseId);
            insert.setString(3, id);
            insert.setString(4, name);
            insert.setString(5, mediaType);
            insert.setInt(6, content.length);
            insert.setBytes(7, content);
            insert.setBytes(8, thumbnail);
            insert.setString(9, actor);
            insert.setTimestamp(10, Timestamp.from(at));
            return insert.executeUpdate() == 1;
        }
    }

    /** The case's attachments, without their bytes, oldest first. */
    public List<StoredAttachment> attachments(Connection connection, String tenant, String caseId) throws SQLException {
        List<StoredAttachment> found = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, name, media_type, size, thumbnail IS NOT NULL, created_at "
                + "FROM case_attachment WHERE tenant = ? AND case_id = ? ORDER BY created_at, id")) {
            select.setString(1, tenant);
            select.setString(2, caseId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(new StoredAttachment(rows.getString(1), rows.getString(2), rows.getString(3), rows.getInt(4),
                            rows.getBoolean(5), rows.getTimestamp(6).toInstant(), null));
                }
            }
        }
        return found;
    }

    /** One attachment with its bytes (or its thumbnail's), if the case has it. */
    public Optional<StoredAttachment> attachment(Connection connection, String tenant, String caseId, String id, boolean thumbnail)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id, name, media_type, size, thumbnail IS NOT NULL, created_at, "
                + (thumbnail ? "thumbnail" : "content") + " FROM case_attachment WHERE tenant = ? AND case_id = ? AND id = ?")) {
            select.setString(1, tenant);
            select.setString(2, caseId);
            select.setString(3, id);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next() || row.getBytes(7) == null) {
                    return Optional.empty();
                }
                return Optional.of(new StoredAttachment(row.getString(1), row.getString(2), thumbnail ? "image/jpeg" : row.getString(3),
                        row.getInt(4), row.getBoolean(5), row.getTimestamp(6).toInstant(), row.getBytes(7)));
            }
        }
    }

    /** Replaces the case's indicator facts, each under its department and the case's district. */
    public void replaceFacts(Connection connection, String tenant, String id, String district, List<CaseKpis.Fact> facts)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM case_fact WHERE tenant = ? AND case_id = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, id);
            delete.executeUpdate();
        }
        if (facts.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO case_fact (tenant, case_id, department, district, kind, at, "
                + "stage, hours, yes, also) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (CaseKpis.Fact fact : facts) {
                insert.setString(1, tenant);
                insert.setString(2, id);
                insert.setString(3, fact.department());
                insert.setString(4, district);
                insert.setString(5, fact.kind());
                insert.setTimestamp(6, Timestamp.from(fact.at()));
                insert.setString(7, fact.stage());
                insert.setDouble(8, fact.hours());
                insert.setBoolean(9, fact.yes());
                insert.setBoolean(10, fact.also());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * The indicator facts of [from, to) by group: the department each counts for ({@code byDepartment}) or the
     * district; facts without one are left out. {@code department} (when not null) narrows them to that department's.
     */
    public java.util.Map<String, List<CaseKpis.Fact>> facts(Connection connection, String tenant, Instant from, Instant to,
                                                           boolean byDepartment, String department) throws SQLException {
        return facts(connection, tenant, from, to, byDepartment ? "department" : "district", department);
    }

    /**
     * Every fact of the period as one group, "all" (a node's own total): also those of no district or department, but
     * not those of cases referred here from below (their ids name their node: {@code node:id}), which their node counts.
     */
    public List<CaseKpis.Fact> allFacts(Connection connection, String tenant, Instant from, Instant to) throws SQLException {
        return facts(connection, tenant, from, to, null, null).getOrDefault("all", List.of());
    }

    private java.util.Map<String, List<CaseKpis.Fact>> facts(Connection connection, String tenant, Instant from, Instant to,
                                                            String groupColumn, String department) throws SQLException {
        java.util.Map<String, List<CaseKpis.Fact>> facts = new java.util.LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + (groupColumn == null ? "'all'" : groupColumn)
                + ", department, kind, at, stage, hours, yes, also FROM case_fact WHERE tenant = ?"
                + (department == null ? "" : " AND department = ?")
                + " AND at >= ? AND at < ?" + (groupColumn == null ? " AND strpos(case_id, ':') = 0" : " AND " + groupColumn + " IS NOT NULL"))) {
            int i = 1;
            select.setString(i++, tenant);
            if (department != null) {
                select.setString(i++, department);
            }
            select.setTimestamp(i++, Timestamp.from(from));
            select.setTimestamp(i, Timestamp.from(to));
            select.setFetchSize(10_000);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    facts.computeIfAbsent(rows.getString(1), group -> new ArrayList<>()).add(new CaseKpis.Fact(rows.getString(3),
                            rows.getTimestamp(4).toInstant(), rows.getString(2), rows.getString(5), rows.getDouble(6), rows.getBoolean(7),
                            rows.getBoolean(8)));
                }
            }
        }
        return facts;
    }

    /**
     * Appends the event and writes the case as it now is. The event's place in the log is its primary key, so a
     * second writer that did not lock would fail here rather than fork the log.
     */
    public void append(Connection connection, CaseEvent event, CaseView after, Instant watchAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO case_event (tenant, case_id, seq, kind, at, actor, "
                + "department, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
            insert.setString(1, after.tenant());
            insert.setString(2, after.id());
            insert.setLong(3, event.seq());
            insert.setString(4, event.kind());
            insert.setTimestamp(5, Timestamp.from(event.at()));
            insert.setString(6, event.actor());
            insert.setString(7, event.department());
            insert.setString(8, event.data().toString());
            insert.executeUpdate();
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO case_record (tenant, id, category, urgency, state, "
                + "district, lead, co_handlers, reporters, description, longitude, latitude, deadline, created_at, updated_at, "
                + "closed_at, version, watch_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, id) "
                + "DO UPDATE SET state = EXCLUDED.state, lead = EXCLUDED.lead, co_handlers = EXCLUDED.co_handlers, "
                + "reporters = EXCLUDED.reporters, deadline = EXCLUDED.deadline, updated_at = EXCLUDED.updated_at, "
                + "closed_at = EXCLUDED.closed_at, version = EXCLUDED.version, watch_at = EXCLUDED.watch_at")) {
            upsert.setString(1, after.tenant());
            upsert.setString(2, after.id());
            upsert.setString(3, after.category());
            upsert.setString(4, after.urgency());
            upsert.setString(5, after.state().id());
            upsert.setString(6, after.district());
            upsert.setString(7, after.lead());
            upsert.setArray(8, connection.createArrayOf("text", after.coHandlers().toArray()));
            upsert.setArray(9, connection.createArrayOf("text", after.reporters().toArray()));
            upsert.setString(10, after.description());
            upsert.setDouble(11, after.longitude());
            upsert.setDouble(12, after.latitude());
            upsert.setTimestamp(13, timestamp(after.deadline()));
            upsert.setTimestamp(14, timestamp(after.createdAt()));
            upsert.setTimestamp(15, timestamp(after.updatedAt()));
            upsert.setTimestamp(16, timestamp(after.closedAt()));
            upsert.setLong(17, after.version());
            upsert.setTimestamp(18, timestamp(watchAt));
            upsert.executeUpdate();
        }
    }

    /** When the watch is to look at the case again (null: never), when it found nothing to do after all. */
    public void rewatch(Connection connection, String tenant, String id, Instant watchAt, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE case_record SET watch_at = ? WHERE tenant = ? AND id = ?")) {
            // Never again at once: a case the watch could not decide waits a minute rather than spin.
            update.setTimestamp(1, watchAt == null ? null : Timestamp.from(watchAt.isAfter(now) ? watchAt : now.plusSeconds(60)));
            update.setString(2, tenant);
            update.setString(3, id);
            update.executeUpdate();
        }
    }

    /**
     * What a list of cases asks for: each field narrows it (null: any); {@code visibleTo} the departments and reporter
     * a restricted reader may see cases of (null: all).
     */
    public record Filter(CaseState state, String lead, String category, String reporter, Boolean overdue, Visibility visibleTo,
                         int limit, int offset) {
    }

    /** Whose cases a restricted reader sees: those its departments lead or co-handle, and those it reported. */
    public record Visibility(List<String> departments, String reporter) {
    }

    public List<CaseSummary> list(Connection connection, String tenant, Filter filter, Instant now) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + ROW + " FROM case_record WHERE tenant = ?");
        List<Object> parameters = new ArrayList<>(List.of(tenant));
        if (filter.state() != null) {
            sql.append(" AND state = ?");
            parameters.add(filter.state().id());
        }
        if (filter.lead() != null) {
            sql.append(" AND lead = ?");
            parameters.add(filter.lead());
        }
        if (filter.category() != null) {
            sql.append(" AND category = ?");
            parameters.add(filter.category());
        }
        if (filter.reporter() != null) {
            sql.append(" AND reporters @> ARRAY[?]::text[]");
            parameters.add(filter.reporter());
        }
        if (Boolean.TRUE.equals(filter.overdue())) {
            sql.append(" AND deadline < ? AND state NOT IN ('closed', 'rejected', 'merged', 'suspended')");
            parameters.add(Timestamp.from(now));
        }
        if (filter.visibleTo() != null) {
            sql.append(" AND (lead = ANY(?::text[]) OR co_handlers && ?::text[] OR reporters @> ARRAY[?]::text[])");
            String[] departments = filter.visibleTo().departments().toArray(String[]::new);
            parameters.add(departments);
            parameters.add(departments);
            parameters.add(filter.visibleTo().reporter());
        }
        sql.append(" ORDER BY updated_at DESC, id LIMIT ? OFFSET ?");
        parameters.add(filter.limit());
        parameters.add(filter.offset());
        List<CaseSummary> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            bind(connection, select, parameters);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
        }
        return rows;
    }

    /**
     * Open cases of the category within about {@code meters} of the place, reported since {@code since}: the likely
     * duplicates of a new report. A box in degrees narrows the rows; the distance itself is measured by the caller.
     */
    public List<CaseSummary> openNear(Connection connection, String tenant, String category, double longitude, double latitude,
                              double meters, Instant since) throws SQLException {
        double dLat = meters / 111_320.0;
        double dLon = meters / (111_320.0 * Math.max(0.01, Math.cos(Math.toRadians(latitude))));
        List<CaseSummary> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + ROW + " FROM case_record "
                + "WHERE tenant = ? AND category = ? AND state NOT IN ('closed', 'rejected', 'merged') AND latitude BETWEEN ? AND ? "
                + "AND longitude BETWEEN ? AND ? AND created_at >= ? ORDER BY created_at LIMIT 20")) {
            select.setString(1, tenant);
            select.setString(2, category);
            select.setDouble(3, latitude - dLat);
            select.setDouble(4, latitude + dLat);
            select.setDouble(5, longitude - dLon);
            select.setDouble(6, longitude + dLon);
            select.setTimestamp(7, Timestamp.from(since));
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
        }
        return rows;
    }

    /** Notes that the case's entity shows this version (never going back, when two writers race). */
    public void markPublished(Connection connection, String tenant, String id, long version) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE case_record SET published_version = ? "
                + "WHERE tenant = ? AND id = ? AND published_version < ?")) {
            update.setLong(1, version);
            update.setString(2, tenant);
            update.setString(3, id);
            update.setLong(4, version);
            update.executeUpdate();
        }
    }

    /** Cases whose entity is behind their log, last changed before {@code before}, oldest first. */
    public List<Due> unpublished(Connection connection, Instant before, int limit) throws SQLException {
        List<Due> behind = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT tenant, id FROM case_record "
                + "WHERE published_version < version AND updated_at < ? ORDER BY updated_at LIMIT ?")) {
            select.setTimestamp(1, Timestamp.from(before));
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    behind.add(new Due(rows.getString(1), rows.getString(2)));
                }
            }
        }
        return behind;
    }

    /**
     * What the public may list (Open311, the citizens' pages): cases of the given public categories, newest report
     * first. {@code ids} (when not null) picks cases by number and overrides the rest but the categories; rejected
     * reports (perhaps abuse) are never shown.
     *
     * @param closed null: either; true: closed, rejected or merged; false: still open
     */
    public record PublicFilter(List<String> categories, List<String> ids, Boolean closed, Instant from, Instant to, int limit,
                               int offset, org.meridian.cases.Nearby near) {
        public PublicFilter(List<String> categories, List<String> ids, Boolean closed, Instant from, Instant to, int limit, int offset) {
            this(categories, ids, closed, from, to, limit, offset, null);
        }
    }



    /** The numbers of the cases the public filter selects, in order. */
    public List<String> publicIds(Connection connection, String tenant, PublicFilter filter) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id FROM case_record WHERE tenant = ? AND category = ANY(?)");
        List<Object> parameters = new ArrayList<>(List.of(tenant, filter.categories().toArray(String[]::new)));
        sql.append(" AND state <> 'rejected'");
        if (filter.ids() != null) {
            sql.append(" AND id = ANY(?)");
            parameters.add(filter.ids().toArray(String[]::new));
        } else {
            if (filter.closed() != null) {
                sql.append(filter.closed() ? " AND state IN ('closed', 'merged')" : " AND state NOT IN ('closed', 'merged')");
            }
            if (filter.from() != null) {
                sql.append(" AND created_at >= ?");
                parameters.add(Timestamp.from(filter.from()));
            }
            if (filter.to() != null) {
                sql.append(" AND created_at <= ?");
                parameters.add(Timestamp.from(filter.to()));
            }
        }
        org.meridian.cases.Nearby near = filter.near();
        if (near != null) {
            // A box of the radius around the point (degrees of longitude shrink towards the poles), found through the
            // spatial index of the cases' points (V37), then the nearest.
            double latitudeSpan = near.meters() / 111_320.0;
            double scale = Math.max(0.01, Math.cos(Math.toRadians(near.latitude())));
            double longitudeSpan = latitudeSpan / scale;
            sql.append(" AND point(longitude, latitude) <@ box(point(?, ?), point(?, ?))");
            parameters.addAll(List.of(near.longitude() - longitudeSpan, near.latitude() - latitudeSpan, near.longitude() + longitudeSpan,
                    near.latitude() + latitudeSpan));
            sql.append(" ORDER BY (latitude - ?) ^ 2 + ((longitude - ?) * ?) ^ 2, created_at DESC, id LIMIT ? OFFSET ?");
            parameters.addAll(List.of(near.latitude(), near.longitude(), scale));
        } else {
            sql.append(" ORDER BY created_at DESC, id LIMIT ? OFFSET ?");
        }
        parameters.add(filter.limit());
        parameters.add(filter.offset());
        List<String> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            bind(connection, select, parameters);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getString(1));
                }
            }
        }
        return ids;
    }

    /** The logs of the cases, by number (one query for a page of cases). */
    public java.util.Map<String, List<CaseEvent>> logsOf(Connection connection, String tenant, List<String> ids) throws SQLException {
        java.util.Map<String, List<CaseEvent>> logs = new java.util.LinkedHashMap<>();
        ids.forEach(id -> logs.put(id, new ArrayList<>()));
        try (PreparedStatement select = connection.prepareStatement("SELECT case_id, seq, kind, at, actor, department, data FROM case_event "
                + "WHERE tenant = ? AND case_id = ANY(?) ORDER BY case_id, seq")) {
            select.setString(1, tenant);
            select.setArray(2, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    logs.get(rows.getString(1)).add(new CaseEvent(rows.getLong(2), rows.getString(3), rows.getTimestamp(4).toInstant(),
                            rows.getString(5), rows.getString(6), parse(rows.getString(7))));
                }
            }
        }
        return logs;
    }

    /** One event of a case. */
    public record CaseEventOf(String caseId, CaseEvent event) {
    }

    /** Events of the kinds, of cases of the categories, made in [from, to), oldest first. */
    public List<CaseEventOf> eventsBetween(Connection connection, String tenant, List<String> categories, List<String> kinds,
                                           Instant from, Instant to, int limit) throws SQLException {
        List<CaseEventOf> events = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT e.case_id, e.seq, e.kind, e.at, e.actor, e.department, e.data "
                + "FROM case_event e JOIN case_record r ON r.tenant = e.tenant AND r.id = e.case_id "
                + "WHERE e.tenant = ? AND e.at >= ? AND e.at < ? AND e.kind = ANY(?) AND r.category = ANY(?) AND r.state <> 'rejected' "
                + "ORDER BY e.at, e.case_id, e.seq LIMIT ?")) {
            select.setString(1, tenant);
            select.setTimestamp(2, Timestamp.from(from));
            select.setTimestamp(3, Timestamp.from(to));
            select.setArray(4, connection.createArrayOf("text", kinds.toArray()));
            select.setArray(5, connection.createArrayOf("text", categories.toArray()));
            select.setInt(6, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(new CaseEventOf(rows.getString(1), new CaseEvent(rows.getLong(2), rows.getString(3),
                            rows.getTimestamp(4).toInstant(), rows.getString(5), rows.getString(6), parse(rows.getString(7)))));
                }
            }
        }
        return events;
    }

    private static void bind(Connection connection, PreparedStatement select, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            Object parameter = parameters.get(i);
            if (parameter instanceof String[] texts) {
                select.setArray(i + 1, connection.createArrayOf("text", texts));
            } else {
                select.setObject(i + 1, parameter);
            }
        }
    }

    private static final String ROW = "id, category, urgency, state, district, lead, co_handlers, description, longitude, latitude, "
            + "deadline, created_at, updated_at, closed_at, version";

    private static CaseSummary row(ResultSet result) throws SQLException {
        return new CaseSummary(result.getString(1), result.getString(2), result.getString(3), CaseState.of(result.getString(4)).orElseThrow(),
                result.getString(5), result.getString(6), strings(result.getArray(7)), result.getString(8), result.getDouble(9),
                result.getDouble(10), instant(result.getTimestamp(11)), instant(result.getTimestamp(12)),
                instant(result.getTimestamp(13)), instant(result.getTimestamp(14)), result.getLong(15));
    }

    private static ObjectNode parse(String json) throws SQLException {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new SQLException("a case event that is not JSON", e);
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
