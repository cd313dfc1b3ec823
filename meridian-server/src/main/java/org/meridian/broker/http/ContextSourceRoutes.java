package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.re2j.Pattern;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.meridian.broker.ContextService;
import org.meridian.broker.ContextSourceService;
import org.meridian.broker.SourceIdentity;
import org.meridian.core.csource.RegistrationFilter;
import org.meridian.core.csource.StoredSource;
import org.meridian.core.csource.RegistrationRenderer;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.geo.GeoQuery;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.DateTimes;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.query.ClientRegex;
import org.meridian.core.query.QueryExpression;
import org.meridian.core.query.QueryParser;
import org.meridian.core.security.Redaction;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.MediaTypes;
import org.meridian.platform.http.NgsiLdExchange;
import org.meridian.platform.http.Parameters;
import org.meridian.platform.http.PathSegment;
import org.meridian.platform.http.Routes;

/**
 * Context source registrations, /ngsi-ld/v1/csourceRegistrations (clause 6.8, 6.9), and subscriptions to them,
 * /ngsi-ld/v1/csourceSubscriptions (clause 6.10, 6.11); and this broker's identity as a source, /info/sourceIdentity.
 */
public final class ContextSourceRoutes implements Routes {
    static final String REGISTRATIONS = EntityRoutes.BASE + "/csourceRegistrations";
    static final String SUBSCRIPTIONS = EntityRoutes.BASE + "/csourceSubscriptions";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> PRODUCIBLE = List.of(MediaTypes.JSON, MediaTypes.JSON_LD);
    private static final int MAX_QUERY_TERMS = 100;

    private final ContextSourceService sources;
    private final SourceIdentity identity;
    private final ContextService contexts;
    private final EntityRoutes.Limits limits;

    public ContextSourceRoutes(ContextSourceService sources, SourceIdentity identity, ContextService contexts,
                               EntityRoutes.Limits limits) {
        this.sources = sources;
        this.identity = identity;
        this.contexts = contexts;
        this.limits = limits;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(REGISTRATIONS, this::register, Access.FEDERATE);
        routes.get(REGISTRATIONS, this::query, Access.READ_DATA);
        routes.get(REGISTRATIONS + "/{registrationId}", this::retrieve, Access.READ_DATA);
        routes.patch(REGISTRATIONS + "/{registrationId}", this::update, Access.FEDERATE);
        routes.delete(REGISTRATIONS + "/{registrationId}", this::delete, Access.FEDERATE);
        routes.post(SUBSCRIPTIONS, this::subscribe, Access.READ_DATA);
        routes.get(SUBSCRIPTIONS, this::subscriptions, Access.READ_DATA);
        routes.get(SUBSCRIPTIONS + "/{subscriptionId}", this::subscription, Access.READ_DATA);
        routes.patch(SUBSCRIPTIONS + "/{subscriptionId}", this::updateSubscription, Access.READ_DATA);
        routes.delete(SUBSCRIPTIONS + "/{subscriptionId}", this::unsubscribe, Access.READ_DATA);
        routes.get(EntityRoutes.BASE + "/info/sourceIdentity", this::sourceIdentity, Access.READ_DATA);
    }

    private void sourceIdentity(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        exchange.respond(200, identity.describe(exchange.caller().tenant()), mediaType);
    }

    private void register(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        String id = sources.register(exchange.caller(), body, exchange.contextValue(), exchange.context());
        http.status(201).header("Location", REGISTRATIONS + "/" + PathSegment.encode(id));
    }

    private static String registrationId(Context http) {
        return EntityParser.requireUri(http.pathParam("registrationId"), "The registration id");
    }

    private void retrieve(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        ContextSourceService.Shown shown = sources.registration(exchange.caller(), registrationId(http));
        exchange.respond(200, present(shown, exchange.context(), exchange.caller().unrestricted()), mediaType);
    }

