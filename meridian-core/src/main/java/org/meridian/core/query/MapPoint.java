package org.meridian.core.query;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An entity on a map: where it is (its location's centre), one attribute's latest instance as the reader may see it
 * (null: none), and its location's geometry when the map draws shapes (null otherwise).
 */
public record MapPoint(String id, double longitude, double latitude, JsonNode instance, JsonNode geometry) {
}
