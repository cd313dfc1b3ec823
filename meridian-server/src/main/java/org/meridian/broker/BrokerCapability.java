package org.meridian.broker;

import java.time.Duration;
import java.util.List;
import org.meridian.broker.delivery.DeliveryChannels;
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
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Closing;
import org.meridian.platform.capability.Environment;
import org.meridian.platform.capability.Platform;
import org.meridian.platform.capability.Services;
import org.meridian.platform.db.FreshStatistics;
import org.meridian.platform.db.Transactions;
import org.meridian.platform.http.Routes;

/**
 * The NGSI-LD context broker as a capability: its settings, tables and routes, and the services it offers others
 * (the write path for entities, batch operations, the @context store, and {@link ReadPolicies} for governing reads).
 */
public final class BrokerCapability implements Capability {
    public static final String NAME = "broker";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> migrations() {
        return List.of("classpath:db/broker");
    }

    @Override
    public List<String> problems(Environment environment) {
        return BrokerSettings.from(environment).problems();
    }

    @Override
    public Running start(Platform platform) {
        BrokerSettings settings = BrokerSettings.from(platform.environment());
        Transactions transactions = platform.transactions();
        ContextService contexts = new ContextService(transactions, new ContextDocumentStore(), settings.contextFetcher());
        if (settings.contextsDirectory() != null) {
            contexts.preload(settings.contextsDirectory());
        }
        SubscriptionStore subscriptionStore = new SubscriptionStore();
        NotificationStore notificationStore = new NotificationStore();
        EntityQueries queries = new EntityQueries(settings.maxGeoCandidates());
        QueryPlanner planner = new QueryPlanner(settings.maxQueryTerms());
        ReadPolicies policies = new ReadPolicies();
        Notifications notifications = new Notifications(platform.database().dataSource(), transactions, new OutboxStore(),
                subscriptionStore, notificationStore, contexts, queries, planner, policies,
                DeliveryChannels.standard(Duration.ofMillis(settings.notificationTimeoutMillis())), platform.clock(),
                new Notifications.Options(settings.notificationMaxFailures(), settings.maxQueryTerms()));
        TemporalEntityStore temporalEntities = new TemporalEntityStore();
        AttributeSeries series = new AttributeSeries(platform.database()::unpooledConnection, settings.historySeriesCache());
        series.bindTo(platform.metrics());
        HistoryStore history = new HistoryStore(temporalEntities, series);
        HistoryMaintenance maintenance = new HistoryMaintenance(transactions, new HistoryPartitions(), platform.clock(),
                settings.historyRetentionDays());
        FreshStatistics statistics = new FreshStatistics(transactions);
        EntityStore entityStore = new EntityStore();
        ChangeWriter writer = new ChangeWriter(transactions, entityStore, platform.tenants(), history, notificationStore,
                notifications, platform.events(), platform.clock());
        WritePolicies writes = new WritePolicies();
        EntityService entities = new EntityService(transactions, writer, entityStore, queries, platform.tenants(), policies, writes);
        BatchService batches = new BatchService(transactions, writer, entityStore, writes, settings.maxBatchSize(),
                settings.groupCommitWriters());
        TemporalService temporal = new TemporalService(transactions, entityStore, queries, history, platform.tenants(),
                temporalEntities, policies, writes, platform.clock());
        DiscoveryService discovery = new DiscoveryService(transactions, new DiscoveryStore(), platform.tenants(), policies);
        ContextSourceService contextSources = new ContextSourceService(transactions, platform.tenants(), contexts,
                settings.maxQueryTerms(), platform.clock());
        SourceIdentity identity = new SourceIdentity(transactions, platform.clock());
        Forwarder forwarder = new Forwarder(platform.clock());
        contextSources.whenChanged(forwarder::forget);
        CsourceNotifier csourceNotifier = new CsourceNotifier(transactions, org.meridian.broker.store.ContextSourceStore.subscriptions(),
                contexts, settings.maxQueryTerms(), platform.clock(),
                DeliveryChannels.standard(Duration.ofMillis(settings.notificationTimeoutMillis())), contextSources::versions);
        contextSources.notifyThrough(csourceNotifier);
        DistributedReads distributed = new DistributedReads(contextSources, forwarder, identity, policies);
        BrokerRoutes routes = new BrokerRoutes(entities, batches, discovery,
                new SubscriptionService(transactions, subscriptionStore, platform.tenants(), settings.maxQueryTerms(), platform.clock()),
                new NotificationStream(transactions, notificationStore, subscriptionStore, platform.tenants(), platform.clock()),
                temporal, contexts, planner, settings.defaultLimit(), settings.maxLimit(), settings.temporalMaxInstances(),
                contextSources, identity, distributed,
                new DistributedDiscovery(contextSources, forwarder, identity, policies, contexts.core()),
                new DistributedWrites(contextSources, forwarder, identity, writes));
        Services services = platform.services();
        services.provide(ContextService.class, contexts);
        services.provide(MeasurementWriter.class, new MeasurementWriter(writer, writes, transactions, entityStore));
        services.provide(BatchService.class, batches);
        services.provide(EntityService.class, entities);
        services.provide(DiscoveryService.class, discovery);
        services.provide(SourceIdentity.class, identity);
        services.provide(ContextSourceService.class, contextSources);
        services.provide(TemporalService.class, temporal);
        services.provide(ReadPolicies.class, policies);
        services.provide(WritePolicies.class, writes);
        try {
            maintenance.start(); // the history's partitions, before the first write (ingest may write before HTTP listens)
        } catch (RuntimeException e) {
            Closing.all(batches, notifications, statistics, series, forwarder, csourceNotifier);
            throw e;
        }
        return new Running() {
            @Override
            public List<Routes> routes() {
                return List.of(routes);
            }

            @Override
            public void serving(int httpPort) {
                contexts.setPublicUrl(settings.effectivePublicUrl(httpPort));
                notifications.start();
            }

            @Override
            public void close() {
                // Writes in flight first (group commit), then what delivers and maintains.
                Closing.all(batches, notifications, maintenance, statistics, series, forwarder, csourceNotifier);
            }
        };
    }
}
