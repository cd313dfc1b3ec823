package org.meridian.core.geo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.meridian.core.error.MeridianException;

/** Reads and checks GeoJSON geometries (RFC 7946) into JTS geometries in longitude/latitude order. */
public final class GeoJson {
    public static final Set<String> GEOMETRY_TYPES = Set.of(
            "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon");
    private static final GeometryFactory FACTORY = new GeometryFactory(new PrecisionModel(), 4326);

    private GeoJson() {
    }

    public static GeometryFactory factory() {
        return FACTORY;
    }

    /** True when the node looks like a GeoJSON geometry (used to recognise concise GeoProperties). */
    public static boolean looksLikeGeometry(JsonNode node) {
        return node != null && node.isObject() && node.path("type").isTextual()
                && GEOMETRY_TYPES.contains(node.path("type").asText()) && node.has("coordinates");
    }

    public static Geometry parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw MeridianException.badData("A geometry must be a GeoJSON object");
        }
        String type = node.path("type").asText("");
        JsonNode coordinates = node.get("coordinates");
        if (!GEOMETRY_TYPES.contains(type)) {
            throw MeridianException.badData("Unsupported GeoJSON geometry type '" + type + "'; expected one of " + GEOMETRY_TYPES);
        }
        if (coordinates == null || !coordinates.isArray()) {
            throw MeridianException.badData("A GeoJSON " + type + " needs a coordinates array");
        }
        return parse(type, coordinates);
    }

    /** Parses coordinates given apart from their type, as the geometry and coordinates query parameters do. */
    public static Geometry parse(String type, JsonNode coordinates) {
        Geometry geometry = switch (type) {
            case "Point" -> point(coordinates);
            case "MultiPoint" -> FACTORY.createMultiPoint(array(coordinates, 1, "MultiPoint").valueStream()
                    .map(GeoJson::point).toArray(Point[]::new));
            case "LineString" -> lineString(coordinates);
            case "MultiLineString" -> FACTORY.createMultiLineString(array(coordinates, 1, "MultiLineString").valueStream()
                    .map(GeoJson::lineString).toArray(LineString[]::new));
            case "Polygon" -> polygon(coordinates);
            case "MultiPolygon" -> FACTORY.createMultiPolygon(array(coordinates, 1, "MultiPolygon").valueStream()
                    .map(GeoJson::polygon).toArray(Polygon[]::new));
            default -> throw MeridianException.badData("Unsupported GeoJSON geometry type '" + type + "'");
        };
        // RFC 7946 asks only for closed rings of four or more positions; a ring that crosses itself (a "bowtie" drawn by
        // hand on a map) is well-formed GeoJSON but not a valid OGC polygon. It is kept as written and compared as the
        // area it encloses, so a query with the same polygon finds it and JTS predicates never meet an invalid shape.
        if (geometry.isValid()) {
            return geometry;
        }
        Geometry fixed = GeometryFixer.fix(geometry);
        if (fixed.isEmpty()) {
            throw MeridianException.badData("The " + type + " encloses no area (its rings fold onto themselves)");
        }
        return fixed;
    }

    private static Point point(JsonNode position) {
        return FACTORY.createPoint(coordinate(position));
    }

    private static LineString lineString(JsonNode positions) {
        Coordinate[] coordinates = coordinates(array(positions, 2, "LineString"));
        return FACTORY.createLineString(coordinates);
    }

    private static Polygon polygon(JsonNode rings) {
        array(rings, 1, "Polygon");
        LinearRing shell = ring(rings.get(0));
        LinearRing[] holes = new LinearRing[rings.size() - 1];
        for (int i = 1; i < rings.size(); i++) {
            holes[i - 1] = ring(rings.get(i));
        }
        return FACTORY.createPolygon(shell, holes);
    }

    private static LinearRing ring(JsonNode positions) {
        Coordinate[] coordinates = coordinates(array(positions, 4, "Polygon ring"));
        if (!coordinates[0].equals2D(coordinates[coordinates.length - 1])) {
            throw MeridianException.badData("A Polygon ring must end at its first position");
        }
        return FACTORY.createLinearRing(coordinates);
    }

    private static Coordinate[] coordinates(JsonNode positions) {
        Coordinate[] coordinates = new Coordinate[positions.size()];
        for (int i = 0; i < positions.size(); i++) {
            coordinates[i] = coordinate(positions.get(i));
        }
        return coordinates;
    }

    private static Coordinate coordinate(JsonNode position) {
        if (position == null || !position.isArray() || position.size() < 2 || position.size() > 3
                || !position.get(0).isNumber() || !position.get(1).isNumber()) {
            throw MeridianException.badData("A GeoJSON position must be [longitude, latitude] or [longitude, latitude, altitude]");
        }
        double longitude = position.get(0).asDouble();
        double latitude = position.get(1).asDouble();
        if (longitude < -180 || longitude > 180 || latitude < -90 || latitude > 90) {
            throw MeridianException.badData("Position [" + longitude + ", " + latitude + "] is outside longitude -180..180, latitude -90..90");
        }
        return new Coordinate(longitude, latitude);
    }

    private static JsonNode array(JsonNode node, int minimumSize, String what) {
        if (node == null || !node.isArray() || node.size() < minimumSize) {
            throw MeridianException.badData("A GeoJSON " + what + " needs an array of at least " + minimumSize + " element(s)");
        }
        return node;
    }

}
