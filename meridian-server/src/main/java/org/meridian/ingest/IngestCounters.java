package org.meridian.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.meridian.core.ingest.Device;
import org.meridian.core.ingest.MeasurementRejected;
import org.meridian.core.ingest.ServiceGroup;
import org.meridian.ingest.store.DeviceStore;
import org.meridian.platform.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-device counts of accepted and rejected measurements, added up in memory and flushed every few seconds in one
 * statement: counting in the write path would double its row updates. A crash loses at most the last interval's
 * counts, never a measurement. Each node adds its own counts, so a cluster's totals are right.
 */
final class IngestCounters implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestCounters.class);

    private final Transactions transactions;
    private final DeviceStore store;
    private final long flushMillis;
    private Map<DeviceKey, Delta> known = new HashMap<>();
    private Map<String, Delta> unknown = new HashMap<>();
    private final Thread flusher;
    private volatile boolean running = true;

    /** A device's key in the counters: a record, whose hash reuses its strings' cached ones (no string built per measurement). */
    private record DeviceKey(String tenant, String deviceId) {
    }

    private static final class Delta {
        final String tenant;
        final String apiKey;
        final String deviceId;
        long accepted;
        long rejected;
        Instant lastMeasurement;
        Instant lastRejection;
        String reason;
        String detail;

        Delta(String tenant, String apiKey, String deviceId) {
            this.tenant = tenant;
            this.apiKey = apiKey;
            this.deviceId = deviceId;
        }

        DeviceStore.CounterDelta toDelta() {
            return new DeviceStore.CounterDelta(tenant, apiKey, deviceId, accepted, rejected, lastMeasurement, lastRejection,
                    reason, detail);
        }
    }

    IngestCounters(Transactions transactions, DeviceStore store, long flushMillis) {
        this.transactions = transactions;
        this.store = store;
        this.flushMillis = flushMillis;
        this.flusher = Thread.ofVirtual().name("meridian-ingest-counters").unstarted(this::loop);
    }

    void start() {
        flusher.start();
    }

    /** A batch's measurements written: counted under one lock, not one per measurement (two writers contended for it). */
    synchronized void accepted(List<Device> devices, List<Instant> at) {
        for (int i = 0; i < devices.size(); i++) {
            Device device = devices.get(i);
            Delta delta = known.computeIfAbsent(new DeviceKey(device.tenant(), device.deviceId()),
                    key -> new Delta(device.tenant(), device.apiKey(), device.deviceId()));
            delta.accepted++;
            delta.lastMeasurement = at.get(i);
        }
    }

    synchronized void rejected(Device device, MeasurementRejected rejected, Instant at) {
        Delta delta = known.computeIfAbsent(new DeviceKey(device.tenant(), device.deviceId()),
                key -> new Delta(device.tenant(), device.apiKey(), device.deviceId()));
        delta.rejected++;
        delta.lastRejection = at;
        delta.reason = rejected.reason().label();
        delta.detail = rejected.getMessage();
    }

    synchronized void unknownDevice(ServiceGroup group, String deviceId, MeasurementRejected rejected, Instant at) {
        Delta delta = unknown.computeIfAbsent(group.tenant() + "\n" + group.apiKey() + "\n" + deviceId + "\n" + rejected.reason(),
                key -> new Delta(group.tenant(), group.apiKey(), deviceId));
        delta.rejected++;
        delta.lastRejection = at;
        delta.reason = rejected.reason().label();
        delta.detail = rejected.getMessage();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(flushMillis);
            } catch (InterruptedException e) {
                break;
            }
            flush();
        }
        flush();
    }

    /** Writes the counts gathered since the last flush; on failure they are kept for the next one. */
    void flush() {
        Map<DeviceKey, Delta> knownNow;
        Map<String, Delta> unknownNow;
        synchronized (this) {
            if (known.isEmpty() && unknown.isEmpty()) {
                return;
            }
            knownNow = known;
            unknownNow = unknown;
            known = new HashMap<>(Math.max(16, knownNow.size() * 4 / 3 + 1));
            unknown = new HashMap<>();
        }
        List<DeviceStore.CounterDelta> knownDeltas = new ArrayList<>();
        knownNow.values().forEach(delta -> knownDeltas.add(delta.toDelta()));
        List<DeviceStore.CounterDelta> unknownDeltas = new ArrayList<>();
        unknownNow.values().forEach(delta -> unknownDeltas.add(delta.toDelta()));
        try {
            transactions.inTransaction(connection -> {
                store.addCounters(connection, knownDeltas, unknownDeltas);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("device counters could not be written, keeping them for the next try: {}", e.toString());
            synchronized (this) {
                knownNow.forEach((key, delta) -> known.merge(key, delta, IngestCounters::sum));
                unknownNow.forEach((key, delta) -> unknown.merge(key, delta, IngestCounters::sum));
            }
        }
    }

    private static Delta sum(Delta a, Delta b) {
        a.accepted += b.accepted;
        a.rejected += b.rejected;
        a.lastMeasurement = later(a.lastMeasurement, b.lastMeasurement);
        a.lastRejection = later(a.lastRejection, b.lastRejection);
        if (b.reason != null) {
            a.reason = b.reason;
            a.detail = b.detail;
        }
        return a;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    @Override
    public void close() {
        running = false;
        flusher.interrupt();
        try {
            flusher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
