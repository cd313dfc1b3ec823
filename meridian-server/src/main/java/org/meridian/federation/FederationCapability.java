package org.meridian.federation;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.meridian.broker.BrokerCapability;
import org.meridian.broker.BrokerSettings;
import org.meridian.broker.DiscoveryService;
import org.meridian.broker.SourceIdentity;
import org.meridian.core.geo.GeoJson;
import org.meridian.core.json.Json;
import java.util.Map;
import java.util.TreeMap;
import org.meridian.broker.ContextSourceService;
import org.meridian.core.csource.Registration;
import org.meridian.core.csource.RegistrationFilter;
import org.meridian.core.ngsild.TypeSummary;
import org.meridian.core.security.Caller;
import org.meridian.identity.Administration;
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Periodic;
import org.meridian.platform.capability.Platform;

/**
 * A node's place in the hierarchy of district, city and province nodes: with a parent configured, the node registers
 * with it as a context source of what it holds, within its boundary, and keeps that registration current. Reading
 * across nodes is the broker's distributed operations; what a parent may read is the child's sharing grants.
 */
public final class FederationCapability implements Capability {
    public static final String NAME = "federation";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FederationCapability.class);
    /** How often referred cases are delivered to the parent and followed there. */
    static final Duration REFERRAL_ROUND = Duration.ofSeconds(5);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> requires() {
        return Set.of(BrokerCapability.NAME, org.meridian.identity.IdentityCapability.NAME, org.meridian.cases.CasesCapability.NAME);
    }

    @Override
    public List<String> problems(org.meridian.platform.capability.Environment environment) {
        FederationSettings settings = FederationSettings.from(environment);
        List<String> problems = new java.util.ArrayList<>(settings.problems());
        if (problems.isEmpty() && settings.boundary() != null) {
            try {
                boundary(settings);
            } catch (RuntimeException e) {
                problems.add(FederationSettings.BOUNDARY + " is not a GeoJSON geometry or feature: " + e.getMessage());
            }
        }
        return problems;
    }

    @Override
    public Running start(Platform platform) {
        FederationSettings settings = FederationSettings.from(platform.environment());
        String alias = platform.services().require(SourceIdentity.class).alias("");
        Children children = new Children(platform.services().require(ContextSourceService.class));
        org.meridian.cases.CaseService cases = platform.services().require(org.meridian.cases.CaseService.class);
        org.meridian.cases.CaseReferrals caseReferrals = platform.services().require(org.meridian.cases.CaseReferrals.class);
        KpiRollup kpis = new KpiRollup(cases, children, settings, alias);
        List<org.meridian.platform.http.Routes> routes = List.of(new org.meridian.federation.http.FederationRoutes(kpis,
                caseReferrals, children::nameOf, settings));
        if (!settings.hasParent()) {
            return new Running() {
                @Override
                public List<org.meridian.platform.http.Routes> routes() {
                    return routes;
                }

                @Override
                public void close() {
                    kpis.close();
                }
            };
        }
        ParentRegistration registration = new ParentRegistration(settings,
                platform.services().require(SourceIdentity.class).alias(""), boundary(settings), platform.clock());
        DiscoveryService discovery = platform.services().require(DiscoveryService.class);
        ContextSourceService sources = platform.services().require(ContextSourceService.class);
        BrokerSettings broker = BrokerSettings.from(platform.environment());
        ReaderKey reader = new ReaderKey(settings.readerClient(), platform.services().require(Administration.class));
        Referrals referrals = new Referrals(caseReferrals, settings, platform.clock());
        cases.referUpwardsThrough(referrals);
        // Cases referred to the parent: delivered and followed every few seconds (and at once after a referral).
        Periodic referralRounds = Periodic.every(REFERRAL_ROUND, "meridian-referrals", "referring cases to the parent", LOG,
                referrals::runRound);
        return new Running() {
            private Periodic renewals;

            @Override
            public List<org.meridian.platform.http.Routes> routes() {
                return routes;
            }

            @Override
            public void serving(int httpPort) {
                String endpoint = broker.effectivePublicUrl(httpPort);
                Runnable renew = () -> registration.renew(endpoint, held(discovery, sources), reader.key());
                // At once (the parent learns of the node as it starts), then every refresh.
                Thread.ofVirtual().name("meridian-federation-first").start(() -> {
                    try {
                        renew.run();
                    } catch (RuntimeException e) {
                        LOG.warn("registering with the parent failed now: {}", e.toString());
                    }
                });
                renewals = Periodic.every(Duration.ofSeconds(settings.refreshSeconds()), "meridian-federation",
                        "renewing the registration with the parent", LOG, renew);
            }

            @Override
            public void close() {
                if (renewals != null) {
                    renewals.close();
                }
                referralRounds.close();
                referrals.close();
                kpis.close();
            }
        };
    }

    /**
     * What the node offers its parent: the types it holds, and those its own children are registered for (a city node
     * holding nothing itself still answers for its districts).
     */
    static List<TypeSummary> held(DiscoveryService discovery, ContextSourceService sources) {
        Caller node = Caller.system("", NAME);
        Map<String, Map<String, Set<String>>> types = new TreeMap<>();
        for (TypeSummary type : discovery.types(node, null)) {
            types.computeIfAbsent(type.type(), key -> new TreeMap<>()).putAll(type.attributeTypes());
        }
        List<ContextSourceService.Shown> children;
        try {
            children = sources.query(node, new RegistrationFilter(null, null, null, null, null, null, null, null));
        } catch (org.meridian.core.error.MeridianException e) {
            children = List.of(); // no tenant yet: nothing held, nothing registered
        }
        for (ContextSourceService.Shown shown : children) {
            for (Registration.Info info : shown.parsed().registration().information()) {
                for (Registration.EntityInfo entity : info.entities()) {
                    Map<String, Set<String>> attributes = types.computeIfAbsent(entity.type(), key -> new TreeMap<>());
                    info.propertyNames().forEach(name -> attributes.putIfAbsent(name, Set.of("Property")));
                    info.relationshipNames().forEach(name -> attributes.putIfAbsent(name, Set.of("Relationship")));
                }
            }
        }
        List<TypeSummary> held = new java.util.ArrayList<>();
        types.forEach((type, attributes) -> held.add(new TypeSummary(type, 0, attributes)));
        return held;
    }

    /** The node's area from its boundary file: a geometry, a Feature's, or a FeatureCollection's first feature's. */
    static JsonNode boundary(FederationSettings settings) {
        if (settings.boundary() == null) {
            return null;
        }
        JsonNode json;
        try {
            json = Json.parseBytes(Files.readAllBytes(settings.boundary()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + settings.boundary() + ": " + e.getMessage(), e);
        }
        if (json == null) {
            throw new IllegalArgumentException("not JSON");
        }
        if ("FeatureCollection".equals(json.path("type").asText()) && json.path("features").size() > 0) {
            json = json.path("features").get(0);
        }
        if ("Feature".equals(json.path("type").asText())) {
            json = json.path("geometry");
        }
        GeoJson.parse(json); // throws on what is not a valid geometry
        return json;
    }

    /**
     * The key through which the parent reads: the named client of this node with a secret made at this start (the
     * old one stops working), made at the first renewal that finds the client and kept for the node's life.
     */
    static final class ReaderKey {
        private final String client;
        private final Administration administration;
        private volatile String key;
        private volatile boolean warned;

        ReaderKey(String client, Administration administration) {
            this.client = client;
            this.administration = administration;
        }

        String key() {
            if (client == null || key != null) {
                return key;
            }
            try {
                key = administration.replaceSecret(Caller.system("", NAME), client).apiKey();
            } catch (org.meridian.core.error.MeridianException e) {
                if (!warned) {
                    LOG.warn("the parent reads only open data until the machine client '{}' ({}) exists: {}", client,
                            FederationSettings.READER_CLIENT, e.getMessage());
                    warned = true;
                }
            }
            return key;
        }
    }
}
