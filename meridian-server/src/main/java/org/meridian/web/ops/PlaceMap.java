package org.meridian.web.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.meridian.broker.EntityService;
import org.meridian.core.error.MeridianException;
import org.meridian.core.geo.GeoJson;
import org.meridian.core.geo.GeoQuery;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.ngsild.Entity;
import org.meridian.core.ngsild.NgsiLd;
import org.meridian.core.query.EntitySelection;
import org.meridian.core.query.TypeExpression;
import org.meridian.core.security.Caller;
import org.meridian.sharing.Dataset;
import org.meridian.sharing.OpenGrid;
import org.meridian.sharing.Sharing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A place on a small map drawn by the server as SVG: the city's districts and roads around it, from its published open
 * data as the public gets it (what the portal's and the operations centre's maps draw, rounded to the dataset's open
 * grid), and the place itself. The page shows the place with
 * its first render, with no script and no second request: on the case page, starting Leaflet for one dot held the
 * page's DOM-ready back by 0.2–0.4 s on the busy machine of the 100,000-sensor city.
 */
public final class PlaceMap {
    private static final Logger LOG = LoggerFactory.getLogger(PlaceMap.class);
    /** The drawing's size in SVG units (it scales to its box), and the ground it covers around the place. */
    static final int WIDTH = 480;
    static final int HEIGHT = 320;
    static final double HALF_WIDTH_METERS = 1200;
    private static final double METERS_PER_DEGREE = 111_320;
    /** At most this many districts and roads are drawn: the box is small, and a city's data should not make it slow. */
    static final int MOST_DISTRICTS = 50;
    static final int MOST_ROADS = 300;
    /** A district's name is written when this share of the drawing, at least, is inside it. */
    private static final double LABELLED_SHARE = 0.08;

    private final EntityService entities;
    private final Sharing sharing;
    private final JsonLdContext context;

    public PlaceMap(EntityService entities, Sharing sharing, JsonLdContext context) {
        this.entities = entities;
        this.sharing = sharing;
        this.context = context;
    }

    /** A name written on the map at (x, y). */
    public record Label(String text, String x, String y) {
    }

    /**
     * What the template draws: path data in the drawing's units (numbers only), the districts' names, the place, and a
     * scale bar of {@code scaleMeters} that is {@code scaleWidth} units long.
     */
    public record Drawing(List<String> areas, List<String> roads, List<Label> labels, String x, String y, int scaleMeters,
                          String scaleWidth, double longitude, double latitude) {
        public int width() {
            return WIDTH;
        }

        public int height() {
            return HEIGHT;
        }
    }

    /**
     * The drawing around the place, with what anyone may read of the tenant's districts and roads (published data, as
     * coarse as it is published). When those cannot be read the place is drawn alone.
     */
    public Drawing around(String tenant, double longitude, double latitude) {
        Frame frame = new Frame(longitude, latitude);
        Geometry view = GeoJson.factory().toGeometry(frame.margin());
        Geometry shown = GeoJson.factory().toGeometry(frame.view());
        Caller anyone = Caller.anonymous(tenant);
        Map<String, Dataset> published = new HashMap<>();
        List<Entity> districts = List.of();
        List<Entity> roads = List.of();
        try {
            sharing.datasets(anyone).stream().filter(Dataset::published).forEach(dataset -> published.put(dataset.entityType(), dataset));
            districts = near(anyone, "District", frame, MOST_DISTRICTS);
            roads = near(anyone, "Road", frame, MOST_ROADS);
        } catch (MeridianException unread) {
            LOG.debug("the map around {},{} is drawn without the city's shapes: {}", longitude, latitude, unread.getMessage());
        }
        String name = context.expandTerm("name");
        List<String> areas = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (Entity district : districts) {
            Geometry seen = seen(district, published, view);
            if (seen == null) {
                continue;
            }
            String path = frame.path(seen);
            if (!path.isEmpty()) {
                areas.add(path);
            }
            String text = text(district, name);
            try {
                Geometry inside = seen.intersection(shown);
                if (text != null && !inside.isEmpty() && inside.getArea() >= LABELLED_SHARE * frame.view().getArea()) {
                    Point at = inside.getInteriorPoint();
                    labels.add(new Label(text, frame.x(at.getX()), frame.y(at.getY())));
                }
            } catch (RuntimeException odd) {
                LOG.debug("{} is drawn without its name: {}", district.id(), odd.toString());
            }
        }
        List<String> lines = new ArrayList<>();
        for (Entity road : roads) {
            Geometry seen = seen(road, published, view);
            if (seen == null) {
                continue;
            }
            String path = frame.path(seen);
            if (!path.isEmpty()) {
                lines.add(path);
            }
        }
        return new Drawing(areas, lines, labels, frame.x(longitude), frame.y(latitude), 500, Frame.number(500 * frame.unitsPerMeter),
                longitude, latitude);
    }

