package org.meridian.web.ops;

import java.util.List;

/**
 * The operations centre's map layers: one per entity type of the city's data, each drawn by one attribute (a level
 * with its thresholds, an on/off state, a status) — data, not code, so a city adds its own types here. The thresholds
 * are the usual ones: PM2.5 by China's air-quality grades (35 / 75 / 115 μg/m³), rain by the national intensity
 * classes (mm/h), water by the demo's underpass warning levels (m).
 *
 * @param type the entity type (a term of the core context)
 * @param attribute what the colour shows (a term)
 * @param levels the thresholds from good to bad (for numbers); empty for a state read as text
 * @param bad the text values that are bad (for states)
 * @param shapes whether the entities are drawn by their geometry (roads, areas) rather than as points
 * @param staleSeconds after how long without a change a sensor is drawn as silent
 */
public record MapLayers(String type, String attribute, List<Double> levels, List<String> bad, boolean shapes, int staleSeconds) {
    public static final List<MapLayers> ALL = List.of(
            new MapLayers("ServiceRequest", "urgency", List.of(), List.of("urgent"), false, 0),
            new MapLayers("Alert", "severity", List.of(), List.of("high", "critical"), false, 0),
            new MapLayers("RoadSegment", "status", List.of(), List.of("closed"), true, 0),
            new MapLayers("FloodMonitoring", "currentLevel", List.of(0.15, 0.3, 0.5), List.of(), false, 300),
            new MapLayers("AirQualityObserved", "pm25", List.of(35.0, 75.0, 115.0), List.of(), false, 300),
            new MapLayers("WeatherObserved", "precipitation", List.of(2.5, 8.0, 16.0), List.of(), false, 300),
            new MapLayers("TrafficFlowObserved", "congested", List.of(), List.of("true"), false, 300),
            new MapLayers("OffStreetParking", "availableSpotNumber", List.of(), List.of(), false, 300),
            new MapLayers("Streetlight", "powerState", List.of(), List.of("off"), false, 300),
            new MapLayers("WasteContainer", "fillingLevel", List.of(0.5, 0.8, 0.95), List.of(), false, 300),
            new MapLayers("NoiseLevelObserved", "LAeq", List.of(55.0, 65.0, 70.0), List.of(), false, 300));

    static MapLayers of(String type) {
        return ALL.stream().filter(layer -> layer.type.equals(type)).findFirst().orElse(null);
    }
}
