package org.meridian.core.csource;

import com.google.re2j.Pattern;
import java.time.Instant;
import java.util.Set;
import org.meridian.core.geo.GeoQuery;
import org.meridian.core.query.QueryEvaluator;
import org.meridian.core.query.QueryExpression;

/**
 * Which registrations a discovery query selects (clause 5.10.2): those with one RegistrationInfo that offers an entity
 * of the types and ids asked for and one of the attributes, whose csource properties satisfy q and csf, whose location
 * satisfies the geo-query and whose interval the temporal query. Every criterion is optional; null means any.
 *
 * @param types expanded entity types, any of which
 * @param ids entity ids, any of which
 * @param idPattern a pattern entity ids must match
 * @param attributes expanded attribute names, any of which
 * @param time the temporal query, on the observation interval or (modifiedAt, createdAt) the management interval
 */
public record RegistrationFilter(Set<String> types, Set<String> ids, Pattern idPattern, Set<String> attributes,
                                 QueryExpression q, QueryExpression csf, GeoQuery geo, TimeFilter time) {

    /** A temporal query on a registration's interval: before, after or between. */
    public record TimeFilter(String relation, Instant at, Instant endAt, boolean management) {
        boolean matches(Registration.Interval interval) {
            if (interval == null) {
                return false;
            }
            Instant end = interval.endAt();
            return switch (relation) {
                case "before" -> interval.startAt().isBefore(at);
                case "after" -> end == null || end.isAfter(at);
                case "between" -> interval.startAt().isBefore(endAt) && (end == null || end.isAfter(at));
                default -> throw new IllegalArgumentException("timerel " + relation);
            };
        }
    }

    /** Whether the filter asks anything at all: a discovery query must (clause 5.10.2.4). */
    public boolean isEmpty() {
        return types == null && ids == null && idPattern == null && attributes == null && q == null && csf == null
                && geo == null && time == null;
    }

    public boolean matches(Registration registration) {
        if (q != null && !QueryEvaluator.matches(q, registration.properties())) {
            return false;
        }
        if (csf != null && !QueryEvaluator.matches(csf, registration.properties())) {
            return false;
        }
        if (geo != null && (registration.location() == null || !geo.matches(registration.location()))) {
            return false;
        }
        if (time != null && !time.matches(time.management() ? registration.managementInterval() : registration.observationInterval())) {
            return false;
        }
        return registration.information().stream().anyMatch(this::offers);
    }

    /** Whether one RegistrationInfo offers the entities and attributes asked for. */
    public boolean offers(Registration.Info info) {
        // An info that names no entities offers its attributes of every entity.
        boolean entities = types == null && ids == null && idPattern == null || info.entities().isEmpty()
                || info.entities().stream().anyMatch(this::offers);
        boolean attributesOffered = attributes == null || !info.namesAttributes()
                || attributes.stream().anyMatch(name -> info.propertyNames().contains(name) || info.relationshipNames().contains(name));
        return entities && attributesOffered;
    }

    private boolean offers(Registration.EntityInfo entity) {
        if (types != null && !types.contains(entity.type())) {
            return false;
        }
        if (ids != null && !(entity.id() == null && entity.idPattern() == null || entity.id() != null && ids.contains(entity.id())
                || entity.pattern() != null && ids.stream().anyMatch(id -> entity.pattern().matcher(id).find()))) {
            return false;
        }
        // An id pattern asked for matches the ids a source names, and a pattern it names when it is the same one.
        return idPattern == null || entity.id() == null && entity.idPattern() == null
                || entity.id() != null && idPattern.matcher(entity.id()).find()
                || idPattern.pattern().equals(entity.idPattern());
    }
}