    private List<Entity> near(Caller anyone, String type, Frame frame, int limit) {
        EntitySelection selection = new EntitySelection(null, null, new TypeExpression.TypeName(context.expandTerm(type)),
                java.util.function.UnaryOperator.identity(), null, null, null, null,
                GeoQuery.parse("intersects", "Polygon", frame.boxCoordinates(), NgsiLd.LOCATION));
        return entities.query(anyone, selection, limit, 0, false).entities();
    }

    /**
     * The part of the entity's location in the view, rounded to its dataset's open grid first; null when there is
     * none, or it cannot be drawn (one odd shape must not take the case page down).
     */
    private static Geometry seen(Entity entity, Map<String, Dataset> published, Geometry view) {
        JsonNode instances = entity.attributes().get(NgsiLd.LOCATION);
        if (instances == null || instances.isEmpty() || !instances.get(0).hasNonNull("value")) {
            return null;
        }
        try {
            JsonNode value = instances.get(0).get("value").deepCopy();
            Integer grid = entity.types().stream().map(published::get).filter(java.util.Objects::nonNull).map(Dataset::openGridMeters)
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null);
            if (grid != null) {
                OpenGrid.round(value, grid);
            }
            Geometry seen = GeoJson.parse(value).intersection(view);
            return seen.isEmpty() ? null : seen;
        } catch (RuntimeException unreadable) {
            LOG.debug("{} is left off the map: {}", entity.id(), unreadable.toString());
            return null;
        }
    }

    private static String text(Entity entity, String iri) {
        JsonNode instances = entity.attributes().get(iri);
        if (instances == null || instances.isEmpty() || !instances.get(0).path("value").isTextual()) {
            return null;
        }
        return instances.get(0).path("value").asText();
    }

    /**
     * The drawing's projection: metres east and north of the place (plate carrée scaled by the cosine of its latitude,
     * exact enough over two kilometres) to SVG units, the place in the middle.
     */
    private static final class Frame {
        final double longitude;
        final double latitude;
        final double metersPerLongitude;
        final double unitsPerMeter = WIDTH / (2 * HALF_WIDTH_METERS);

        Frame(double longitude, double latitude) {
            this.longitude = longitude;
            this.latitude = latitude;
            this.metersPerLongitude = METERS_PER_DEGREE * Math.max(0.01, Math.cos(Math.toRadians(latitude)));
        }

        /** The ground the drawing shows, in degrees. */
        Envelope view() {
            double halfLongitude = HALF_WIDTH_METERS / metersPerLongitude;
            double halfLatitude = HALF_WIDTH_METERS * HEIGHT / WIDTH / METERS_PER_DEGREE;
            return new Envelope(longitude - halfLongitude, longitude + halfLongitude, latitude - halfLatitude, latitude + halfLatitude);
        }

        /** The view and a tenth more each way: shapes are cut there, so their cut edges fall outside the drawing. */
        Envelope margin() {
            Envelope margin = new Envelope(view());
            margin.expandBy(margin.getWidth() / 10, margin.getHeight() / 10);
            return margin;
        }

        String boxCoordinates() {
            Envelope box = margin();
            return String.format(Locale.ROOT, "[[[%1$s,%3$s],[%2$s,%3$s],[%2$s,%4$s],[%1$s,%4$s],[%1$s,%3$s]]]", box.getMinX(),
                    box.getMaxX(), box.getMinY(), box.getMaxY());
        }

        String x(double lon) {
            return number(WIDTH / 2.0 + (lon - longitude) * metersPerLongitude * unitsPerMeter);
        }

        String y(double lat) {
            return number(HEIGHT / 2.0 - (lat - latitude) * METERS_PER_DEGREE * unitsPerMeter);
        }

        /** SVG path data for the shape's polygons (each ring closed) and lines; points are not drawn. */
        String path(Geometry shape) {
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < shape.getNumGeometries(); i++) {
                switch (shape.getGeometryN(i)) {
                    case Polygon polygon -> {
                        ring(path, polygon.getExteriorRing().getCoordinates());
                        for (int hole = 0; hole < polygon.getNumInteriorRing(); hole++) {
                            ring(path, polygon.getInteriorRingN(hole).getCoordinates());
                        }
                    }
                    case LineString line -> line(path, line.getCoordinates());
                    default -> {
                    }
                }
            }
            return path.toString().strip();
        }

        void ring(StringBuilder path, Coordinate[] ring) {
            line(path, ring);
            path.append("Z ");
        }

        void line(StringBuilder path, Coordinate[] line) {
            for (int i = 0; i < line.length; i++) {
                path.append(i == 0 ? 'M' : 'L').append(x(line[i].x)).append(' ').append(y(line[i].y)).append(' ');
            }
        }

        /** A coordinate to a tenth of a unit: small enough to see no step, short enough to keep the page small. */
        static String number(double value) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
    }
}
