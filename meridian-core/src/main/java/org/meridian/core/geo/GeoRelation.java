package org.meridian.core.geo;

/** The NGSI-LD geo-relationships (clause 4.10). {@code near} carries a distance bound in metres. */
public sealed interface GeoRelation {
    record Near(Double maxDistance, Double minDistance) implements GeoRelation {
    }

    record Within() implements GeoRelation {
    }

    record Contains() implements GeoRelation {
    }

    record Intersects() implements GeoRelation {
    }

    record Overlaps() implements GeoRelation {
    }

    record Disjoint() implements GeoRelation {
    }

    record Equals() implements GeoRelation {
    }
}
