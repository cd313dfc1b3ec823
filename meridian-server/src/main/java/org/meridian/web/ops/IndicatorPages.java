package org.meridian.web.ops;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.meridian.broker.EntityService;
import org.meridian.cases.CaseKpis;
import org.meridian.cases.CaseService;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.security.Caller;
import org.meridian.identity.Administration;
import org.meridian.ingest.ProvisioningService;
import org.meridian.core.ingest.DeviceHealth;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.Routes;
import org.meridian.web.Pages;

/**
 * The city's indicators on one page: this month's case indicators per department, the last day of air quality,
 * traffic and noise across the whole city (hourly, from the history's hourly rollup, as far as the reader's grants
 * reach), and how the devices are doing. Charts are drawn on the server as SVG with their figures as a table.
 */
public final class IndicatorPages implements Routes {
    /** A city-wide trend worth watching: a type's attribute, its unit, and the limit that matters (or null). */
    record Watched(String key, String type, String attribute, String unit, Double limit) {
    }

    static final List<Watched> WATCHED = List.of(
            // China's ambient air quality standard (GB 3095-2012), grade II, 24-hour PM2.5: 75 μg/m³.
            new Watched("pm25", "AirQualityObserved", "pm25", "μg/m³", 75.0),
            new Watched("traffic", "TrafficFlowObserved", "intensity", "veh/h", null),
            // GB 3096-2008, class 4a areas (beside main roads) by day: 70 dB(A).
            new Watched("noise", "NoiseLevelObserved", "LAeq", "dB(A)", 70.0));
    static final Duration SPAN = Duration.ofHours(24);
    /** A device is reporting when it sent something in this long. */
    static final Duration REPORTING = Duration.ofMinutes(15);

    /** A trend as shown: null chart when there is nothing the reader may see. */
    public record Trend(String key, String unit, Double limit, EntityPages.Chart chart) {
        /** The limit's height in the chart's box, when it falls inside the chart's range. */
        public Double limitY() {
            if (limit == null || chart == null || chart.points().isEmpty() || limit < chart.low() || limit > chart.high()) {
                return null;
            }
            return EntityPages.Chart.HEIGHT - (limit - chart.low()) / (chart.high() - chart.low()) * EntityPages.Chart.HEIGHT;
        }
    }

    /** A department's row of this month's figures. */
    public record KpiRow(String department, CaseKpis.Figures figures) {
    }

    private final EntityService entities;
    private final CaseService cases;
    private final ProvisioningService devices;
    private final Administration administration;
    private final JsonLdContext context;
    private final Pages pages;
    private final java.time.Clock clock;

    public IndicatorPages(EntityService entities, CaseService cases, ProvisioningService devices, Administration administration,
                          JsonLdContext context, Pages pages, java.time.Clock clock) {
        this.entities = entities;
        this.cases = cases;
        this.devices = devices;
        this.administration = administration;
        this.context = context;
        this.pages = pages;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/ops/indicators", this::indicators, Access.READ_DATA);
    }

    /** A tenant's device health as last counted: counting reads every device's row (0.4 s at 100,000 devices). */
    private record Counted(Instant at, List<DeviceHealth> health) {
    }

    /** How long device health is kept before it is counted again. */
    static final Duration HEALTH_FRESH_FOR = Duration.ofSeconds(30);
    private final Map<String, Counted> counted = new java.util.concurrent.ConcurrentHashMap<>();

    private List<DeviceHealth> health(Caller caller, Instant now) {
        Counted known = counted.get(caller.tenant());
        if (known != null && now.isBefore(known.at().plus(HEALTH_FRESH_FOR))) {
            return known.health();
        }
        List<DeviceHealth> health = devices.health(caller, now.minus(REPORTING)).stream()
                .map(h -> new DeviceHealth(context.compactIri(h.entityType()), h.devices(), h.reporting(), h.never(), h.accepted(),
                        h.rejected())).toList();
        if (counted.size() > 1000) {
            counted.clear();
        }
        counted.put(caller.tenant(), new Counted(now, health));
        return health;
    }

    private void indicators(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Instant now = clock.instant();
        // Whole hours: the last bucket is the hour under way.
        Instant to = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant from = to.minus(SPAN);
        List<Trend> trends = new ArrayList<>();
        for (Watched watched : WATCHED) {
            var buckets = entities.hourlyAcross(caller, context.expandTerm(watched.type()), context.expandTerm(watched.attribute()), from, to);
            trends.add(new Trend(watched.key(), watched.unit(), watched.limit(), buckets.isEmpty() ? null : EntityPages.Chart.of(buckets, from, to, watched.limit())));
        }
        Map<String, CaseKpis.Figures> figures = CaseIndicators.thisMonth(cases, caller, now);
        Map<String, String> names = administration.departmentNames(caller.tenant());
        List<KpiRow> rows = new ArrayList<>();
        if (figures != null) {
            figures.forEach((department, one) -> rows.add(new KpiRow(names.getOrDefault(department, department), one)));
            rows.sort(java.util.Comparator.comparing(KpiRow::department));
        }
        List<DeviceHealth> health = health(caller, now);
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("trends", trends);
        model.put("rows", rows);
        model.put("tiles", figures == null ? List.of() : CaseIndicators.tiles(figures));
        model.put("health", health);
        model.put("from", from);
        pages.render(http, "ops/indicators.jte", model);
    }
}