    private void query(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        JsonLdContext context = exchange.context();
        RegistrationFilter filter = filter(http, context);
        if (filter.isEmpty()) {
            throw MeridianException.badData("A discovery of context sources needs type, id, idPattern, attrs, q, csf, a "
                    + "geo-query or a temporal query (clause 5.10.2)");
        }
        boolean unrestricted = exchange.caller().unrestricted();
        respondWithPage(exchange, mediaType, 0, sources.query(exchange.caller(), filter),
                shown -> present(shown, context, unrestricted));
    }

    /** A page of all the items (limit, offset, count, prev/next links), each shown as the caller sees it. */
    private <T> void respondWithPage(NgsiLdExchange exchange, String mediaType, int minimumLimit, List<T> all,
                                     java.util.function.Function<T, ObjectNode> shown) {
        Context http = exchange.http();
        int limit = Parameters.integer(http, "limit", limits.defaultLimit(), minimumLimit);
        if (limit > limits.maxLimit()) {
            throw new MeridianException(ErrorType.TOO_MANY_RESULTS, "limit may be at most " + limits.maxLimit());
        }
        int offset = Parameters.integer(http, "offset", 0, 0);
        ArrayNode page = NODES.arrayNode();
        all.stream().skip(offset).limit(limit).forEach(item -> page.add(shown.apply(item)));
        if (Parameters.flag(http, "count")) {
            http.header("NGSILD-Results-Count", String.valueOf(all.size()));
        }
        exchange.respond(200, page, mediaType);
        PageLinks.add(http, mediaType, limit, offset, offset + limit < all.size());
    }

    /** The discovery query's criteria (clause 6.8.3.2), names expanded with the request's context. */
    private static RegistrationFilter filter(Context http, JsonLdContext context) {
        Set<String> types = expanded(Parameters.list(http, "type"), context);
        List<String> idList = Parameters.list(http, "id");
        Set<String> ids = null;
        if (idList != null) {
            ids = new LinkedHashSet<>();
            for (String id : idList) {
                ids.add(EntityParser.requireUri(id, "An id"));
            }
        }
        String idPattern = Parameters.single(http, "idPattern");
        Pattern pattern = idPattern == null ? null : ClientRegex.compile(idPattern, "idPattern");
        Set<String> attributes = expanded(Parameters.list(http, "attrs"), context);
        QueryExpression q = query(Parameters.single(http, "q"), context);
        QueryExpression csf = query(Parameters.single(http, "csf"), context);
        String georel = Parameters.single(http, "georel");
        String geometry = Parameters.single(http, "geometry");
        String coordinates = Parameters.single(http, "coordinates");
        GeoQuery geo = null;
        if (georel != null || geometry != null || coordinates != null) {
            String geoproperty = Parameters.single(http, "geoproperty");
            geo = GeoQuery.parse(georel, geometry, coordinates, geoproperty == null ? "location" : geoproperty);
        }
        return new RegistrationFilter(types, ids, pattern, attributes, q, csf, geo, time(http));
    }

    private static Set<String> expanded(List<String> names, JsonLdContext context) {
        if (names == null || names.isEmpty()) {
            return null;
        }
        Set<String> expanded = new LinkedHashSet<>();
        names.forEach(name -> expanded.add(context.expandTerm(name)));
        return expanded;
    }

    private static QueryExpression query(String text, JsonLdContext context) {
        return text == null ? null : QueryParser.parse(text, MAX_QUERY_TERMS, context::expandTerm);
    }

