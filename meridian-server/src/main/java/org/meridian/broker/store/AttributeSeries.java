package org.meridian.broker.store;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The numeric ids that history rows use for a (tenant, entity, attribute) series, cached in memory.
 *
 * <p>A series is created on a connection of its own, committed at once, never inside the writer's transaction: were
 * it created there and the transaction rolled back, a cached id would name a series that does not exist. Series rows
 * are never deleted, so every id this class has read is valid for good, in every Meridian instance, and the cache
 * needs no invalidation.
 */
public final class AttributeSeries implements AutoCloseable, MeterBinder {

    @FunctionalInterface
    public interface ConnectionSource {
        /** A new connection outside the pool (so that creating a series never waits for a pooled one). */
        Connection open() throws SQLException;
    }

    private record Key(String tenant, String entityId, String attribute) {
    }

    private final Map<Key, Long> cache = new ConcurrentHashMap<>();
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final ConnectionSource connections;
    private final int cacheLimit;
    private Connection own;

    /**
     * @param cacheLimit series cached at most (about 180 bytes each, measured with an entity id of 40 characters);
     *                   past it the cache starts again, and a miss costs one statement per write batch
     */
    public AttributeSeries(ConnectionSource connections, int cacheLimit) {
        this.connections = connections;
        this.cacheLimit = cacheLimit;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("meridian.history.series.cached", cache, Map::size)
                .description("attribute series whose ids are cached").register(registry);
        FunctionCounter.builder("meridian.history.series.read", read, AtomicLong::get)
                .description("attribute series ids read from the database (cache misses)").register(registry);
        // Not "created": Prometheus reserves the _created suffix, and the counter would be exported as meridian_history_series_total.
        FunctionCounter.builder("meridian.history.series.new", created, AtomicLong::get)
                .description("attribute series created").register(registry);
    }

    /** The series ids of the given (entity, attribute) pairs, in their order; series seen for the first time are created. */
    long[] ids(Connection connection, String tenant, List<String> entityIds, List<String> attributes) throws SQLException {
        long[] ids = new long[entityIds.size()];
        Key[] keys = new Key[ids.length];
        Set<Key> missing = new LinkedHashSet<>();
        for (int i = 0; i < ids.length; i++) {
            keys[i] = new Key(tenant, entityIds.get(i), attributes.get(i));
            Long id = cache.get(keys[i]);
            if (id == null) {
                missing.add(keys[i]);
            } else {
                ids[i] = id;
            }
        }
        if (missing.isEmpty()) {
            return ids;
        }
        // Most misses are series that exist (after a restart): read on the writer's connection, in parallel with other
        // writers. Any series it sees is committed, since none is ever written on a writer's connection.
        Map<Key, Long> found = read(connection, tenant, missing);
        read.addAndGet(found.size());
        missing.removeAll(found.keySet());
        if (!missing.isEmpty()) {
            found.putAll(create(tenant, missing));
            created.addAndGet(missing.size());
        }
        if (cache.size() + found.size() > cacheLimit) {
            cache.clear();
        }
        cache.putAll(found);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == 0) {
                ids[i] = found.get(keys[i]);
            }
        }
        return ids;
    }

    private static Map<Key, Long> read(Connection connection, String tenant, Set<Key> keys) throws SQLException {
        Map<Key, Long> found = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT s.entity_id, s.attribute, s.id FROM unnest(?::text[], ?::text[]) AS k(entity_id, attribute) "
                        + "JOIN attribute_series s ON s.tenant = ? AND s.entity_id = k.entity_id AND s.attribute = k.attribute")) {
            select.setArray(1, connection.createArrayOf("text", keys.stream().map(Key::entityId).toArray()));
            select.setArray(2, connection.createArrayOf("text", keys.stream().map(Key::attribute).toArray()));
            select.setString(3, tenant);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.put(new Key(tenant, rows.getString(1), rows.getString(2)), rows.getLong(3));
                }
            }
        }
        return found;
    }

    /** Creates the series (or finds them, created meanwhile by another writer or instance) and commits at once. */
    private synchronized Map<Key, Long> create(String tenant, Set<Key> keys) throws SQLException {
        try {
            if (own == null || own.isClosed()) {
                own = connections.open();
                own.setAutoCommit(true);
            }
            // Sorted: one order for every creator, so two creating overlapping series cannot deadlock.
            try (PreparedStatement insert = own.prepareStatement(
                    "INSERT INTO attribute_series (tenant, entity_id, attribute) SELECT ?, entity_id, attribute "
                            + "FROM unnest(?::text[], ?::text[]) AS k(entity_id, attribute) ORDER BY 2, 3 ON CONFLICT DO NOTHING")) {
                insert.setString(1, tenant);
                insert.setArray(2, own.createArrayOf("text", keys.stream().map(Key::entityId).toArray()));
                insert.setArray(3, own.createArrayOf("text", keys.stream().map(Key::attribute).toArray()));
                insert.executeUpdate();
            }
            Map<Key, Long> created = read(own, tenant, keys);
            if (created.size() != keys.size()) {
                throw new SQLException("attribute series were not created: " + keys.size() + " asked, " + created.size() + " found");
            }
            return created;
        } catch (SQLException e) {
            closeOwn();
            throw e;
        }
    }

    private void closeOwn() {
        try {
            if (own != null) {
                own.close();
            }
        } catch (SQLException ignored) {
            // The connection was broken already; the next creation opens another.
        } finally {
            own = null;
        }
    }

    /** Closes the connection series are created on. */
    @Override
    public synchronized void close() {
        closeOwn();
    }
}
