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
    /** The selection in a line, for the exchange ledger (what a department asked of another's data). */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (ids != null && !ids.isEmpty()) {
            text.append("ids=").append(ids.size() <= 5 ? String.join(",", ids) : ids.size() + " ids").append(' ');
        }
        if (idPattern != null) {
            text.append("idPattern=").append(idPattern).append(' ');
        }
        if (types != null) {
            text.append("type=").append(types).append(' ');
        }
        if (attributeJsonPath != null) {
            text.append("q=").append(attributeJsonPath).append(' ');
        }
        if (anyOfAttributes != null && !anyOfAttributes.isEmpty()) {
            text.append("attrs=").append(String.join(",", new java.util.TreeSet<>(anyOfAttributes))).append(' ');
        }
        if (geoQuery != null) {
            text.append("geo=").append(geoQuery.geoProperty()).append(' ');
        }
        return text.toString().strip();
    }
}
