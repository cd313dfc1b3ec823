package org.meridian.core.geo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.operation.distance.DistanceOp;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

/**
 * A parsed NGSI-LD geo-query: relation, reference geometry and the GeoProperty it applies to.
 * {@link #matches(Geometry)} is the exact test; {@link #searchEnvelope()} a cheap pre-filter for an index.
 */
public record GeoQuery(GeoRelation relation, Geometry geometry, String geoProperty, PreparedGeometry prepared) {
    /**
     * Most vertices of a query geometry. Matching costs about the logarithm of this per candidate (the geometry is
     * prepared: JTS indexes its edges once per query), and candidates are bounded by MERIDIAN_MAX_GEO_CANDIDATES: together they
     * bound a geo-query's work (a 250,000-vertex polygon cost 10 s of CPU before).
     */
    public static final int MAX_VERTICES = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double EARTH_RADIUS_METRES = 6_371_008.8;

    /** Parses the {@code georel}, {@code geometry} and {@code coordinates} query parameters. */
    public static GeoQuery parse(String georel, String geometryType, String coordinates, String geoProperty) {
        if (georel == null || geometryType == null || coordinates == null) {
            throw MeridianException.badData("A geo-query needs georel, geometry and coordinates together");
        }
        JsonNode coordinatesNode;
        try {
            coordinatesNode = JSON.readTree(coordinates);
        } catch (JsonProcessingException e) {
            throw MeridianException.badData("coordinates is not a JSON array: " + e.getOriginalMessage());
        }
        if (countPositions(coordinatesNode, 0) > MAX_VERTICES) {
            throw new MeridianException(ErrorType.TOO_COMPLEX_QUERY, "The query geometry has more than " + MAX_VERTICES
                    + " vertices; simplify it (a district boundary rarely needs more than a few thousand)");
        }
        Geometry geometry = GeoJson.parse(geometryType, coordinatesNode);
        return new GeoQuery(parseRelation(georel, geometryType), geometry, geoProperty, PreparedGeometryFactory.prepare(geometry));
    }

    /** Positions in a coordinates array, counted up to just past the limit (the nesting is at most 4 deep). */
    private static int countPositions(JsonNode node, int counted) {
        if (!node.isArray() || counted > MAX_VERTICES) {
            return counted;
        }
        if (node.isEmpty() || node.get(0).isNumber()) {
            return counted + 1;
        }
        int total = counted;
        for (JsonNode child : node) {
            total = countPositions(child, total);
            if (total > MAX_VERTICES) {
                break;
            }
        }
        return total;
    }

    static GeoRelation parseRelation(String georel, String geometryType) {
        String[] parts = georel.split(";");
        return switch (parts[0]) {
            case "near" -> near(parts, geometryType);
            case "within" -> new GeoRelation.Within();
            case "contains" -> new GeoRelation.Contains();
            case "intersects" -> new GeoRelation.Intersects();
            case "overlaps" -> new GeoRelation.Overlaps();
            case "disjoint" -> new GeoRelation.Disjoint();
            case "equals" -> new GeoRelation.Equals();
            default -> throw MeridianException.badData("Unknown georel '" + parts[0]
                    + "'; expected near, within, contains, intersects, overlaps, disjoint or equals");
        };
    }

    private static GeoRelation near(String[] parts, String geometryType) {
        if (!"Point".equals(geometryType)) {
            throw MeridianException.badData("georel=near needs geometry=Point");
        }
        Double max = null;
        Double min = null;
        for (int i = 1; i < parts.length; i++) {
            String[] bound = parts[i].split("==", 2);
            if (bound.length != 2) {
                throw MeridianException.badData("near takes maxDistance==metres or minDistance==metres, not '" + parts[i] + "'");
            }
            double metres;
            try {
                metres = Double.parseDouble(bound[1]);
            } catch (NumberFormatException e) {
                throw MeridianException.badData("The distance in '" + parts[i] + "' is not a number");
            }
            if (metres < 0 || Double.isNaN(metres) || Double.isInfinite(metres)) {
                throw MeridianException.badData("A distance must be a non-negative number of metres");
            }
            switch (bound[0]) {
                case "maxDistance" -> max = metres;
                case "minDistance" -> min = metres;
                default -> throw MeridianException.badData("near takes maxDistance or minDistance, not '" + bound[0] + "'");
            }
        }
        if (max == null && min == null) {
            throw MeridianException.badData("georel=near needs maxDistance or minDistance");
        }
        return new GeoRelation.Near(max, min);
    }

