package org.meridian.web.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.meridian.broker.EntityService;
import org.meridian.cases.CaseKpis;
import org.meridian.cases.CaseService;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;
import org.meridian.core.jsonld.JsonLdContext;
import org.meridian.core.security.Caller;
import org.meridian.core.security.ReadScope;
import org.meridian.core.security.Role;
import org.meridian.platform.http.Access;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.EventStreams;
import org.meridian.platform.http.Routes;
import org.meridian.web.Pages;

/**
 * The operations centre's front page: the city map (no tile server: districts and roads are the city's own data,
 * drawn as vector layers), a layer per entity type coloured by its latest value and its staleness, open cases and
 * alerts; KPI tiles; the live alarms. The map asks for what is in its view ({@code /ops/map/layer}), as entities or,
 * when there are too many to draw, counted by grid cell on the server; a server-sent event stream tells it which
 * layers changed.
 */
public final class MapPages implements Routes {
    /** Entities of one layer drawn one by one at most; beyond, the server counts them per cell. */
    static final int MAX_POINTS = 800;
    /** The size of a cluster's cell, in screen pixels (at the view's zoom). */
    static final int CELL_PIXELS = 48;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EntityService entities;
    private final CaseService cases;
    private final JsonLdContext context;
    private final LiveMap live;
    private final Pages pages;
    private final Clock clock;

    public MapPages(EntityService entities, CaseService cases, JsonLdContext context, LiveMap live, Pages pages, Clock clock) {
        this.entities = entities;
        this.cases = cases;
        this.context = context;
        this.live = live;
        this.pages = pages;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/ops", this::overview, Access.READ_DATA);
        routes.get("/ops/map/layer", this::layer, Access.READ_DATA);
        routes.sse("/ops/map/live", this::live, Access.READ_DATA);
    }

    /** A KPI tile: the indicator's key and its figure this month (null: nothing to count yet). */
    public record Tile(String key, Double value, boolean rate) {
    }

    private void overview(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        Map<String, Object> model = new HashMap<>();
        model.put("page", pages.page(http));
        model.put("layers", MapLayers.ALL);
        model.put("tiles", tiles(caller));
        pages.render(http, "ops/map.jte", model);
    }

    /** This month's indicators over every department the caller may see (the city's, for a dispatcher). */
    private List<Tile> tiles(Caller caller) {
        Map<String, CaseKpis.Figures> figures = CaseIndicators.thisMonth(cases, caller, clock.instant());
        return figures == null ? List.of() : CaseIndicators.tiles(figures);
    }

    private void layer(Context http) {
        Caller caller = Callers.of(http, Pages.tenant(http));
        MapLayers definition = MapLayers.of(http.queryParam("type"));
        if (definition == null) {
            throw new MeridianException(ErrorType.BAD_REQUEST_DATA, "type is one of the map's layers");
        }
        ReadScope.Area box = box(http.queryParam("bbox"));
        int zoom = zoom(http.queryParam("zoom"));
        double cell = 360.0 / Math.pow(2, zoom) / 256 * CELL_PIXELS;
        EntityService.MapLayer found = entities.map(caller, context.expandTerm(definition.type()), box,
                context.expandTerm(definition.attribute()), definition.shapes(), MAX_POINTS, cell);
        ObjectNode out = NODES.objectNode().put("type", definition.type());
        Instant now = clock.instant();
        switch (found) {
            case EntityService.MapLayer.Points(List<org.meridian.core.query.MapPoint> points) -> {
                ArrayNode list = out.putArray("points");
                for (org.meridian.core.query.MapPoint point : points) {
                    ObjectNode item = list.addObject().put("id", point.id()).put("lon", point.longitude()).put("lat", point.latitude());
                    JsonNode instance = point.instance();
                    if (instance != null) {
                        JsonNode value = instance.has("value") ? instance.get("value") : instance.get("object");
                        if (value != null && value.isValueNode()) {
                            item.set("value", value);
                        }
                        String at = instance.path("observedAt").asText(instance.path("modifiedAt").asText(null));
                        if (at != null) {
                            item.put("at", at);
                            if (definition.staleSeconds() > 0) {
                                item.put("stale", parse(at).plusSeconds(definition.staleSeconds()).isBefore(now));
                            }
                        }
                    }
                    if (point.geometry() != null) {
                        item.set("geometry", point.geometry());
                    }
                }
            }
            case EntityService.MapLayer.Clusters(List<org.meridian.core.query.MapCluster> clusters) -> {
                ArrayNode list = out.putArray("clusters");
                for (org.meridian.core.query.MapCluster cluster : clusters) {
                    list.addObject().put("lon", cluster.longitude()).put("lat", cluster.latitude()).put("count", cluster.count());
                }
            }
        }
        http.header("Cache-Control", "no-store");
        http.contentType("application/json").result(out.toString());
    }

    /**
     * Which of the screen's layers changed: an event {@code changed} with their types about once a second while they
     * change (at most), so the screen fetches only those again.
     */
    private void live(SseClient client) {
        Caller caller = Callers.of(client.ctx(), Pages.tenant(client.ctx()));
        List<String> types = new ArrayList<>();
        String asked = client.ctx().queryParam("types");
        if (asked != null && asked.length() < 2000) {
            for (String type : asked.split(",")) {
                if (MapLayers.of(type) != null && !types.contains(type)) {
                    types.add(type);
                }
            }
        }
        Map<String, Long> seen = new LinkedHashMap<>();
        types.forEach(type -> seen.put(type, live.version(caller.tenant(), context.expandTerm(type))));
        long[] lastSent = {0};
        EventStreams.serve(client, () -> {
            if (System.nanoTime() - lastSent[0] < Duration.ofSeconds(1).toNanos()) {
                return EventStreams.Found.NOTHING;
            }
            ArrayNode changed = NODES.arrayNode();
            seen.replaceAll((type, version) -> {
                long now = live.version(caller.tenant(), context.expandTerm(type));
                if (now != version) {
                    changed.add(type);
                }
                return now;
            });
            if (changed.isEmpty()) {
                return EventStreams.Found.NOTHING;
            }
            lastSent[0] = System.nanoTime();
            client.sendEvent("changed", changed.toString());
            return EventStreams.Found.SENT;
        });
    }

    private static Instant parse(String at) {
        try {
            return Instant.parse(at);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    static ReadScope.Area box(String text) {
        String[] parts = text == null ? new String[0] : text.split(",");
        if (parts.length != 4) {
            throw new MeridianException(ErrorType.BAD_REQUEST_DATA, "bbox is west,south,east,north in degrees");
        }
        try {
            double west = Math.max(-180, Double.parseDouble(parts[0]));
            double south = Math.max(-90, Double.parseDouble(parts[1]));
            double east = Math.min(180, Double.parseDouble(parts[2]));
            double north = Math.min(90, Double.parseDouble(parts[3]));
            return new ReadScope.Area(west, south, east, north);
        } catch (IllegalArgumentException e) {
            throw new MeridianException(ErrorType.BAD_REQUEST_DATA, "bbox is west,south,east,north in degrees, west <= east, south <= north");
        }
    }

    static int zoom(String text) {
        try {
            int zoom = text == null ? 12 : Integer.parseInt(text);
            return Math.max(0, Math.min(22, zoom));
        } catch (NumberFormatException e) {
            throw new MeridianException(ErrorType.BAD_REQUEST_DATA, "zoom is a whole number 0..22");
        }
    }
}
