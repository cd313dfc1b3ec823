package org.meridian.broker;

import java.time.Instant;
import java.util.List;
import org.meridian.core.error.MeridianException;
import org.meridian.core.ngsild.Entity;
import org.meridian.store.EntityQueries;
import org.meridian.store.EntitySelection;
import org.meridian.store.EntityStore;
import org.meridian.store.HistoryStore;
import org.meridian.store.TenantStore;
import org.meridian.store.Transactions;

/** Reads attribute history (the temporal API, clause 5.7.3 and 5.7.4). */
public final class TemporalService {
    /**
     * What to read.
     *
     * @param attributes expanded names, or null for all
     * @param timeColumn observed_at (observedAt, falling back to the recording time) or recorded_at (modifiedAt)
     * @param lastN the newest N instances per attribute, or 0
     * @param bucketSeconds the aggregation period, or 0 for one bucket over the whole range
     */
    public record Request(List<String> attributes, String timeColumn, Instant from, Instant to, int lastN,
                          int maxInstances, boolean aggregate, long bucketSeconds) {
    }

    /** One entity's history. */
    public record History(Entity entity, List<HistoryStore.Instance> instances, List<HistoryStore.Bucket> buckets,
                          boolean truncated) {
    }

    private final Transactions transactions;
    private final EntityStore entities;
    private final EntityQueries queries;
    private final HistoryStore history;
    private final TenantStore tenants;

    public TemporalService(Transactions transactions, EntityStore entities, EntityQueries queries, HistoryStore history,
                           TenantStore tenants) {
        this.transactions = transactions;
        this.entities = entities;
        this.queries = queries;
        this.history = history;
        this.tenants = tenants;
    }

    public History retrieve(String tenant, String id, Request request) {
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            Entity entity = entities.find(connection, tenant, id, false)
                    .orElseThrow(() -> MeridianException.notFound("No entity " + id));
            return read(connection, tenant, entity, request);
        });
    }

    public List<History> query(String tenant, EntitySelection selection, int limit, int offset, Request request) {
        return transactions.readOnly(connection -> {
            tenants.require(connection, tenant);
            List<History> histories = new java.util.ArrayList<>();
            for (Entity entity : queries.query(connection, tenant, selection, limit, offset, false).entities()) {
                histories.add(read(connection, tenant, entity, request));
            }
            return histories;
        });
    }

    private History read(java.sql.Connection connection, String tenant, Entity entity, Request request) throws java.sql.SQLException {
        if (request.aggregate()) {
            return new History(entity, List.of(), history.aggregate(connection, tenant, entity.id(), request.attributes(),
                    request.timeColumn(), request.from(), request.to(), request.bucketSeconds()), false);
        }
        List<HistoryStore.Instance> instances = history.instances(connection, tenant, entity.id(), request.attributes(),
                request.timeColumn(), request.from(), request.to(), request.lastN(), request.maxInstances() + 1);
        boolean truncated = instances.size() > request.maxInstances();
        return new History(entity, truncated ? instances.subList(0, request.maxInstances()) : instances, List.of(), truncated);
    }
}
