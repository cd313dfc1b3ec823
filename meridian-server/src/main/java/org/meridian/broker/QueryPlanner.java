package org.meridian.broker;

import java.util.LinkedHashSet;
import java.util.Set;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.geo.GeoQuery;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.EntityParser;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.query.ClientRegex;
import org.meridian.core.query.JsonPathTranslator;
import org.meridian.core.query.QueryExpression;
import org.meridian.core.query.QueryParser;
import org.meridian.core.query.ScopeQuery;
import org.meridian.core.query.TypeExpression;

/** Turns a client's query into an expanded, checked selection for the store. */
public final class QueryPlanner {
    private final int maxQueryTerms;

    public QueryPlanner(int maxQueryTerms) {
        this.maxQueryTerms = maxQueryTerms;
    }

    public EntitySelection plan(QueryRequest request, JsonLdContext context) {
        if (request.ids() != null) {
            request.ids().forEach(id -> EntityParser.requireUri(id, "The id"));
        }
        String idPattern = request.idPattern();
        if (idPattern != null) {
            ClientRegex.compile(idPattern, "idPattern");
        }
        TypeExpression types = request.type() == null ? null : TypeExpression.parse(request.type());
        String jsonPath = null;
        Set<String> queried = null;
        if (request.q() != null) {
            QueryExpression expression = QueryParser.parse(request.q(), maxQueryTerms, context::expandTerm);
            jsonPath = JsonPathTranslator.translate(expression);
            queried = EntitySelection.monotoneAttributes(expression);
        }
        ScopeQuery scopes = request.scopeQ() == null ? null : ScopeQuery.parse(request.scopeQ());
        Set<String> attributes = null;
        if (request.attrs() != null) {
            attributes = new LinkedHashSet<>();
            for (String attribute : request.attrs()) {
                attributes.add(context.expandTerm(attribute));
            }
        }
        GeoQuery geo = null;
        if (request.georel() != null || request.geometry() != null || request.coordinates() != null) {
            String geoProperty = request.geoProperty() == null ? NgsiLd.LOCATION : context.expandTerm(request.geoProperty());
            geo = GeoQuery.parse(request.georel(), request.geometry(), request.coordinates(), geoProperty);
        }
        return new EntitySelection(request.ids(), idPattern, types, context::expandTerm, jsonPath, queried, scopes, attributes, geo);
    }

}
