package org.meridian.rules;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.meridian.broker.BatchService;
import org.meridian.broker.BrokerCapability;
import org.meridian.broker.ContextService;
import org.meridian.broker.DiscoveryService;
import org.meridian.broker.EntityService;
import org.meridian.broker.ReadPolicies;
import org.meridian.broker.TemporalService;
import org.meridian.cases.CaseService;
import org.meridian.cases.CasesCapability;
import org.meridian.cases.WorkingCalendar;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.ngsild.TypeSummary;
import org.meridian.core.security.Caller;
import org.meridian.platform.ExpiringCache;
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Environment;
import org.meridian.platform.capability.Periodic;
import org.meridian.platform.capability.Platform;
import org.meridian.platform.db.Lease;
import org.meridian.platform.http.Routes;
import org.meridian.rules.http.RuleRoutes;
import org.meridian.rules.store.RuleStore;

/**
 * Event rules and cascades as a capability: rules over the change stream, their episodes and traces, the actions they
 * take (cases, {@code Alert} entities, entity updates, notifications), and {@code /rules/v1/}.
 */
public final class RulesCapability implements Capability {
    public static final String NAME = "rules";
    public static final String TICK_SECONDS = "MERIDIAN_RULES_TICK_SECONDS";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RulesCapability.class);
    private static final long TICK_LEASE = 0x4d455249_00000010L;
    private static final long ACTION_LEASE = 0x4d455249_00000011L;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> requires() {
        return Set.of(BrokerCapability.NAME, CasesCapability.NAME);
    }

    @Override
    public List<String> migrations() {
        return List.of("classpath:db/rules");
    }

    @Override
    public List<String> problems(Environment environment) {
        int tick = environment.integer(TICK_SECONDS, 5);
        return tick < 0 || tick > 300 ? List.of(TICK_SECONDS + " must be 0 (never)..300, not " + tick) : List.of();
    }

    @Override
    public Running start(Platform platform) {
        ContextService contexts = platform.services().require(ContextService.class);
        JsonLdContext core = contexts.core();
        EntityService entities = platform.services().require(EntityService.class);
        DiscoveryService discovery = platform.services().require(DiscoveryService.class);
        ReadPolicies policies = platform.services().require(ReadPolicies.class);
        RuleLanguage language = new RuleLanguage(core::expandTerm, ZoneId.of("Asia/Shanghai"));
        RuleStore store = new RuleStore();
        Places places = places(entities, CasesCapability.districtsOf(platform));
        RuleActions actions = new RuleActions(platform.transactions(), store, platform.services().require(CaseService.class),
                platform.services().require(BatchService.class), core, places, platform.clock());
        WorkingTimes workingTimes = workingTimes(platform.services().require(CaseService.class));
        Semaphore wake = new Semaphore(0);
        TemporalService temporal = platform.services().require(TemporalService.class);
        RuleEngine engine = new RuleEngine(platform.transactions(), store, platform.events(), platform.clock(), language, places,
                policies::scope, workingTimes, new RuleWindows(entities, temporal, places, policies::scope),
                Duration.ofSeconds(platform.environment().integer(TICK_SECONDS, 5)), wake::release);
        RuleService service = new RuleService(platform.transactions(), store, language, platform.clock(),
                (department, reads) -> unknown(discovery, department, reads),
                new RuleDryRun(temporal, places, policies::scope, workingTimes),
                caller -> categoryCodes(platform.services().require(CaseService.class), caller), platform.events(), engine::forgetRules);
        platform.services().provide(RuleService.class, service);
        engine.start();
        int tickSeconds = platform.environment().integer(TICK_SECONDS, 5);
        Lease tickLease = new Lease(platform.database().dataSource(), TICK_LEASE, "rule ticks");
        Periodic ticks = Periodic.every(Duration.ofSeconds(tickSeconds), "meridian-rule-ticks", "the rules' clock", LOG, () -> {
            if (tickLease.held()) {
                engine.tick();
            }
        });
        Lease actionLease = new Lease(platform.database().dataSource(), ACTION_LEASE, "rule actions");
        Thread runner = Thread.ofPlatform().name("meridian-rule-actions").daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    wake.tryAcquire(1, TimeUnit.SECONDS);
                    wake.drainPermits();
                    if (actionLease.held()) {
                        actions.run();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("rule actions failed now (tried again in a second): {}", e.toString());
                }
            }
        });
        AlarmFeed alarms = new AlarmFeed(platform.events());
        List<Routes> routes = List.of(new RuleRoutes(service, language, alarms));
        return new Running() {
            @Override
            public List<Routes> routes() {
                return routes;
            }

            @Override
            public void close() {
                alarms.close();
                engine.close();
                ticks.close();
                runner.interrupt();
                try {
                    runner.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                tickLease.close();
                actionLease.close();
                actions.close();
            }
        };
    }

    private static Set<String> categoryCodes(CaseService cases, Caller caller) {
        Set<String> codes = new java.util.HashSet<>();
        cases.categories(caller).forEach(category -> codes.add(category.code()));
        return codes;
    }

    /** Each tenant's working calendar as the cases keep it, read again at most once a minute. */
    private static WorkingTimes workingTimes(CaseService cases) {
        ExpiringCache<String, WorkingCalendar> calendars = new ExpiringCache<>(Duration.ofMinutes(1), 10_000);
        return tenant -> at -> calendars.get(tenant, cases::calendar).isWorkingTime(at);
    }

    /** The types and attributes the department sees none of (unknown to it: absent, or not granted). */
    private static List<String> unknown(DiscoveryService discovery, Caller department, Map<String, Set<String>> reads) {
        List<String> unknown = new ArrayList<>();
        Map<String, TypeSummary> seen = new java.util.HashMap<>();
        discovery.types(department, null).forEach(summary -> seen.put(summary.type(), summary));
        reads.forEach((type, attributes) -> {
            TypeSummary summary = seen.get(type);
            if (summary == null) {
                unknown.add("type " + type);
                return;
            }
            attributes.stream().filter(attribute -> !summary.attributeTypes().containsKey(attribute)).sorted()
                    .forEach(attribute -> unknown.add("attribute " + attribute + " of " + type));
        });
        return unknown;
    }

    /** What the rules need of an entity where it is now: its point (or null) and its relationships' objects. */
    private record Whereabouts(Places.Point point, Map<String, String> related) {
    }

    /** Locations of entities and the districts they lie in (as cases find them), read as the platform, kept a few minutes. */
    private static Places places(EntityService entities, CaseService.DistrictLocator districtAt) {
        ExpiringCache<String, Whereabouts> located = new ExpiringCache<>(Duration.ofMinutes(5), 200_000);
        ExpiringCache<String, String> districts = new ExpiringCache<>(Duration.ofMinutes(5), 200_000);
        return new Places() {
            @Override
            public Point locate(String tenant, String entity) {
                return whereabouts(tenant, entity).point();
            }

            @Override
            public String related(String tenant, String entity, String relationship) {
                return whereabouts(tenant, entity).related().get(relationship);
            }

            private Whereabouts whereabouts(String tenant, String entity) {
                return located.get(tenant + "/" + entity, key -> {
                    Point point = null;
                    Map<String, String> relationships = new java.util.HashMap<>();
                    try {
                        Entity found = entities.retrieve(Caller.system(tenant, "rules"), entity);
                        point = RuleEngine.pointOf(found.attributes().get(NgsiLd.LOCATION));
                        found.attributes().properties().forEach(attribute -> {
                            String object = RuleEngine.objectOf(attribute.getValue());
                            if (object != null) {
                                relationships.put(attribute.getKey(), object);
                            }
                        });
                    } catch (RuntimeException e) {
                        // gone, or not there yet: no place
                    }
                    return new Whereabouts(point, Map.copyOf(relationships));
                });
            }

            @Override
            public String district(String tenant, Point point) {
                return districts.get(tenant + "/" + Math.round(point.longitude() * 1e5) + "/" + Math.round(point.latitude() * 1e5),
                        key -> districtAt.districtAt(tenant, point.longitude(), point.latitude()));
            }
        };
    }
}
