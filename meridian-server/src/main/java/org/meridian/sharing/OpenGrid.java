package org.meridian.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Open data's coarser places: every coordinate of a published dataset's geometries rounded to its grid
 * ({@link Dataset#openGridMeters()}), wherever the public meets them (the open-data API, the maps drawn by the server).
 */
public final class OpenGrid {
    private static final double METERS_PER_DEGREE = 111_320;

    private OpenGrid() {
    }

    /**
     * Rounds, in place, every coordinate of every GeoJSON geometry in the value (points, lines, polygons, collections,
     * and the arrays of multi-instance attributes) to the grid, about {@code meters} on the ground.
     */
    public static void round(JsonNode value, int meters) {
        if (value instanceof ArrayNode array) {
            array.forEach(element -> round(element, meters));
        } else if (value instanceof ObjectNode object) {
            if (object.get("coordinates") instanceof ArrayNode coordinates) {
                roundCoordinates(coordinates, meters / METERS_PER_DEGREE);
            }
            object.properties().forEach(member -> {
                if (!member.getKey().equals("coordinates")) {
                    round(member.getValue(), meters);
                }
            });
        }
    }

    private static void roundCoordinates(ArrayNode coordinates, double step) {
        for (int i = 0; i < coordinates.size(); i++) {
            JsonNode element = coordinates.get(i);
            if (element instanceof ArrayNode nested) {
                roundCoordinates(nested, step);
            } else if (element.isNumber()) {
                coordinates.set(i, DoubleNode.valueOf(Math.round(element.asDouble() / step) * step));
            }
        }
    }
}
