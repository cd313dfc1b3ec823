package org.meridian.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.meridian.broker.MeasurementWriter;
import org.meridian.core.error.MeridianException;
import org.meridian.core.ingest.Device;
import org.meridian.core.ingest.MeasurementMapper;
import org.meridian.core.ingest.MeasurementRejected;
import org.meridian.core.ingest.ServiceGroup;
import org.meridian.core.ingest.StoredGroup;
import org.meridian.core.json.Json;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.security.Caller;
import org.meridian.platform.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The southbound path: measurements from MQTT and HTTP are queued, checked against the provisioning, mapped to
 * attributes and written in batches. A measurement's future completes only after its batch committed (MQTT acknowledges
 * QoS 1 then, HTTP answers then), so an acknowledged measurement is stored. Each writer owns a share of the devices,
 * so one device's measurements are written in the order they arrived.
 */
public final class IngestPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestPipeline.class);

    /** A measurement as received; {@code key} is set for a single value published on {@code .../attrs/{key}}. */
    public record Raw(String transport, String apiKey, String deviceId, String key, byte[] payload, Instant receivedAt) {
    }

    /** What became of a measurement. */
    public sealed interface Outcome {
        record Accepted() implements Outcome {
        }

        record Rejected(MeasurementRejected.Reason reason, String detail) implements Outcome {
        }
    }

    /** Limits and sizes, from the settings. */
    public record Options(int writers, int queueCapacity, int maxBatch, int maxPayloadBytes) {
    }

    private record Pending(Raw raw, CompletableFuture<Outcome> outcome) {
    }

    private final Transactions transactions;
    private final DeviceRegistry registry;
    private final MeasurementWriter writer;
    private final IngestCounters counters;
    private final JsonLdContext context;
    private final Options options;
    private final List<BlockingQueue<Pending>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final MeterRegistry meters;
    private final Map<MeasurementRejected.Reason, Counter> rejections = new EnumMap<>(MeasurementRejected.Reason.class);
    private final Timer batchTimer;
    private final Timer delay;
    private final Map<String, Counter> accepted = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running = true;

    IngestPipeline(Transactions transactions, DeviceRegistry registry, MeasurementWriter writer, IngestCounters counters,
                   JsonLdContext context, Options options, MeterRegistry meters) {
        this.transactions = transactions;
        this.registry = registry;
        this.writer = writer;
        this.counters = counters;
        this.context = context;
        this.options = options;
        this.meters = meters;
        for (MeasurementRejected.Reason reason : MeasurementRejected.Reason.values()) {
            rejections.put(reason, Counter.builder("meridian.ingest.rejected").tag("reason", reason.label())
                    .description("Measurements rejected, by reason").register(meters));
        }
        batchTimer = Timer.builder("meridian.ingest.batch").description("Writing one batch of measurements").register(meters);
        delay = Timer.builder("meridian.ingest.delay").publishPercentiles(0.5, 0.99)
                .description("From a measurement's observation time (its TimeInstant, else its receipt) to its commit")
                .register(meters);
        for (int i = 0; i < options.writers(); i++) {
            BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(options.queueCapacity());
            queues.add(queue);
            meters.gauge("meridian.ingest.queue", List.of(io.micrometer.core.instrument.Tag.of("writer", String.valueOf(i))),
                    queue, BlockingQueue::size);
        }
    }

    void start() {
        for (int i = 0; i < queues.size(); i++) {
            BlockingQueue<Pending> queue = queues.get(i);
            threads.add(Thread.ofPlatform().name("meridian-ingest-" + i).daemon().start(() -> run(queue)));
        }
    }

    /** Queues a measurement; a full queue rejects it at once (overloaded) rather than letting memory grow. */
    public CompletableFuture<Outcome> submit(Raw raw) {
        return submit(raw, Duration.ZERO);
    }

    /**
     * Queues a measurement, waiting up to {@code wait} for room: a subscriber to an external broker blocks here, which
     * stops it reading, so the broker holds the messages instead of this process.
     */
    public CompletableFuture<Outcome> submit(Raw raw, Duration wait) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        int writerIndex = Math.floorMod((raw.apiKey() + "/" + raw.deviceId()).hashCode(), queues.size());
        boolean queued;
        try {
            queued = running && queues.get(writerIndex).offer(new Pending(raw, outcome), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queued = false;
        }
        if (!queued) {
            outcome.complete(reject(raw, null, new MeasurementRejected(MeasurementRejected.Reason.OVERLOADED,
                    "The ingest queue is full; send again later")));
        }
        return outcome;
    }

    private void run(BlockingQueue<Pending> queue) {
        List<Pending> batch = new ArrayList<>(options.maxBatch());
        while (running) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, options.maxBatch() - 1);
                batchTimer.record(() -> write(batch));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The database failed: nothing of the batch is acknowledged; MQTT clients send again, HTTP callers see 503.
                LOG.warn("writing {} measurements failed: {}", batch.size(), e.toString());
                batch.forEach(pending -> pending.outcome().completeExceptionally(e));
                sleepQuietly(500);
            } finally {
                batch.clear();
            }
        }
    }

    private record Checked(Pending pending, Device device, MeasurementWriter.Update update, Instant observedAt) {
    }

    private void write(List<Pending> batch) {
        Map<String, List<Checked>> byTenant = new LinkedHashMap<>();
        List<String> apiKeys = new ArrayList<>(batch.size());
        List<String> deviceIds = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            apiKeys.add(pending.raw().apiKey());
            deviceIds.add(pending.raw().deviceId());
        }
        transactions.readOnly(connection -> {
            registry.refresh(connection);
            registry.prefetch(connection, apiKeys, deviceIds);
            for (Pending pending : batch) {
                Checked checked = check(connection, pending);
                if (checked != null) {
                    byTenant.computeIfAbsent(checked.device().tenant(), t -> new ArrayList<>()).add(checked);
                }
            }
            return null;
        });
        for (Map.Entry<String, List<Checked>> tenant : byTenant.entrySet()) {
            List<Checked> written = writeIsolatingRefusals(tenant.getKey(), tenant.getValue());
            Instant committed = Instant.now();
            List<Device> devices = new ArrayList<>(written.size());
            List<Instant> received = new ArrayList<>(written.size());
            for (Checked checked : written) {
                delay.record(Duration.between(checked.observedAt(), committed));
                devices.add(checked.device());
                received.add(checked.pending().raw().receivedAt());
                accepted.computeIfAbsent(checked.pending().raw().transport(), transport -> Counter.builder("meridian.ingest.accepted")
                        .tag("transport", transport).description("Measurements stored").register(meters)).increment();
            }
            // Counted before they are answered, so a flush of the counters right after an answer includes it.
            counters.accepted(devices, received);
            written.forEach(checked -> checked.pending().outcome().complete(new Outcome.Accepted()));
        }
    }

    /**
     * Writes a tenant's measurements in one transaction. Should the database refuse a value that the checks let
     * through (a data exception), the batch is written again one measurement at a time, so only the refused one is
     * rejected, counted and acknowledged, instead of every device on this writer being answered "not stored" and
     * resending forever. Returns the measurements written.
     */
    private List<Checked> writeIsolatingRefusals(String tenant, List<Checked> checked) {
        try {
            writer.write(Caller.system(tenant, "device ingest"), checked.stream().map(Checked::update).toList());
            return checked;
        } catch (MeridianException e) {
            if (!refusedData(e)) {
                throw e;
            }
            if (checked.size() == 1) {
                Checked only = checked.getFirst();
                only.pending().outcome().complete(reject(only.pending().raw(), only.device(), new MeasurementRejected(
                        MeasurementRejected.Reason.MALFORMED, "The database refused a value: " + e.getCause().getMessage())));
                return List.of();
            }
            LOG.warn("the database refused a value in a batch of {} measurements; writing them one by one: {}",
                    checked.size(), e.getCause().getMessage());
            List<Checked> written = new ArrayList<>();
            for (Checked one : checked) {
                written.addAll(writeIsolatingRefusals(tenant, List.of(one)));
            }
            return written;
        }
    }

    /** SQLSTATE class 22, data exception: this input, not the database's state, is at fault. */
    private static boolean refusedData(MeridianException e) {
        return e.getCause() instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22");
    }

    /** Checks and maps one measurement; a rejection completes its future and returns null. */
    private Checked check(Connection connection, Pending pending) throws SQLException {
        Raw raw = pending.raw();
        Optional<StoredGroup> group = registry.group(connection, raw.apiKey());
        if (group.isEmpty()) {
            pending.outcome().complete(reject(raw, null, new MeasurementRejected(MeasurementRejected.Reason.UNKNOWN_DEVICE,
                    "No device " + raw.deviceId() + " with that API key")));
            return null;
        }
        Optional<DeviceRegistry.Known> device = registry.device(connection, raw.apiKey(), raw.deviceId());
        if (device.isEmpty()) {
            MeasurementRejected unknown = new MeasurementRejected(MeasurementRejected.Reason.UNKNOWN_DEVICE,
                    "No device " + raw.deviceId() + " with that API key");
            counters.unknownDevice(group.get().group(), raw.deviceId(), unknown, raw.receivedAt());
            pending.outcome().complete(reject(raw, null, unknown));
            return null;
        }
        ServiceGroup serviceGroup = group.get().group();
        Device known = device.get().device();
        try {
            // Checked here rather than on receipt, so an oversized payload counts against its device.
            if (raw.payload().length > options.maxPayloadBytes()) {
                throw new MeasurementRejected(MeasurementRejected.Reason.TOO_LARGE, "The measurement has " + raw.payload().length
                        + " bytes; at most " + options.maxPayloadBytes() + " are accepted (MERIDIAN_INGEST_MAX_PAYLOAD_BYTES)");
            }
            JsonNode payload;
            try {
                payload = Json.parseBytes(raw.payload());
            } catch (MeridianException e) {
                throw new MeasurementRejected(MeasurementRejected.Reason.MALFORMED, e.detail());
            }
            MeasurementMapper.Mapped mapped = raw.key() == null
                    ? MeasurementMapper.map(serviceGroup, known, payload, raw.receivedAt(), context)
                    : MeasurementMapper.mapSingle(serviceGroup, known, raw.key(), payload, raw.receivedAt(), context);
            DeviceRegistry.Known cached = device.get();
            java.util.function.Supplier<ObjectNode> statics = () -> {
                ObjectNode merged = serviceGroup.staticAttributes().deepCopy();
                merged.setAll(cached.parseStaticAttributes());
                return merged;
            };
            return new Checked(pending, known, new MeasurementWriter.Update(known.entityId(), known.entityType(),
                    statics, mapped.attributes(), raw.receivedAt()), mapped.observedAt());
        } catch (MeasurementRejected rejected) {
            pending.outcome().complete(reject(raw, known, rejected));
            return null;
        }
    }

    private Outcome reject(Raw raw, Device device, MeasurementRejected rejected) {
        rejections.get(rejected.reason()).increment();
        if (device != null) {
            counters.rejected(device, rejected, raw.receivedAt());
        }
        return new Outcome.Rejected(rejected.reason(), rejected.getMessage());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops taking measurements: the batches being written finish, what is still queued is answered "not stored" at
     * once (MQTT clients send it again, unacknowledged, after reconnecting; HTTP callers get 503) rather than holding
     * up the stop for as long as a full queue takes to write.
     */
    @Override
    public void close() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        IllegalStateException stopping = new IllegalStateException("the server is stopping");
        for (BlockingQueue<Pending> queue : queues) {
            for (Pending pending = queue.poll(); pending != null; pending = queue.poll()) {
                pending.outcome().completeExceptionally(stopping);
            }
        }
    }
}
