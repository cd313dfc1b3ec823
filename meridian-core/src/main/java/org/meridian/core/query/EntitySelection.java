package org.meridian.core.query;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.meridian.core.geo.GeoQuery;

/**
 * Which entities a query selects, in expanded form. Every member may be null (no restriction).
 *
 * @param attributeJsonPath a jsonpath predicate over the attrs document (from the q language)
 * @param anyOfAttributes expanded attribute IRIs of which an entity must have at least one
 * @param geoQuery a geo-query whose geoProperty is an expanded IRI
 */
public record EntitySelection(
        List<String> ids,
        String idPattern,
        TypeExpression types,
        UnaryOperator<String> typeExpander,
        String attributeJsonPath,
        ScopeQuery scopes,
        Set<String> anyOfAttributes,
        GeoQuery geoQuery) {
}
