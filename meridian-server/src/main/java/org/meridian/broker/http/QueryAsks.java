package org.meridian.broker.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.meridian.broker.DistributedReads;
import org.meridian.broker.QueryRequest;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.query.EntitySelection;

/** A query as it goes to context sources, from what the client sent: in its own terms, as written, paging left out. */
final class QueryAsks {
    /** What a current-state query passes on besides its selection. */
    static final List<String> ENTITY_OPTIONS = List.of("options", "format", "lang", "pick", "omit", "orderBy", "datasetId");
    /** What a temporal query passes on besides its selection: its time window and representation too. */
    static final List<String> TEMPORAL_OPTIONS = List.of("options", "format", "lang", "pick", "omit", "orderBy", "datasetId",
            "timerel", "timeAt", "endTimeAt", "timeproperty", "lastN", "aggrMethods", "aggrPeriodDuration", "attrs");

    private QueryAsks() {
    }

    /**
     * @param parameter the request's parameter of a name (URL, or a POST query's body overlaid on it), or null
     */
    static DistributedReads.QueryAsk of(Context http, JsonLdContext context, QueryRequest request, EntitySelection selection,
                                        UnaryOperator<String> parameter, List<String> options) {
        Map<String, String> parameters = new LinkedHashMap<>();
        java.util.function.BiConsumer<String, String> put = (name, value) -> {
            if (value != null) {
                parameters.put(name, value);
            }
        };
        put.accept("type", request.type());
        put.accept("id", request.ids() == null ? null : String.join(",", request.ids()));
        put.accept("idPattern", request.idPattern());
        put.accept("attrs", request.attrs() == null ? null : String.join(",", request.attrs()));
        put.accept("q", request.q());
        put.accept("scopeQ", request.scopeQ());
        put.accept("georel", request.georel());
        put.accept("geometry", request.geometry());
        put.accept("coordinates", request.coordinates());
        put.accept("geoproperty", request.geoProperty());
        for (String name : options) {
            if (!parameters.containsKey(name)) {
                put.accept(name, parameter.apply(name));
            }
        }
        Set<String> types = selection.types() == null ? null
                : new LinkedHashSet<>(selection.types().names().stream().map(context::expandTerm).toList());
        String attrs = parameters.get("attrs");
        Set<String> attributes = attrs == null ? null
                : new LinkedHashSet<>(List.of(attrs.split(",")).stream().map(String::strip).map(context::expandTerm).toList());
        String link = http.header("Link");
        JsonNode written = context.source();
        if (link == null && written != null && written.isTextual()) {
            // A context named in the body (a POST query) goes on as a Link, so the sources read the terms alike.
            link = "<" + written.asText() + ">; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";
        }
        return new DistributedReads.QueryAsk(parameters, types, request.ids(), request.idPattern(), attributes,
                selection.geoQuery(), context::compactIri, context::expandTerm, link, http.header("Via"));
    }
}
