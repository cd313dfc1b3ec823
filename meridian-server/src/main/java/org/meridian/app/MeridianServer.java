package org.meridian.app;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.meridian.broker.BatchService;
import org.meridian.broker.ChangeWriter;
import org.meridian.broker.ContextService;
import org.meridian.broker.DiscoveryService;
import org.meridian.broker.EntityService;
import org.meridian.broker.HistoryMaintenance;
import org.meridian.broker.MeasurementWriter;
import org.meridian.broker.NotificationStream;
import org.meridian.broker.Notifications;
import org.meridian.broker.QueryPlanner;
import org.meridian.broker.SubscriptionService;
import org.meridian.broker.TemporalService;
import org.meridian.broker.http.BrokerRoutes;
import org.meridian.broker.store.AttributeSeries;
import org.meridian.broker.store.ContextDocumentStore;
import org.meridian.broker.store.DiscoveryStore;
import org.meridian.broker.store.EntityQueries;
import org.meridian.broker.store.EntityStore;
import org.meridian.broker.store.HistoryPartitions;
import org.meridian.broker.store.HistoryStore;
import org.meridian.broker.store.NotificationStore;
import org.meridian.broker.store.OutboxStore;
import org.meridian.broker.store.SubscriptionStore;
import org.meridian.broker.store.TemporalEntityStore;
import org.meridian.ingest.BulkImport;
import org.meridian.ingest.Ingest;
import org.meridian.ingest.http.IngestRoutes;
import org.meridian.ingest.IngestPipeline;
import org.meridian.ingest.mqtt.EmbeddedMqttBroker;
import org.meridian.ingest.mqtt.ExternalMqttIngest;
import org.meridian.ingest.store.ImportMappingStore;
import org.meridian.platform.bus.EventBus;
import org.meridian.platform.bus.LogEventBus;
import org.meridian.platform.db.Database;
import org.meridian.platform.db.FreshStatistics;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;
import org.meridian.platform.http.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the parts together: database, services, HTTP. Closing stops them in reverse order. */
public final class MeridianServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MeridianServer.class);

    private final Database database;
    private final HttpServer http;
    private final BatchService batches;
    private final Notifications notifications;
    private final HistoryMaintenance maintenance;
    private final Ingest ingest;
    private final EmbeddedMqttBroker embeddedMqtt;
    private final ExternalMqttIngest externalMqtt;
    private final AttributeSeries series;
    private final FreshStatistics statistics;
    private final EventBus bus;

    private MeridianServer(EventBus bus, Database database, HttpServer http, BatchService batches, Notifications notifications, HistoryMaintenance maintenance,
                           Ingest ingest, EmbeddedMqttBroker embeddedMqtt, ExternalMqttIngest externalMqtt, AttributeSeries series,
                           FreshStatistics statistics) {
        this.bus = bus;
        this.database = database;
        this.statistics = statistics;
        this.series = series;
        this.http = http;
        this.batches = batches;
        this.notifications = notifications;
        this.maintenance = maintenance;
        this.ingest = ingest;
        this.embeddedMqtt = embeddedMqtt;
        this.externalMqtt = externalMqtt;
    }

    public static MeridianServer start(Settings settings) {
        settings.validate();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Database database = Database.open(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword(),
                settings.dataDirectory(), settings.databasePoolSize(), registry);
        try {
            Transactions transactions = new Transactions(database.dataSource(), database::isReachable);
            TenantStore tenants = new TenantStore();
            ContextService contexts = new ContextService(transactions, new ContextDocumentStore());
            if (settings.contextsDirectory() != null) {
                contexts.preload(settings.contextsDirectory());
            }
            Clock clock = Clock.systemUTC();
            SubscriptionStore subscriptionStore = new SubscriptionStore();
            OutboxStore outbox = new OutboxStore();
            NotificationStore notificationStore = new NotificationStore();
            EntityQueries queries = new EntityQueries(settings.maxGeoCandidates());
            QueryPlanner planner = new QueryPlanner(settings.maxQueryTerms());
            Notifications notifications = new Notifications(database.dataSource(), transactions, outbox, subscriptionStore,
                    notificationStore, contexts, queries, planner, clock, new Notifications.Options(settings.notificationMaxFailures(),
                    Duration.ofMillis(settings.notificationTimeoutMillis()), settings.maxQueryTerms()));
            TemporalEntityStore temporalEntities = new TemporalEntityStore();
            AttributeSeries series = new AttributeSeries(database::unpooledConnection, settings.historySeriesCache());
            series.bindTo(registry);
            HistoryStore history = new HistoryStore(temporalEntities, series);
            HistoryMaintenance maintenance = new HistoryMaintenance(transactions, new HistoryPartitions(), clock, settings.historyRetentionDays());
            maintenance.start();
            FreshStatistics statistics = new FreshStatistics(transactions);
            EntityStore entityStore = new EntityStore();
            LogEventBus bus = new LogEventBus(database.dataSource(), new LogEventBus.Options(
                    Duration.ofHours(settings.eventRetentionHours()), Duration.ofMinutes(2), 500, Duration.ofMillis(250)));
            ChangeWriter writer = new ChangeWriter(transactions, entityStore, tenants, history, notificationStore, notifications,
                    bus, clock);
            EntityService entities = new EntityService(transactions, writer, entityStore, queries, tenants);
            Settings.Ingest ingestSettings = settings.ingest();
            Ingest ingest = new Ingest(transactions, tenants, new MeasurementWriter(writer), contexts.core(),
                    new IngestPipeline.Options(ingestSettings.writers(), ingestSettings.queueCapacity(), ingestSettings.maxBatch(),
                            ingestSettings.maxPayloadBytes()), registry, clock);
            ingest.start();
            BatchService batches = new BatchService(writer, settings.maxBatchSize(), settings.groupCommitWriters());
            BrokerRoutes broker = new BrokerRoutes(entities, batches, new DiscoveryService(transactions, new DiscoveryStore(), tenants),
                    new SubscriptionService(transactions, subscriptionStore, tenants, settings.maxQueryTerms(), clock),
                    new NotificationStream(transactions, notificationStore, subscriptionStore, tenants, clock),
                    new TemporalService(transactions, entityStore, queries, history, tenants, temporalEntities, clock), contexts,
                    planner, settings.defaultLimit(), settings.maxLimit());
            IngestRoutes devices = new IngestRoutes(ingest,
                    new BulkImport(transactions, new ImportMappingStore(), tenants, batches, clock), contexts);
            HttpServer http = HttpServer.start(List.of(broker, devices), new HttpServer.Options(settings.host(), settings.port(),
                    settings.maxBodyBytes(), settings.headerTimeoutMillis()), database::isReachable, registry);
            contexts.setPublicUrl(settings.effectivePublicUrl(http.port()));
            notifications.start();
            EmbeddedMqttBroker embedded = null;
            ExternalMqttIngest external = null;
            if (ingestSettings.brokerUrl() != null) {
                external = ExternalMqttIngest.start(ingest, new ExternalMqttIngest.Options(ingestSettings.brokerUrl(),
                        ingestSettings.brokerClientId(), ingestSettings.brokerUsername(), ingestSettings.brokerPassword()), clock);
            } else if (ingestSettings.mqttPort() >= 0) {
                embedded = EmbeddedMqttBroker.start(ingest, settings.host(), ingestSettings.mqttPort(), clock);
            }
            return new MeridianServer(bus, database, http, batches, notifications, maintenance, ingest, embedded, external, series,
                    statistics);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** The embedded MQTT endpoint's port, or -1 when it is off (external broker, or MERIDIAN_MQTT_PORT=-1). */
    public int mqttPort() {
        return embeddedMqtt == null ? -1 : embeddedMqtt.port();
    }

    /** The change stream: every committed change, for consumers in this process. */
    public EventBus events() {
        return bus;
    }

    public Ingest ingest() {
        return ingest;
    }

    /** The database the server runs on, for tools and tests that look at what is stored. */
    public javax.sql.DataSource dataSource() {
        return database.dataSource();
    }

    @Override
    public void close() {
        LOG.info("stopping: finishing requests in flight, then the database");
        // Each part stops on its own: one that fails to stop must not leave the database running behind it.
        stop("HTTP", http);
        stop("the MQTT endpoint", embeddedMqtt);
        stop("the MQTT subscriber", externalMqtt);
        stop("ingest", ingest);
        stop("group commit", batches);
        stop("notifications", notifications);
        stop("history maintenance", maintenance);
        stop("the change stream", bus);
        stop("statistics", statistics);
        stop("attribute series", series);
        stop("the database", database);
        LOG.info("stopped");
    }

    private static void stop(String what, AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            LOG.warn("{} did not stop cleanly: {}", what, e.toString());
        }
    }
}
