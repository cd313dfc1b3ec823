package org.meridian.broker.http;

import io.javalin.config.RoutesConfig;
import org.meridian.broker.BatchService;
import org.meridian.broker.ContextService;
import org.meridian.broker.ContextSourceService;
import org.meridian.broker.DiscoveryService;
import org.meridian.broker.DistributedDiscovery;
import org.meridian.broker.DistributedReads;
import org.meridian.broker.DistributedWrites;
import org.meridian.broker.EntityService;
import org.meridian.broker.NotificationStream;
import org.meridian.broker.QueryPlanner;
import org.meridian.broker.SourceIdentity;
import org.meridian.broker.SubscriptionService;
import org.meridian.broker.TemporalService;
import org.meridian.platform.http.Routes;

/** The NGSI-LD API under /ngsi-ld/v1: what the broker contributes to the HTTP server. */
public final class BrokerRoutes implements Routes {
    private final Routes[] parts;

    public BrokerRoutes(EntityService entities, BatchService batches, DiscoveryService discovery, SubscriptionService subscriptions,
                        NotificationStream stream, TemporalService temporal, ContextService contexts, QueryPlanner planner,
                        int defaultLimit, int maxLimit, int temporalMaxInstances, ContextSourceService contextSources,
                        SourceIdentity identity, DistributedReads distributed, DistributedDiscovery distributedDiscovery,
                        DistributedWrites writes) {
        EntityRoutes.Limits limits = new EntityRoutes.Limits(defaultLimit, maxLimit, temporalMaxInstances);
        EntityRoutes entityRoutes = new EntityRoutes(entities, batches, contexts, planner, limits, distributed, writes);
        this.parts = new Routes[] {
                entityRoutes,
                new BatchRoutes(batches, contexts, entityRoutes, writes),
                new DiscoveryRoutes(discovery, contexts, distributedDiscovery),
                new SubscriptionRoutes(subscriptions, stream, contexts, limits),
                new TemporalRoutes(temporal, contexts, planner, limits, distributed),
                new ContextRoutes(contexts),
                new ContextSourceRoutes(contextSources, identity, contexts, limits)};
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.beforeMatched(EntityRoutes.BASE + "/*", KnownParameters::check);
        for (Routes part : parts) {
            part.register(routes);
        }
    }
}
