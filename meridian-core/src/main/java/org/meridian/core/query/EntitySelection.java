package org.meridian.core.query;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.meridian.core.geo.GeoQuery;

/**
 * Which entities a query selects, in expanded form. Every member may be null (no restriction).
 *
 * @param attributeJsonPath a jsonpath predicate over the attrs document (from the q language)
 * @param queriedAttributes the attributes q names (expanded), when q may be tested on a superset of what a caller
 *                          sees (it has no negation: removing attributes never makes it true); null otherwise
 * @param anyOfAttributes expanded attribute IRIs of which an entity must have at least one
 * @param geoQuery a geo-query whose geoProperty is an expanded IRI
 * @param orderBy how to order the entities, or null for by id
 */
public record EntitySelection(
        List<String> ids,
        String idPattern,
        TypeExpression types,
        UnaryOperator<String> typeExpander,
        String attributeJsonPath,
        Set<String> queriedAttributes,
        ScopeQuery scopes,
        Set<String> anyOfAttributes,
        GeoQuery geoQuery,
        OrderBy orderBy) {
    public EntitySelection(List<String> ids, String idPattern, TypeExpression types, UnaryOperator<String> typeExpander,
                           String attributeJsonPath, Set<String> queriedAttributes, ScopeQuery scopes,
                           Set<String> anyOfAttributes, GeoQuery geoQuery) {
        this(ids, idPattern, types, typeExpander, attributeJsonPath, queriedAttributes, scopes, anyOfAttributes, geoQuery, null);
    }

    public EntitySelection orderedBy(OrderBy order) {
        return new EntitySelection(ids, idPattern, types, typeExpander, attributeJsonPath, queriedAttributes, scopes,
                anyOfAttributes, geoQuery, order);
    }

    /**
     * The attributes a q expression names, when it is monotone: false for an entity stays false once attributes are
     * removed (no {@code !attr}, no not-equal, no not-matching); null when it is not.
     */
    public static Set<String> monotoneAttributes(QueryExpression expression) {
        Set<String> names = new java.util.HashSet<>();
        return collect(expression, names) ? names : null;
    }

    private static boolean collect(QueryExpression expression, Set<String> names) {
        return switch (expression) {
            case QueryExpression.And and -> and.operands().stream().allMatch(operand -> collect(operand, names));
            case QueryExpression.Or or -> or.operands().stream().allMatch(operand -> collect(operand, names));
            case QueryExpression.Exists exists -> names.add(exists.path().attribute()) || true;
            case QueryExpression.NotExists notExists -> false;
            case QueryExpression.Comparison comparison -> comparison.operator() != ComparisonOperator.NOT_EQUAL
                    && comparison.operator() != ComparisonOperator.NOT_MATCHES && (names.add(comparison.path().attribute()) || true);
        };
    }

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
            text.append("type=").append(render(types)).append(' ');
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

    private static String render(TypeExpression expression) {
        return switch (expression) {
            case TypeExpression.TypeName name -> name.name();
            case TypeExpression.AllOf all -> String.join(";", all.operands().stream().map(EntitySelection::render).toList());
            case TypeExpression.AnyOf any -> "(" + String.join(",", any.operands().stream().map(EntitySelection::render).toList()) + ")";
        };
    }
}
