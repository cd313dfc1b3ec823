package org.meridian.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import org.meridian.broker.MeasurementWriter;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.ingest.store.DeviceStore;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;

/** The ingest capability, wired: provisioning, the measurement pipeline, device sign-in and counters. */
public final class Ingest implements AutoCloseable {
    private final DeviceRegistry registry;
    private final IngestCounters counters;
    private final IngestPipeline pipeline;
    private final ProvisioningService provisioning;

    public Ingest(Transactions transactions, TenantStore tenants, MeasurementWriter writer, JsonLdContext coreContext,
                  IngestPipeline.Options options, MeterRegistry meters, Clock clock) {
        DeviceStore store = new DeviceStore();
        this.registry = new DeviceRegistry(transactions, store);
        this.counters = new IngestCounters(transactions, store, 5_000);
        this.pipeline = new IngestPipeline(transactions, registry, writer, counters, coreContext, options, meters);
        this.provisioning = new ProvisioningService(transactions, store, tenants, writer, clock);
    }

    public void start() {
        counters.start();
        pipeline.start();
    }

    public IngestPipeline pipeline() {
        return pipeline;
    }

    public ProvisioningService provisioning() {
        return provisioning;
    }

    /** Checks MQTT credentials; empty when they are wrong. */
    public Optional<Principal> authenticate(String username, String password) {
        return registry.authenticate(username, password);
    }

    /**
     * Checks the credentials sent with an HTTP measurement for the device {@code deviceId} of group {@code apiKey}: the
     * group's gateway (username = the API key, password = its gateway secret) or the device itself (username = its id,
     * password = its own, or the group's API key when it has none). Empty when they are wrong or are another's.
     */
    public Optional<Principal> authenticateFor(String apiKey, String deviceId, String username, String password) {
        if (username == null || password == null || username.length() > 256 || password.length() > 256) {
            return Optional.empty();
        }
        return registry.authenticateFor(apiKey, deviceId, username, password);
    }

    /** Writes the counters now (tests and shutdown). */
    public void flushCounters() {
        counters.flush();
    }

    @Override
    public void close() {
        pipeline.close();
        counters.close();
    }
}
