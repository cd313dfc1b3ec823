package org.meridian.federation.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.meridian.core.error.MeridianException;
import org.meridian.federation.FederationError;
import org.meridian.federation.KpiRollup;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.JsonFields;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.Routes;

/** /federation/v1: what rolls up the hierarchy of nodes. */
public final class FederationRoutes implements Routes {
    private static final String BASE = "/federation/v1";

    private final KpiRollup kpis;

    public FederationRoutes(KpiRollup kpis) {
        this.kpis = kpis;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(BASE + "/kpis", this::kpis, Access.CASES);
    }

    /** The case KPIs of this node and every node below it, over a period (the last 30 days unless given). */
    private void kpis(Context http) {
        Instant to = instant(Parameters.single(http, "to"), Instant.now());
        Instant from = instant(Parameters.single(http, "from"), to.minus(Duration.ofDays(30)));
        JsonFields.respond(http, 200, kpis.rollup(Callers.of(http, NgsiLdExchange.tenantOf(http)), from, to, http.header("Via")));
    }

    private static Instant instant(String text, Instant otherwise) {
        if (text == null) {
            return otherwise;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MeridianException(FederationError.INVALID_INPUT, "A time is ISO 8601 with its zone, e.g. 2026-12-01T00:00:00Z, not " + text);
        }
    }
}
