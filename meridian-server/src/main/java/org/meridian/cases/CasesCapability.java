package org.meridian.cases;

import java.util.List;
import java.util.Set;
import org.meridian.broker.BatchService;
import org.meridian.broker.BrokerCapability;
import org.meridian.broker.ContextService;
import org.meridian.broker.EntityService;
import org.meridian.broker.QueryPlanner;
import org.meridian.broker.QueryRequest;
import org.meridian.cases.http.CaseRoutes;
import org.meridian.cases.http.Open311Routes;
import org.meridian.cases.store.CaseStore;
import org.meridian.cases.store.CatalogueStore;
import org.meridian.identity.IdentityCapability;
import org.meridian.identity.IdentityService;
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Periodic;
import org.meridian.platform.capability.Platform;
import org.meridian.platform.http.Routes;

/**
 * Collaborative case handling (协同处置) as a capability: its tables (each case an event log), {@code /cases/v1/},
 * and the service other capabilities (rules, Open311) open cases through.
 */
public final class CasesCapability implements Capability {
    public static final String NAME = "cases";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CasesCapability.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> requires() {
        return Set.of(BrokerCapability.NAME, IdentityCapability.NAME);
    }

    @Override
    public List<String> migrations() {
        return List.of("classpath:db/cases");
    }

    @Override
    public List<String> problems(org.meridian.platform.capability.Environment environment) {
        return CaseSettings.from(environment).problems();
    }

    /**
     * The district a place lies in: the tenant's {@code District} entity whose location contains it (the demo city's,
     * a city's own boundaries), named by the last part of its id (urn:ngsi-ld:District:xihu is xihu); none when there
     * is none or the query fails (the report is taken all the same, routed as for anywhere).
     */
    public static CaseService.DistrictLocator districtsOf(Platform platform) {
        EntityService entities = platform.services().require(EntityService.class);
        org.meridian.core.jsonld.JsonLdContext core = platform.services().require(ContextService.class).core();
        QueryPlanner planner = new QueryPlanner(10);
        return (tenant, longitude, latitude) -> {
            try {
                var selection = planner.plan(new QueryRequest(null, null, "District", null, null, "contains", "Point",
                        "[" + longitude + "," + latitude + "]", null, List.of("name")), core);
                var found = entities.query(org.meridian.core.security.Caller.system(tenant, "cases"), selection, 1, 0, false).entities();
                if (found.isEmpty()) {
                    return null;
                }
                String id = found.getFirst().id();
                return id.substring(id.lastIndexOf(':') + 1);
            } catch (RuntimeException e) {
                LOG.warn("the district of a report at {},{} could not be found: {}", longitude, latitude, e.toString());
                return null;
            }
        };
    }

    @Override
    public Running start(Platform platform) {
        CaseSettings settings = CaseSettings.from(platform.environment());
        IdentityService identity = platform.services().require(IdentityService.class);
        ServiceRequests entities = new ServiceRequests(platform.services().require(BatchService.class),
                platform.services().require(ContextService.class).core());
        CaseService cases = new CaseService(platform.transactions(), new CaseStore(), new CatalogueStore(),
                identity::departmentExists, platform.clock(), entities::publish);
        cases.locateDistrictsWith(districtsOf(platform));
        platform.services().provide(CaseService.class, cases);
        platform.services().provide(CaseReferrals.class, new CaseReferrals(cases));
        PublicCases published = new PublicCases(platform.transactions(), new CaseStore(), new CatalogueStore());
        platform.services().provide(PublicCases.class, published);
        List<Routes> routes = List.of(new CaseRoutes(cases), new Open311Routes(published, cases, identity::apiKeyCaller,
                settings.jurisdiction(), settings.contact()));
        // The clock's own actions on cases: reminders, supervision, escalation, every minute (each node; a case is
        // locked while it is decided, so two nodes cannot remind it twice); and the entities a crash left behind.
        Periodic watch = Periodic.every(java.time.Duration.ofSeconds(settings.watchSeconds()), "meridian-case-watch",
                "watching case deadlines", LOG, () -> {
                    cases.watchDeadlines();
                    cases.republishBehind(500);
                });
        return new Running() {
            @Override
            public List<Routes> routes() {
                return routes;
            }

            @Override
            public void close() {
                watch.close();
            }
        };
    }
}
