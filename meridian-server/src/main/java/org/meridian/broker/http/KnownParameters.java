package org.meridian.broker.http;

import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.meridian.core.error.MeridianException;

/**
 * The query parameters each NGSI-LD operation takes (clause 6.3.20): any other is a mistake the client should hear
 * about (InvalidRequest), not a filter silently ignored while the answer looks complete.
 */
final class KnownParameters {
    private static final String BASE = EntityRoutes.BASE;
    private static final Set<String> SELECTION = Set.of("id", "idPattern", "type", "q", "scopeQ", "georel", "geometry",
            "coordinates", "geoproperty", "local", "csf");
    private static final Set<String> SHOWING = Set.of("attrs", "pick", "omit", "options", "format", "lang",
            "geometryProperty", "join", "joinLevel", "containedBy", "datasetId", "entityMap", "local", "expandValues");
    private static final Set<String> PAGING = Set.of("limit", "offset", "count");
    private static final Set<String> TIME = Set.of("timerel", "timeAt", "endTimeAt", "timeproperty", "lastN",
            "aggrMethods", "aggrPeriodDuration");
    private static final Map<String, Set<String>> BY_ROUTE = new HashMap<>();

    static {
        allow("POST", "/entities", List.of(Set.of("local")));
        allow("GET", "/entities", List.of(SELECTION, SHOWING, PAGING, Set.of("orderBy")));
        allow("DELETE", "/entities", List.of(SELECTION, Set.of("keep", "drop")));
        allow("GET", "/entities/{entityId}", List.of(SHOWING, Set.of("type")));
        allow("PUT", "/entities/{entityId}", List.of(Set.of("local", "type")));
        allow("PATCH", "/entities/{entityId}", List.of(Set.of("local", "type", "options")));
        allow("DELETE", "/entities/{entityId}", List.of(Set.of("local", "type")));
        allow("POST", "/entities/{entityId}/attrs", List.of(Set.of("local", "options", "type")));
        allow("PATCH", "/entities/{entityId}/attrs", List.of(Set.of("local", "options", "type")));
        allow("PATCH", "/entities/{entityId}/attrs/{attrId}", List.of(Set.of("local", "type", "datasetId")));
        allow("PUT", "/entities/{entityId}/attrs/{attrId}", List.of(Set.of("local", "type", "datasetId")));
        allow("DELETE", "/entities/{entityId}/attrs/{attrId}", List.of(Set.of("local", "type", "datasetId", "deleteAll", "lang")));
        for (String batch : new String[] {"create", "upsert", "update", "delete", "merge"}) {
            allow("POST", "/entityOperations/" + batch, List.of(Set.of("local", "options")));
        }
        allow("POST", "/entityOperations/query", List.of(SHOWING, PAGING, Set.of("orderBy")));
        allow("GET", "/types", List.of(Set.of("details", "local", "limit", "offset")));
        allow("GET", "/types/{type}", List.of(Set.of("local")));
        allow("GET", "/attributes", List.of(Set.of("details", "local", "limit", "offset")));
        allow("GET", "/attributes/{attrId}", List.of(Set.of("local")));
        allow("POST", "/subscriptions", List.of(Set.of()));
        allow("GET", "/subscriptions", List.of(Set.of("limit", "offset", "count", "local")));
        allow("GET", "/temporal/entities", List.of(SELECTION, SHOWING, PAGING, TIME, Set.of("orderBy")));
        allow("GET", "/temporal/entities/{entityId}", List.of(SHOWING, TIME, Set.of("type")));
        allow("POST", "/temporal/entities", List.of(Set.of("local")));
        allow("POST", "/temporal/entityOperations/query", List.of(SHOWING, PAGING, TIME, Set.of("orderBy")));
        allow("POST", "/csourceRegistrations", List.of(Set.of()));
        allow("GET", "/csourceRegistrations", List.of(Set.of("id", "idPattern", "type", "attrs", "q", "csf", "georel",
                "geometry", "coordinates", "geoproperty", "timerel", "timeAt", "endTimeAt", "timeproperty", "options",
                "local"), PAGING));
        allow("GET", "/csourceRegistrations/{registrationId}", List.of(Set.of("options", "local")));
        allow("POST", "/csourceSubscriptions", List.of(Set.of()));
        allow("GET", "/csourceSubscriptions", List.of(Set.of("local"), PAGING));
        allow("GET", "/info/sourceIdentity", List.of(Set.of()));
    }

    private KnownParameters() {
    }

    private static void allow(String method, String path, List<Set<String>> parameters) {
        BY_ROUTE.put(method + " " + BASE + path, parameters.stream().flatMap(Set::stream).collect(Collectors.toUnmodifiableSet()));
    }

    /** Refuses a request naming a parameter its operation does not take; operations not listed take any. */
    static void check(Context http) {
        var matched = http.endpoints().matchedHttpEndpoint();
        if (matched == null) {
            return;
        }
        Set<String> allowed = BY_ROUTE.get(http.method().name() + " " + matched.path);
        if (allowed == null) {
            return;
        }
        for (String name : http.queryParamMap().keySet()) {
            if (!allowed.contains(name)) {
                throw MeridianException.invalidRequest("The parameter '" + name + "' is not one this operation takes");
            }
        }
    }
}
