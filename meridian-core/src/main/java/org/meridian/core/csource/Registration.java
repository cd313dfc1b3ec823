package org.meridian.core.csource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;

/**
 * A context source registration (clause 5.2.9) as the broker matches it: names expanded, times parsed. What it shows
 * is the registration as sent, see {@link RegistrationParser.Parsed}.
 *
 * @param information what the source offers: entities by type, id or pattern, and attribute names
 * @param endpoint where the source answers NGSI-LD requests
 * @param mode how its answers combine with this broker's own (clause 4.3.6.2)
 * @param operations the operations it serves, operation groups expanded
 * @param location the area it covers, or null
 * @param observationInterval the times its data were observed in, or null
 * @param managementInterval the times its data were managed in, or null
 * @param expiresAt when the registration ends, or null
 * @param properties its other members (csource properties), laid out as a stored entity's attributes for q and csf
 * @param tenant the tenant to ask the source for, or null for the caller's
 * @param management how to ask it: timeout and cooldown (0: the broker's defaults), and whether only locally
 * @param contextSourceInfo key-value pairs to send the source with every request (credentials, for one)
 * @param name its registrationName, or null
 */
public record Registration(String id, List<Info> information, String endpoint, Mode mode, Set<String> operations,
                           Geometry location, Interval observationInterval, Interval managementInterval, Instant expiresAt,
                           ObjectNode properties, String tenant, Management management,
                           java.util.Map<String, String> contextSourceInfo, String name) {

    /** How answers and warnings name the source: its name and id, or its id. */
    public String label() {
        return name == null ? id : name + " (" + id + ")";
    }

    /** A registration's management (clause 5.2.34): milliseconds, 0 when not given. */
    public record Management(long timeoutMillis, long cooldownMillis, boolean localOnly) {
        public static final Management DEFAULT = new Management(0, 0, false);
    }

    public Registration {
        information = List.copyOf(information);
        operations = Set.copyOf(operations);
        contextSourceInfo = java.util.Map.copyOf(contextSourceInfo);
    }

    /** One RegistrationInfo (clause 5.2.10): the entities it names, and the attributes (all, when none are named). */
    public record Info(List<EntityInfo> entities, Set<String> propertyNames, Set<String> relationshipNames) {
        public Info {
            entities = List.copyOf(entities);
            // In the order given, as they are shown again.
            propertyNames = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(propertyNames));
            relationshipNames = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(relationshipNames));
        }

        /** Whether the info names attributes at all; one that names none offers every attribute of its entities. */
        public boolean namesAttributes() {
            return !propertyNames.isEmpty() || !relationshipNames.isEmpty();
        }
    }

    /** An EntityInfo (clause 5.2.8): a type (expanded), and optionally an id or an id pattern (compiled once). */
    public record EntityInfo(String type, String id, String idPattern, com.google.re2j.Pattern pattern) {
    }

    /** A TimeInterval (clause 5.2.11); endAt null: still open. */
    public record Interval(Instant startAt, Instant endAt) {
    }

    /** Registration modes (clause 4.3.6.2). */
    public enum Mode {
        INCLUSIVE("inclusive"), EXCLUSIVE("exclusive"), REDIRECT("redirect"), AUXILIARY("auxiliary");

        private final String text;

        Mode(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }
}