    /** The exact predicate: does an entity's geometry satisfy this query? */
    public boolean matches(Geometry candidate) {
        return switch (relation) {
            case GeoRelation.Near near -> {
                double distance = distanceMetres(geometry, candidate);
                yield (near.maxDistance() == null || distance <= near.maxDistance())
                        && (near.minDistance() == null || distance >= near.minDistance());
            }
            case GeoRelation.Within ignored -> prepared.contains(candidate);
            case GeoRelation.Contains ignored -> prepared.within(candidate);
            case GeoRelation.Intersects ignored -> prepared.intersects(candidate);
            case GeoRelation.Overlaps ignored -> prepared.overlaps(candidate);
            case GeoRelation.Disjoint ignored -> prepared.disjoint(candidate);
            case GeoRelation.Equals ignored -> candidate.equalsTopo(geometry);
        };
    }

    /**
     * Whether an entity lying within {@code area} (a context source's registered location, a district's boundary)
     * could satisfy this query: false only when none can, so a source is never skipped that might hold a match.
     */
    public boolean mayMatchWithin(Geometry area) {
        return switch (relation) {
            case GeoRelation.Near near -> near.maxDistance() == null || distanceMetres(geometry, area) <= near.maxDistance();
            case GeoRelation.Disjoint ignored -> !prepared.covers(area);
            default -> prepared.intersects(area);
        };
    }

    /**
     * A longitude/latitude box that contains every geometry that can match, or null when no box bounds the matches
     * (disjoint, near with only a minimum distance).
     */
    public Envelope searchEnvelope() {
        return switch (relation) {
            case GeoRelation.Near near -> near.maxDistance() == null ? null : around(geometry.getCoordinate().y,
                    geometry.getCoordinate().x, near.maxDistance());
            case GeoRelation.Disjoint ignored -> null;
            case GeoRelation.Within ignored -> geometry.getEnvelopeInternal();
            case GeoRelation.Contains ignored -> geometry.getEnvelopeInternal();
            case GeoRelation.Intersects ignored -> geometry.getEnvelopeInternal();
            case GeoRelation.Overlaps ignored -> geometry.getEnvelopeInternal();
            case GeoRelation.Equals ignored -> geometry.getEnvelopeInternal();
        };
    }

    private static Envelope around(double latitude, double longitude, double metres) {
        // A little wider than exact, so that rounding never drops a point lying on the circle.
        double latitudeDelta = Math.toDegrees(metres / EARTH_RADIUS_METRES) * 1.001 + 1e-7;
        double cosine = Math.cos(Math.toRadians(latitude));
        double longitudeDelta = cosine < 1e-6 ? 180 : Math.min(180, latitudeDelta / cosine);
        return new Envelope(longitude - longitudeDelta, longitude + longitudeDelta,
                Math.max(-90, latitude - latitudeDelta), Math.min(90, latitude + latitudeDelta));
    }

    /** Great-circle distance between the nearest points of two geometries. */
    public static double distanceMetres(Geometry a, Geometry b) {
        if (a.intersects(b)) {
            return 0;
        }
        var points = DistanceOp.nearestPoints(a, b);
        return haversine(points[0].y, points[0].x, points[1].y, points[1].x);
    }

    public static double haversine(double latitude1, double longitude1, double latitude2, double longitude2) {
        double dLatitude = Math.toRadians(latitude2 - latitude1);
        double dLongitude = Math.toRadians(longitude2 - longitude1);
        double h = Math.sin(dLatitude / 2) * Math.sin(dLatitude / 2) + Math.cos(Math.toRadians(latitude1))
                * Math.cos(Math.toRadians(latitude2)) * Math.sin(dLongitude / 2) * Math.sin(dLongitude / 2);
        return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
