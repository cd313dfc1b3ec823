package org.meridian.rules;

/** Where entities are, for rules keyed by district or by nearness (the broker's data, read as the platform). */
public interface Places {
    /** A WGS84 point. */
    record Point(double longitude, double latitude) {
    }

    /** Where the entity is now, or null when it has no location. */
    Point locate(String tenant, String entity);

    /** The object of the entity's relationship (expanded name) now, or null when it has none. */
    String related(String tenant, String entity, String relationship);

    /** The district (the last part of a {@code District} entity's id) whose polygon holds the point, or null. */
    String district(String tenant, Point point);
}
