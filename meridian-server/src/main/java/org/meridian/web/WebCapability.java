package org.meridian.web;

import java.util.List;
import java.util.Set;
import org.meridian.broker.BrokerCapability;
import org.meridian.cases.CaseService;
import org.meridian.cases.CasesCapability;
import org.meridian.cases.PublicCases;
import org.meridian.identity.IdentityCapability;
import org.meridian.identity.IdentityService;
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Platform;
import org.meridian.platform.http.ErrorFace;
import org.meridian.platform.http.Routes;
import org.meridian.identity.Administration;
import org.meridian.broker.ContextService;
import org.meridian.broker.EntityService;
import org.meridian.broker.TemporalService;
import org.meridian.web.ops.CasePages;
import org.meridian.web.ops.DataPages;
import org.meridian.web.ops.AdminPages;
import org.meridian.web.ops.IndicatorPages;
import org.meridian.ingest.Ingest;
import org.meridian.ingest.IngestCapability;
import org.meridian.sharing.Catalogue;
import org.meridian.sharing.Sharing;
import org.meridian.sharing.SharingCapability;
import org.meridian.rules.RuleService;
import org.meridian.rules.RulesCapability;
import org.meridian.web.ops.EntityPages;
import org.meridian.web.ops.EpisodePages;
import org.meridian.web.ops.LiveMap;
import org.meridian.web.ops.MapPages;
import org.meridian.web.ops.PlaceMap;
import org.meridian.web.portal.PortalPages;

/**
 * The pages people use: the citizen portal ({@code /portal}), sign-in, and the operations centre ({@code /ops}).
 * Server-rendered (jte templates compiled by the build), a little JavaScript, every asset served by the app.
 */
public final class WebCapability implements Capability {
    public static final String NAME = "web";
    /** The paths of the pages: their errors are pages too, and their responses carry the pages' security headers. */
    private static final List<String> PAGE_PATHS = List.of("/", "/portal", "/portal/*", "/ops", "/ops/*", "/sign-in", "/sign-out",
            "/language");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> requires() {
        return Set.of(BrokerCapability.NAME, IdentityCapability.NAME, SharingCapability.NAME, IngestCapability.NAME, CasesCapability.NAME, RulesCapability.NAME);
    }

    @Override
    public Running start(Platform platform) {
        IdentityService identity = platform.services().require(IdentityService.class);
        Pages pages = new Pages(identity);
        HtmlErrors errors = new HtmlErrors(pages);
        Routes face = routes -> {
            for (String path : PAGE_PATHS) {
                routes.before(path, http -> {
                    SecurityHeaders.apply(http);
                    // The map's data answers scripts: its errors stay problem details.
                    if (!http.path().startsWith("/ops/map/")) {
                        ErrorFace.use(http, errors);
                    }
                });
            }
        };
        CaseService cases = platform.services().require(CaseService.class);
        LiveMap live = new LiveMap(platform.events());
        List<Routes> routes = List.of(face, new Assets(), new SignInPages(identity, pages),
                new org.meridian.web.portal.OpenDataPage(platform.services().require(Sharing.class),
                        platform.services().require(Administration.class), platform.services().require(ContextService.class).core(), pages),
                new PortalPages(cases, platform.services().require(PublicCases.class), identity, pages),
                new CasePages(cases, platform.services().require(Administration.class),
                        new PlaceMap(platform.services().require(EntityService.class), platform.services().require(Sharing.class),
                                platform.services().require(ContextService.class).core()),
                        pages, platform.clock()),
                new MapPages(platform.services().require(EntityService.class), cases,
                        platform.services().require(ContextService.class).core(), live, pages, platform.clock()),
                new EntityPages(platform.services().require(EntityService.class), platform.services().require(TemporalService.class),
                        platform.services().require(ContextService.class).core(), pages, platform.clock()),
                new EpisodePages(platform.services().require(RuleService.class), platform.services().require(ContextService.class).core(),
                        pages),
                new DataPages(platform.services().require(Sharing.class), platform.services().require(Catalogue.class),
                        platform.services().require(Administration.class), platform.services().require(ContextService.class).core(),
                        pages, platform.clock()),
                new AdminPages(platform.services().require(Administration.class), cases, platform.services().require(Ingest.class),
                        pages, platform.clock()),
                new IndicatorPages(platform.services().require(EntityService.class), cases,
                        platform.services().require(Ingest.class).provisioning(), platform.services().require(Administration.class),
                        platform.services().require(ContextService.class).core(), pages, platform.clock()));
        return new Running() {
            @Override
            public List<Routes> routes() {
                return routes;
            }

            @Override
            public void close() {
                live.close();
            }
        };
    }
}