    private static RegistrationFilter.TimeFilter time(Context http) {
        String timerel = Parameters.single(http, "timerel");
        String timeAt = Parameters.single(http, "timeAt");
        if (timerel == null && timeAt == null) {
            return null;
        }
        if (timerel == null || timeAt == null) {
            throw MeridianException.badData("A temporal query needs timerel and timeAt together");
        }
        Instant at = DateTimes.parse(timeAt, "timeAt");
        Instant endAt = null;
        switch (timerel) {
            case "before", "after" -> {
            }
            case "between" -> {
                String end = Parameters.single(http, "endTimeAt");
                if (end == null) {
                    throw MeridianException.badData("timerel=between needs endTimeAt");
                }
                endAt = DateTimes.parse(end, "endTimeAt");
            }
            default -> throw MeridianException.badData("timerel must be before, after or between");
        }
        String property = Parameters.single(http, "timeproperty");
        boolean management = switch (property == null ? "observedAt" : property) {
            case "observedAt" -> false;
            case "createdAt", "modifiedAt" -> true;
            default -> throw MeridianException.badData("timeproperty must be observedAt, createdAt or modifiedAt");
        };
        return new RegistrationFilter.TimeFilter(timerel, at, endAt, management);
    }

    /**
     * A registration in the reader's terms. What it carries for its source (contextSourceInfo values: credentials, as a
     * rule) and a password in its endpoint are for operators' eyes only.
     */
    private static ObjectNode present(ContextSourceService.Shown shown, JsonLdContext context, boolean unrestricted) {
        ObjectNode out = RegistrationRenderer.render((ObjectNode) shown.row().body(), shown.parsed().registration(), context);
        if (!unrestricted) {
            if (out.get("contextSourceInfo") instanceof ArrayNode pairs) {
                for (JsonNode pair : pairs) {
                    if (pair instanceof ObjectNode object) {
                        object.put("value", Redaction.MASK);
                    }
                }
            }
            if (out.get("endpoint") instanceof com.fasterxml.jackson.databind.node.TextNode endpoint) {
                out.put("endpoint", Redaction.url(endpoint.asText()));
            }
        }
        return out;
    }

    private void update(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String id = registrationId(http);
        JsonNode body = exchange.body(true);
        sources.update(exchange.caller(), id, body, exchange.context());
        http.status(204);
    }

    private void delete(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        sources.delete(exchange.caller(), registrationId(http));
        http.status(204);
    }

    // Subscriptions to registrations.

    private static String subscriptionId(Context http) {
        return EntityParser.requireUri(http.pathParam("subscriptionId"), "The subscription id");
    }

    private void subscribe(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        JsonNode body = exchange.body(false);
        String id = sources.subscribe(exchange.caller(), body, exchange.contextValue(), exchange.context());
        http.status(201).header("Location", SUBSCRIPTIONS + "/" + PathSegment.encode(id));
    }

    private void subscription(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        StoredSource row = sources.subscription(exchange.caller(), subscriptionId(http));
        exchange.respond(200, presentSubscription(row, exchange.context()), mediaType);
    }

    private void subscriptions(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String mediaType = exchange.accept(PRODUCIBLE);
        JsonLdContext context = exchange.context();
        respondWithPage(exchange, mediaType, 1, sources.subscriptions(exchange.caller()), row -> presentSubscription(row, context));
    }

    /** As sent, in the reader's terms, with its status (clause 5.2.12); nothing is sent yet to count. */
    private ObjectNode presentSubscription(StoredSource row, JsonLdContext shownWith) {
        ObjectNode out = ((ObjectNode) row.body()).deepCopy();
        out.put("type", "Subscription");
        if (out.path("notification").get("endpoint") instanceof ObjectNode endpoint) {
            Redaction.endpoint(endpoint);
        }
        SubscriptionRoutes.recompact(out, contexts.resolve(row.context()), shownWith);
        if (out.has("isActive") || !row.active()) {
            out.put("isActive", row.active());
        }
        out.put("status", sources.expired(row) ? "expired" : row.active() ? "active" : "paused");
        return out;
    }

    private void updateSubscription(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        String id = subscriptionId(http);
        JsonNode body = exchange.body(true);
        sources.updateSubscription(exchange.caller(), id, body, exchange.context());
        http.status(204);
    }

    private void unsubscribe(Context http) {
        NgsiLdExchange exchange = new NgsiLdExchange(http, contexts);
        sources.unsubscribe(exchange.caller(), subscriptionId(http));
        http.status(204);
    }
}
