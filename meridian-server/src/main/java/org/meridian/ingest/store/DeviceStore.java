package org.meridian.ingest.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meridian.core.ingest.AttributeMapping;
import org.meridian.core.ingest.Device;
import org.meridian.core.ingest.DeviceCounters;
import org.meridian.core.ingest.ServiceGroup;
import org.meridian.core.ingest.StoredDevice;
import org.meridian.core.ingest.StoredGroup;
import org.meridian.core.ingest.UnknownDevice;
import org.meridian.core.ingest.ValueType;
import org.meridian.core.json.Json;

/** Service groups, devices, their measurement counters and the provisioning version. */
public final class DeviceStore {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Counts to add to one device (or to an unknown device id of a known group). */
    public record CounterDelta(String tenant, String apiKey, String deviceId, long accepted, long rejected,
                               Instant lastMeasurement, Instant lastRejection, String reason, String detail) {
    }

    public long version(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT version FROM provisioning_version");
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void bump(Connection connection) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE provisioning_version SET version = version + 1")) {
            update.executeUpdate();
        }
    }

    /** Creates the group; false when the API key is taken (by any tenant). */
    public boolean insertGroup(Connection connection, ServiceGroup group, String secretHash, Instant now) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO service_group (apikey, tenant, entity_type, attributes, static_attributes, explicit_attrs, "
                        + "gateway_secret, created_at, modified_at) VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?) "
                        + "ON CONFLICT (apikey) DO NOTHING")) {
            insert.setString(1, group.apiKey());
            insert.setString(2, group.tenant());
            insert.setString(3, group.entityType());
            insert.setString(4, Json.write(mappings(group.attributes())));
            insert.setString(5, Json.write(group.staticAttributes()));
            insert.setBoolean(6, group.explicitAttributes());
            insert.setString(7, secretHash);
            insert.setTimestamp(8, Timestamp.from(now));
            insert.setTimestamp(9, Timestamp.from(now));
            boolean created = insert.executeUpdate() > 0;
            if (created) {
                bump(connection);
            }
            return created;
        }
    }

    public Optional<StoredGroup> group(Connection connection, String apiKey) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM service_group WHERE apikey = ?")) {
            select.setString(1, apiKey);
            List<StoredGroup> groups = readGroups(select);
            return groups.isEmpty() ? Optional.empty() : Optional.of(groups.getFirst());
        }
    }

    public List<StoredGroup> groups(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM service_group WHERE tenant = ? ORDER BY apikey")) {
            select.setString(1, tenant);
            return readGroups(select);
        }
    }

    public boolean hasDevices(Connection connection, String apiKey) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM device WHERE apikey = ?)")) {
            select.setString(1, apiKey);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    public boolean deleteGroup(Connection connection, String tenant, String apiKey) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM service_group WHERE tenant = ? AND apikey = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, apiKey);
            boolean deleted = delete.executeUpdate() > 0;
            if (deleted) {
                bump(connection);
            }
            return deleted;
        }
    }

    /** Inserts devices that do not exist yet (by tenant and id, or by API key and id); returns the ids inserted. */
    public List<String> insertDevices(Connection connection, List<Device> devices, List<String> passwordHashes, Instant now)
            throws SQLException {
        List<String> inserted = new ArrayList<>();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO device (tenant, device_id, apikey, entity_id, entity_type, attributes, static_attributes, "
                        + "explicit_attrs, password, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING")) {
            for (int i = 0; i < devices.size(); i++) {
                Device device = devices.get(i);
                insert.setString(1, device.tenant());
                insert.setString(2, device.deviceId());
                insert.setString(3, device.apiKey());
                insert.setString(4, device.entityId());
                insert.setString(5, device.entityType());
                insert.setString(6, Json.write(mappings(device.attributes())));
                insert.setString(7, Json.write(device.staticAttributes()));
                if (device.explicitAttributes() == null) {
                    insert.setNull(8, java.sql.Types.BOOLEAN);
                } else {
                    insert.setBoolean(8, device.explicitAttributes());
                }
                insert.setString(9, passwordHashes.get(i));
                insert.setTimestamp(10, Timestamp.from(now));
                insert.setTimestamp(11, Timestamp.from(now));
                if (insert.executeUpdate() > 0) {
                    inserted.add(device.deviceId());
                }
            }
        }
        if (!inserted.isEmpty()) {
            bump(connection);
        }
        return inserted;
    }

    public Optional<StoredDevice> device(Connection connection, String tenant, String deviceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM device WHERE tenant = ? AND device_id = ?")) {
            select.setString(1, tenant);
            select.setString(2, deviceId);
            List<StoredDevice> devices = readDevices(select);
            return devices.isEmpty() ? Optional.empty() : Optional.of(devices.getFirst());
        }
    }

    public Optional<StoredDevice> deviceByKey(Connection connection, String apiKey, String deviceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM device WHERE apikey = ? AND device_id = ?")) {
            select.setString(1, apiKey);
            select.setString(2, deviceId);
            List<StoredDevice> devices = readDevices(select);
            return devices.isEmpty() ? Optional.empty() : Optional.of(devices.getFirst());
        }
    }

    /** The devices of these (API key, device id) pairs that exist, in one statement. */
    public List<StoredDevice> devicesByKeys(Connection connection, List<String> apiKeys, List<String> deviceIds) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT d.* FROM unnest(?::text[], ?::text[]) AS k(apikey, device_id) "
                + "JOIN device d ON d.apikey = k.apikey AND d.device_id = k.device_id")) {
            select.setArray(1, connection.createArrayOf("text", apiKeys.toArray()));
            select.setArray(2, connection.createArrayOf("text", deviceIds.toArray()));
            return readDevices(select);
        }
    }

    /** Devices with this id under any API key (ids are unique per key), for signing in over MQTT. */
    public List<StoredDevice> devicesById(Connection connection, String deviceId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM device WHERE device_id = ? LIMIT 10")) {
            select.setString(1, deviceId);
            return readDevices(select);
        }
    }

    public List<StoredDevice> devices(Connection connection, String tenant, int limit, int offset) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT * FROM device WHERE tenant = ? ORDER BY device_id LIMIT ? OFFSET ?")) {
            select.setString(1, tenant);
            select.setInt(2, limit);
            select.setInt(3, offset);
            return readDevices(select);
        }
    }

    public long countDevices(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM device WHERE tenant = ?")) {
            select.setString(1, tenant);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    public java.util.List<org.meridian.core.ingest.DeviceHealth> health(Connection connection, String tenant, java.time.Instant since) throws SQLException {
        java.util.List<org.meridian.core.ingest.DeviceHealth> health = new java.util.ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT entity_type, count(*), "
                + "count(*) FILTER (WHERE last_measurement >= ?), count(*) FILTER (WHERE last_measurement IS NULL), "
                + "sum(accepted), sum(rejected) FROM device WHERE tenant = ? GROUP BY entity_type ORDER BY entity_type")) {
            select.setTimestamp(1, java.sql.Timestamp.from(since));
            select.setString(2, tenant);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    health.add(new org.meridian.core.ingest.DeviceHealth(rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5),
                            rows.getLong(6)));
                }
            }
        }
        return health;
    }

    public boolean deleteDevice(Connection connection, String tenant, String deviceId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM device WHERE tenant = ? AND device_id = ?")) {
            delete.setString(1, tenant);
            delete.setString(2, deviceId);
            boolean deleted = delete.executeUpdate() > 0;
            if (deleted) {
                bump(connection);
            }
            return deleted;
        }
    }

    /** Adds counters in one statement per table; deltas for devices that are not provisioned go to ingest_rejection. */
    public void addCounters(Connection connection, List<CounterDelta> known, List<CounterDelta> unknown) throws SQLException {
        if (!known.isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE device d SET accepted = d.accepted + r.accepted, rejected = d.rejected + r.rejected, "
                            + "last_measurement = greatest(d.last_measurement, r.last_measurement), "
                            + "last_rejection = greatest(d.last_rejection, r.last_rejection), "
                            + "last_rejection_reason = coalesce(r.reason, d.last_rejection_reason), "
                            + "last_rejection_detail = coalesce(r.detail, d.last_rejection_detail) "
                            + "FROM jsonb_to_recordset(?::jsonb) AS r(tenant text, device_id text, accepted bigint, rejected bigint, "
                            + "last_measurement timestamptz, last_rejection timestamptz, reason text, detail text) "
                            + "WHERE d.tenant = r.tenant AND d.device_id = r.device_id")) {
                update.setString(1, Json.write(deltas(known)));
                update.executeUpdate();
            }
        }
        if (!unknown.isEmpty()) {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO ingest_rejection AS i (tenant, apikey, device_id, reason, count, last_at, detail) "
                            + "SELECT r.tenant, r.apikey, r.device_id, r.reason, r.rejected, r.last_rejection, r.detail "
                            + "FROM jsonb_to_recordset(?::jsonb) AS r(tenant text, apikey text, device_id text, reason text, "
                            + "rejected bigint, last_rejection timestamptz, detail text) ORDER BY 1, 2, 3, 4 "
                            + "ON CONFLICT (tenant, apikey, device_id, reason) DO UPDATE SET count = i.count + excluded.count, "
                            + "last_at = greatest(i.last_at, excluded.last_at), detail = excluded.detail")) {
                upsert.setString(1, Json.write(deltas(unknown)));
                upsert.executeUpdate();
            }
        }
    }

    public List<UnknownDevice> rejections(Connection connection, String tenant, int limit) throws SQLException {
        List<UnknownDevice> rejections = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT apikey, device_id, reason, count, last_at, detail FROM ingest_rejection WHERE tenant = ? "
                        + "ORDER BY last_at DESC LIMIT ?")) {
            select.setString(1, tenant);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    rejections.add(new UnknownDevice(rows.getString(1), rows.getString(2), rows.getString(3), rows.getLong(4),
                            rows.getTimestamp(5).toInstant(), rows.getString(6)));
                }
            }
        }
        return rejections;
    }

    private static ArrayNode deltas(List<CounterDelta> deltas) {
        ArrayNode rows = NODES.arrayNode();
        for (CounterDelta delta : deltas) {
            ObjectNode row = rows.addObject();
            row.put("tenant", delta.tenant());
            row.put("apikey", delta.apiKey());
            row.put("device_id", delta.deviceId());
            row.put("accepted", delta.accepted());
            row.put("rejected", delta.rejected());
            if (delta.lastMeasurement() != null) {
                row.put("last_measurement", delta.lastMeasurement().toString());
            }
            if (delta.lastRejection() != null) {
                row.put("last_rejection", delta.lastRejection().toString());
            }
            row.put("reason", delta.reason());
            row.put("detail", delta.detail());
        }
        return rows;
    }

    private static ArrayNode mappings(List<AttributeMapping> mappings) {
        ArrayNode array = NODES.arrayNode();
        for (AttributeMapping mapping : mappings) {
            ObjectNode row = array.addObject().put("key", mapping.key()).put("attribute", mapping.attribute())
                    .put("type", mapping.type().wireName());
            if (mapping.unitCode() != null) {
                row.put("unitCode", mapping.unitCode());
            }
        }
        return array;
    }

    private static List<AttributeMapping> mappings(String json) {
        List<AttributeMapping> mappings = new ArrayList<>();
        for (JsonNode row : Json.parseTrusted(json)) {
            mappings.add(new AttributeMapping(row.get("key").asText(), row.get("attribute").asText(),
                    ValueType.fromWireName(row.get("type").asText()).orElseThrow(),
                    row.hasNonNull("unitCode") ? row.get("unitCode").asText() : null));
        }
        return List.copyOf(mappings);
    }

    private static List<StoredGroup> readGroups(PreparedStatement select) throws SQLException {
        List<StoredGroup> groups = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                groups.add(new StoredGroup(new ServiceGroup(rows.getString("tenant"), rows.getString("apikey"),
                        rows.getString("entity_type"), mappings(rows.getString("attributes")),
                        (ObjectNode) Json.parseTrusted(rows.getString("static_attributes")), rows.getBoolean("explicit_attrs")),
                        rows.getString("gateway_secret"), rows.getTimestamp("created_at").toInstant(),
                        rows.getTimestamp("modified_at").toInstant()));
            }
        }
        return groups;
    }

    private static List<StoredDevice> readDevices(PreparedStatement select) throws SQLException {
        List<StoredDevice> devices = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                boolean explicit = rows.getBoolean("explicit_attrs");
                Boolean explicitAttributes = rows.wasNull() ? null : explicit;
                Device device = new Device(rows.getString("tenant"), rows.getString("device_id"), rows.getString("apikey"),
                        rows.getString("entity_id"), rows.getString("entity_type"), mappings(rows.getString("attributes")),
                        (ObjectNode) Json.parseTrusted(rows.getString("static_attributes")), explicitAttributes);
                devices.add(new StoredDevice(device, rows.getString("password"), rows.getTimestamp("created_at").toInstant(),
                        rows.getTimestamp("modified_at").toInstant(), new DeviceCounters(rows.getLong("accepted"), rows.getLong("rejected"),
                        instant(rows, "last_measurement"), instant(rows, "last_rejection"), rows.getString("last_rejection_reason"),
                        rows.getString("last_rejection_detail"))));
            }
        }
        return devices;
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        Timestamp time = rows.getTimestamp(column);
        return time == null ? null : time.toInstant();
    }
}
