package org.meridian.federation.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.meridian.cases.CaseReferrals;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.federation.FederationError;
import org.meridian.federation.FederationSettings;
import org.meridian.federation.KpiRollup;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.JsonFields;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.Routes;

/** /federation/v1: what this node is, what rolls up the hierarchy of nodes, and the cases referred up to it. */
public final class FederationRoutes implements Routes {
    private static final String BASE = "/federation/v1";
    private static final JsonFields FIELDS = new JsonFields(FederationError.INVALID_INPUT);

    /** Which child node a caller is: the name its own registration here gives, or empty when it is none. */
    @FunctionalInterface
    public interface ChildNodes {
        java.util.Optional<String> nameOf(Caller caller);
    }

    private final KpiRollup kpis;
    private final CaseReferrals referrals;
    private final ChildNodes children;
    private final FederationSettings settings;

    public FederationRoutes(KpiRollup kpis, CaseReferrals referrals, ChildNodes children, FederationSettings settings) {
        this.kpis = kpis;
        this.referrals = referrals;
        this.children = children;
        this.settings = settings;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(BASE + "/node", this::node, Access.SIGNED_IN);
        routes.get(BASE + "/kpis", this::kpis, Access.CASES);
        routes.post(BASE + "/referrals", this::refer, Access.FEDERATE);
        routes.get(BASE + "/referrals/{id}", this::upstream, Access.FEDERATE);
    }

    /** This node's name and level in the hierarchy. */
    private void node(Context http) {
        JsonFields.respond(http, 200, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("name", settings.name()).put("level", settings.level()));
    }

    /** The case KPIs of this node and every node below it, over a period (the last 30 days unless given). */
    private void kpis(Context http) {
        Instant to = instant(Parameters.single(http, "to"), Instant.now());
        Instant from = instant(Parameters.single(http, "from"), to.minus(Duration.ofDays(30)));
        JsonFields.respond(http, 200, kpis.rollup(Callers.of(http, NgsiLdExchange.tenantOf(http)), from, to, http.header("Via")));
    }

    /** A node below refers a case here (上报): 201 with the case's id here, or 200 when it has it already. */
    private void refer(Context http) {
        Caller caller = Callers.of(http, NgsiLdExchange.tenantOf(http));
        String from = child(caller);
        CaseReferrals.Received received = referrals.receive(caller, from, FIELDS.object(http));
        JsonFields.respond(http, received.created() ? 201 : 200, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().put("id", received.id()).put("node", settings.name()));
    }

    /** The node below reads back what became of a case it referred: its state and its events after ?after=. */
    private void upstream(Context http) {
        Caller caller = Callers.of(http, NgsiLdExchange.tenantOf(http));
        String from = child(caller);
        String after = Parameters.single(http, "after");
        long since;
        try {
            since = after == null ? 0 : Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw new MeridianException(FederationError.INVALID_INPUT, "after is the number of the last event already read");
        }
        JsonFields.respond(http, 200, referrals.upstream(caller, from, http.pathParam("id"), since).put("node", settings.name()));
    }

    private String child(Caller caller) {
        return children.nameOf(caller).orElseThrow(() -> new MeridianException(FederationError.NOT_A_CHILD,
                "Only a node registered below this one refers cases here, through the client that made its registration"));
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
