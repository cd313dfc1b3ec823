package org.meridian.sharing;

import java.util.List;
import org.meridian.broker.BrokerCapability;
import org.meridian.broker.ContextService;
import org.meridian.broker.DiscoveryService;
import org.meridian.broker.EntityService;
import org.meridian.broker.ReadPolicies;
import org.meridian.broker.TemporalService;
import org.meridian.broker.WritePolicies;
import org.meridian.identity.IdentityCapability;
import org.meridian.identity.Administration;
import org.meridian.identity.IdentityService;
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Periodic;
import org.meridian.platform.capability.Platform;
import org.meridian.platform.http.Routes;
import org.meridian.sharing.http.OpenDataRoutes;
import org.meridian.sharing.http.SharingRoutes;
import org.meridian.sharing.store.LedgerStore;
import org.meridian.sharing.store.SharingStore;

/**
 * Governed sharing as a capability: its tables, {@code /sharing/v1/}, and the read and write policies it adds to the
 * broker's seams, so that every read and write of the hub is governed without the broker knowing about departments.
 */
public final class SharingCapability implements Capability {
    public static final String NAME = "sharing";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SharingCapability.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public java.util.Set<String> requires() {
        return java.util.Set.of(BrokerCapability.NAME, IdentityCapability.NAME);
    }

    @Override
    public List<String> migrations() {
        return List.of("classpath:db/sharing");
    }

    @Override
    public Running start(Platform platform) {
        LedgerStore ledgerStore = new LedgerStore();
        ReadPolicies policies = platform.services().require(ReadPolicies.class);
        Sharing sharing = new Sharing(platform.transactions(), new SharingStore(), new Ledger(ledgerStore, platform.clock()),
                ledgerStore, platform.services().require(IdentityService.class), platform.clock(), policies::forgetOwnerScopes);
        IdentityService identity = platform.services().require(IdentityService.class);
        policies.add(sharing);
        // A subscription notifies as its owner is now (roles, departments, disabled), not as it was when it subscribed.
        policies.refreshOwnersWith(identity::current);
        platform.services().require(Administration.class).whenRightsChange(policies::forgetOwnerScopes);
        platform.services().require(WritePolicies.class).add(sharing);
        platform.services().provide(Sharing.class, sharing);
        // What subscriptions notified goes to the ledger once a minute (matching runs inside writes: see NotificationTally).
        Periodic tally = Periodic.every(java.time.Duration.ofMinutes(1), "meridian-ledger-notifications",
                "recording what subscriptions notified in the exchange ledger", LOG, sharing::flushNotifications);
        ContextService contexts = platform.services().require(ContextService.class);
        Catalogue catalogue = new Catalogue(sharing, platform.services().require(DiscoveryService.class), platform.clock());
        platform.services().provide(Catalogue.class, catalogue);
        List<Routes> routes = List.of(new SharingRoutes(sharing, catalogue, contexts),
                new OpenDataRoutes(sharing, platform.services().require(EntityService.class),
                        platform.services().require(TemporalService.class), contexts, platform.clock()));
        return new Running() {
            @Override
            public List<Routes> routes() {
                return routes;
            }

            @Override
            public void close() {
                tally.close();
                sharing.close();
            }
        };
    }
}
