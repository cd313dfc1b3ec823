package org.meridian.sharing.store;

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
import java.util.Set;
import java.util.UUID;
import org.meridian.core.security.ReadScope;
import org.meridian.sharing.Dataset;
import org.meridian.sharing.Grant;
import org.meridian.sharing.ShareRequest;

/** Datasets (who owns which type), requests and grants. */
public final class SharingStore {



    // ---- datasets ----

    private static final String DATASET = "tenant, entity_type, owner, title, description, update_frequency, published, open_drop, open_grid_meters, open_hourly";

    public List<Dataset> datasets(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + DATASET + " FROM dataset WHERE tenant = ? ORDER BY entity_type")) {
            select.setString(1, tenant);
            return datasets(select);
        }
    }

    public Optional<Dataset> dataset(Connection connection, String tenant, String entityType) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + DATASET + " FROM dataset WHERE tenant = ? AND entity_type = ?")) {
            select.setString(1, tenant);
            select.setString(2, entityType);
            return datasets(select).stream().findFirst();
        }
    }

    private static List<Dataset> datasets(PreparedStatement select) throws SQLException {
        List<Dataset> datasets = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                int grid = rows.getInt(9);
                boolean noGrid = rows.wasNull();
                datasets.add(new Dataset(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
                        rows.getString(6), rows.getBoolean(7), set(rows.getArray(8)), noGrid ? null : grid, rows.getBoolean(10)));
            }
        }
        return datasets;
    }

    /** Creates or replaces the dataset's description and ownership; returns whether it was new. */
    public boolean putDataset(Connection connection, Dataset dataset) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO dataset (" + DATASET + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (tenant, entity_type) DO UPDATE SET owner = EXCLUDED.owner, title = EXCLUDED.title, "
                + "description = EXCLUDED.description, update_frequency = EXCLUDED.update_frequency, published = EXCLUDED.published, "
                + "open_drop = EXCLUDED.open_drop, open_grid_meters = EXCLUDED.open_grid_meters, open_hourly = EXCLUDED.open_hourly RETURNING (xmax = 0)")) {
            upsert.setString(1, dataset.tenant());
            upsert.setString(2, dataset.entityType());
            upsert.setString(3, dataset.owner());
            upsert.setString(4, dataset.title());
            upsert.setString(5, dataset.description());
            upsert.setString(6, dataset.updateFrequency());
            upsert.setBoolean(7, dataset.published());
            upsert.setArray(8, connection.createArrayOf("text", dataset.openDrop().toArray()));
            upsert.setObject(9, dataset.openGridMeters());
            upsert.setBoolean(10, dataset.openHourly());
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    public boolean deleteDataset(Connection connection, String tenant, String entityType) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM dataset WHERE tenant = ? AND entity_type = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, entityType);
            return delete.executeUpdate() == 1;
        }
    }

    // ---- requests ----

    private static final String REQUEST = "id, tenant, entity_type, requester, attributes, purpose, wanted_until, status, reason, "
            + "requested_by, decided_by, created_at, area";

    public void addRequest(Connection connection, ShareRequest request) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO share_request (id, tenant, entity_type, requester, "
                + "attributes, purpose, wanted_until, requested_by, area) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, request.id());
            insert.setString(2, request.tenant());
            insert.setString(3, request.entityType());
            insert.setString(4, request.requester());
            insert.setArray(5, request.attributes() == null ? null : connection.createArrayOf("text", request.attributes().toArray()));
            insert.setString(6, request.purpose());
            insert.setTimestamp(7, Timestamp.from(request.wantedUntil()));
            insert.setString(8, request.requestedBy());
            insert.setArray(9, area(connection, request.area()));
            insert.executeUpdate();
        }
    }

    public Optional<ShareRequest> request(Connection connection, String tenant, UUID id, boolean lock) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + REQUEST + " FROM share_request WHERE tenant = ? AND id = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            select.setString(1, tenant);
            select.setObject(2, id);
            return requests(select).stream().findFirst();
        }
    }

    /** The tenant's requests, newest first: all of them, or those a department made or must decide (it owns the type). */
    public List<ShareRequest> requests(Connection connection, String tenant, Set<String> departments) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + REQUEST + " FROM share_request r WHERE tenant = ? "
                + "AND (?::text[] IS NULL OR requester = ANY(?::text[]) OR EXISTS (SELECT 1 FROM dataset d WHERE d.tenant = r.tenant "
                + "AND d.entity_type = r.entity_type AND d.owner = ANY(?::text[]))) ORDER BY created_at DESC LIMIT 1000")) {
            Array array = departments == null ? null : connection.createArrayOf("text", departments.toArray());
            select.setString(1, tenant);
            select.setArray(2, array);
            select.setArray(3, array);
            select.setArray(4, array);
            return requests(select);
        }
    }

    private static List<ShareRequest> requests(PreparedStatement select) throws SQLException {
        List<ShareRequest> requests = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                requests.add(new ShareRequest(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3), rows.getString(4),
                        nullableSet(rows.getArray(5)), rows.getString(6), rows.getTimestamp(7).toInstant(), rows.getString(8),
                        rows.getString(9), rows.getString(10), rows.getString(11), rows.getTimestamp(12).toInstant(),
                        area(rows.getArray(13))));
            }
        }
        return requests;
    }

    public void decide(Connection connection, UUID id, String status, String reason, String decidedBy) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE share_request SET status = ?, reason = ?, decided_by = ?, "
                + "decided_at = now() WHERE id = ?")) {
            update.setString(1, status);
            update.setString(2, reason);
            update.setString(3, decidedBy);
            update.setObject(4, id);
            update.executeUpdate();
        }
    }

    // ---- grants ----

    private static final String GRANT = "id, tenant, entity_type, grantee, attributes, expires_at, revoked_at, request_id, granted_by, area";

    public void addGrant(Connection connection, Grant grant) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO share_grant (" + GRANT + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, grant.id());
            insert.setString(2, grant.tenant());
            insert.setString(3, grant.entityType());
            insert.setString(4, grant.grantee());
            insert.setArray(5, grant.attributes() == null ? null : connection.createArrayOf("text", grant.attributes().toArray()));
            insert.setTimestamp(6, Timestamp.from(grant.expiresAt()));
            insert.setTimestamp(7, null);
            insert.setObject(8, grant.requestId());
            insert.setString(9, grant.grantedBy());
            insert.setArray(10, area(connection, grant.area()));
            insert.executeUpdate();
        }
    }

    /** Grants in force for any of the departments (the read policy's question, asked on every read). */
    public List<Grant> activeGrants(Connection connection, String tenant, Set<String> grantees, Instant now) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + GRANT + " FROM share_grant WHERE tenant = ? "
                + "AND grantee = ANY(?) AND revoked_at IS NULL AND expires_at > ?")) {
            select.setString(1, tenant);
            select.setArray(2, connection.createArrayOf("text", grantees.toArray()));
            select.setTimestamp(3, Timestamp.from(now));
            return grants(select);
        }
    }

    /** The tenant's grants: all, or those given to or by (as owner of the type) the departments. */
    public List<Grant> grants(Connection connection, String tenant, Set<String> departments) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + GRANT + " FROM share_grant g WHERE tenant = ? "
                + "AND (?::text[] IS NULL OR grantee = ANY(?::text[]) OR EXISTS (SELECT 1 FROM dataset d WHERE d.tenant = g.tenant "
                + "AND d.entity_type = g.entity_type AND d.owner = ANY(?::text[]))) ORDER BY created_at DESC LIMIT 1000")) {
            Array array = departments == null ? null : connection.createArrayOf("text", departments.toArray());
            select.setString(1, tenant);
            select.setArray(2, array);
            select.setArray(3, array);
            select.setArray(4, array);
            return grants(select);
        }
    }

    public Optional<Grant> grant(Connection connection, String tenant, UUID id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + GRANT + " FROM share_grant WHERE tenant = ? AND id = ? FOR UPDATE")) {
            select.setString(1, tenant);
            select.setObject(2, id);
            return grants(select).stream().findFirst();
        }
    }

    public void revoke(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE share_grant SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL")) {
            update.setObject(1, id);
            update.executeUpdate();
        }
    }

    private static List<Grant> grants(PreparedStatement select) throws SQLException {
        List<Grant> grants = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Timestamp revoked = rows.getTimestamp(7);
                grants.add(new Grant(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3), rows.getString(4),
                        nullableSet(rows.getArray(5)), rows.getTimestamp(6).toInstant(), revoked == null ? null : revoked.toInstant(),
                        rows.getObject(8, UUID.class), rows.getString(9), area(rows.getArray(10))));
            }
        }
        return grants;
    }

    private static Array area(Connection connection, ReadScope.Area area) throws SQLException {
        return area == null ? null : connection.createArrayOf("float8", new Double[] {area.west(), area.south(), area.east(), area.north()});
    }

    private static ReadScope.Area area(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        Double[] corners = (Double[]) array.getArray();
        return new ReadScope.Area(corners[0], corners[1], corners[2], corners[3]);
    }

    private static Set<String> set(Array array) throws SQLException {
        return array == null ? Set.of() : Set.copyOf(Arrays.asList((String[]) array.getArray()));
    }

    private static Set<String> nullableSet(Array array) throws SQLException {
        return array == null ? null : set(array);
    }
}
