package org.meridian.ingest;

import java.util.List;
import java.util.Set;
import org.meridian.broker.BatchService;
import org.meridian.broker.BrokerCapability;
import org.meridian.broker.ContextService;
import org.meridian.broker.MeasurementWriter;
import org.meridian.ingest.http.IngestRoutes;
import org.meridian.ingest.mqtt.EmbeddedMqttBroker;
import org.meridian.ingest.mqtt.ExternalMqttIngest;
import org.meridian.ingest.store.ImportMappingStore;
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Closing;
import org.meridian.platform.capability.Environment;
import org.meridian.platform.capability.Platform;
import org.meridian.platform.http.Routes;

/**
 * Device ingest as a capability: the southbound (the embedded MQTT endpoint or an external broker, HTTP), devices and
 * their service groups, bulk import. It writes through the broker's services.
 */
public final class IngestCapability implements Capability {

    /** Where devices reach this node over MQTT: the embedded endpoint's port, or -1 when it is off. */
    public record Endpoints(int mqttPort, String externalBrokerUrl) {
    }

    public static final String NAME = "ingest";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> requires() {
        return Set.of(BrokerCapability.NAME);
    }

    @Override
    public List<String> migrations() {
        return List.of("classpath:db/ingest");
    }

    @Override
    public List<String> problems(Environment environment) {
        return IngestSettings.from(environment).problems();
    }

    @Override
    public Running start(Platform platform) {
        IngestSettings settings = IngestSettings.from(platform.environment());
        ContextService contexts = platform.services().require(ContextService.class);
        Ingest ingest = new Ingest(platform.transactions(), platform.tenants(),
                platform.services().require(MeasurementWriter.class), contexts.core(),
                new IngestPipeline.Options(settings.writers(), settings.queueCapacity(), settings.maxBatch(),
                        settings.maxPayloadBytes()), platform.metrics(), platform.clock());
        ingest.start();
        IngestRoutes routes = new IngestRoutes(ingest, new BulkImport(platform.transactions(), new ImportMappingStore(),
                platform.tenants(), platform.services().require(BatchService.class), platform.clock()), contexts);
        EmbeddedMqttBroker embedded = null;
        ExternalMqttIngest external = null;
        try {
            if (settings.brokerUrl() != null) {
                external = ExternalMqttIngest.start(ingest, new ExternalMqttIngest.Options(settings.brokerUrl(),
                        settings.brokerClientId(), settings.brokerUsername(), settings.brokerPassword()), platform.clock());
            } else if (settings.mqttPort() >= 0) {
                embedded = EmbeddedMqttBroker.start(ingest, platform.host(), settings.mqttPort(), platform.clock());
            }
        } catch (RuntimeException e) {
            ingest.close(); // the port is taken, say: the pipeline started above stops again
            throw e;
        }
        platform.services().provide(Ingest.class, ingest);
        platform.services().provide(Endpoints.class,
                new Endpoints(embedded == null ? -1 : embedded.port(), settings.brokerUrl()));
        EmbeddedMqttBroker mqtt = embedded;
        ExternalMqttIngest subscriber = external;
        return new Running() {
            @Override
            public List<Routes> routes() {
                return List.of(routes);
            }

            @Override
            public void close() {
                // No new measurements first, then those queued are written.
                Closing.all(mqtt, subscriber, ingest);
            }
        };
    }
}
