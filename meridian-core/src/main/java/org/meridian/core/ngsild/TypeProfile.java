package org.meridian.core.ngsild;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What a data catalogue says of an entity type without showing its data: how many entities, when one last changed,
 * the area their locations cover, and the shape of an entity (attribute names and kinds, no values).
 *
 * @param lastModified null when there is no entity
 * @param extent null when no entity has a location
 * @param attributes attribute IRI → its kinds (Property, GeoProperty, Relationship…), from up to {@link #SHAPE_SAMPLE} entities
 */
public record TypeProfile(String type, long entities, Instant lastModified, Extent extent, Map<String, Set<String>> attributes) {
    /** How many entities of a type the shape is read from. */
    public static final int SHAPE_SAMPLE = 200;

    /** A bounding box in degrees. */
    public record Extent(double west, double south, double east, double north) {
    }
}
