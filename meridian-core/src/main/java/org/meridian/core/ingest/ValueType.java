package org.meridian.core.ingest;

import java.util.Optional;

/** The value a measurement key must carry, named as FIWARE IoT Agents name them. */
public enum ValueType {
    NUMBER("Number"), INTEGER("Integer"), TEXT("Text"), BOOLEAN("Boolean"),
    /** "lat, lon" text, [lon, lat] or a GeoJSON Point: becomes a GeoProperty Point. */
    GEO_POINT("geo:point"),
    /** A GeoJSON geometry: becomes a GeoProperty. */
    GEO_JSON("geo:json"),
    /** Any JSON value: becomes a JsonProperty. */
    JSON("Json"),
    /** An entity id (URI): becomes a Relationship. */
    RELATIONSHIP("Relationship");

    private final String wireName;

    ValueType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ValueType> fromWireName(String name) {
        for (ValueType type : values()) {
            if (type.wireName.equalsIgnoreCase(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
