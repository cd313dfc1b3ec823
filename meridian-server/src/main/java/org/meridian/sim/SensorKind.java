package org.meridian.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;

/**
 * The kinds of sensor in the demo city, each provisioned as a service group of FIWARE Smart Data Models entities, and
 * what each measures. Measurement keys are short, as devices send them; the group maps them to SDM attribute names.
 */
enum SensorKind {
    AIR_QUALITY("AirQualityObserved", "air", 12,
            "no2:no2:Number:GQ", "pm25:pm25:Number:GQ", "pm10:pm10:Number:GQ", "o3:o3:Number:GQ",
            "t:temperature:Number:CEL", "aqi:airQualityIndex:Integer:", "lvl:airQualityLevel:Text:"),
    WEATHER("WeatherObserved", "weather", 4,
            "t:temperature:Number:CEL", "rh:relativeHumidity:Number:P1", "rain:precipitation:Number:H67",
            "ws:windSpeed:Number:MTS", "wd:windDirection:Integer:DD", "p:atmosphericPressure:Number:A97"),
    TRAFFIC("TrafficFlowObserved", "traffic", 18,
            "q:intensity:Integer:", "v:averageVehicleSpeed:Number:KMH", "occ:occupancy:Number:", "jam:congested:Boolean:"),
    PARKING("OffStreetParking", "parking", 10,
            "free:availableSpotNumber:Integer:", "st:status:Text:"),
    STREETLIGHT("Streetlight", "light", 30,
            "on:powerState:Text:", "lux:illuminanceLevel:Number:", "st:status:Text:"),
    RIVER_LEVEL("FloodMonitoring", "river", 3,
            "lvl:currentLevel:Number:MTR", "st:floodLevelStatus:Text:"),
    UNDERPASS_LEVEL("FloodMonitoring", "underpass", 3,
            "lvl:currentLevel:Number:MTR", "st:floodLevelStatus:Text:"),
    NOISE("NoiseLevelObserved", "noise", 8,
            "laeq:LAeq:Number:2N", "lamax:LAmax:Number:2N"),
    WASTE("WasteContainer", "waste", 12,
            "fill:fillingLevel:Number:", "t:temperature:Number:CEL", "st:status:Text:");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final String entityType;
    final String keySuffix;
    /** Relative share of the city's sensors. */
    final int weight;
    private final String[] mappings;

    SensorKind(String entityType, String keySuffix, int weight, String... mappings) {
        this.entityType = entityType;
        this.keySuffix = keySuffix;
        this.weight = weight;
        this.mappings = mappings;
    }

    /** The {@code attributes} of the service group: object_id, name, type and unit of each key. */
    ArrayNode attributeMappings() {
        ArrayNode array = NODES.arrayNode();
        for (String mapping : mappings) {
            String[] parts = mapping.split(":", -1);
            ObjectNode row = array.addObject().put("object_id", parts[0]).put("name", parts[1]).put("type", parts[2]);
            if (!parts[3].isEmpty()) {
                row.put("unitCode", parts[3]);
            }
        }
        return array;
    }

    /** Attributes that do not change: written when the device is provisioned. */
    ObjectNode staticAttributes(CityPlan.Sensor sensor) {
        ObjectNode attributes = NODES.objectNode();
        ObjectNode location = attributes.putObject("location").put("type", "GeoProperty");
        ObjectNode point = location.putObject("value").put("type", "Point");
        point.putArray("coordinates").add(sensor.lon()).add(sensor.lat());
        attributes.putObject("name").put("type", "Property").put("value", sensor.name());
        attributes.putObject("areaServed").put("type", "Property").put("value", sensor.district());
        switch (this) {
            case PARKING -> attributes.putObject("totalSpotNumber").put("type", "Property").put("value", sensor.capacity());
            case RIVER_LEVEL, UNDERPASS_LEVEL -> attributes.putObject("referenceLevel").put("type", "Property")
                    .put("value", this == RIVER_LEVEL ? 4.5 : 0.25).put("unitCode", "MTR");
            case WASTE -> attributes.putObject("wasteType").put("type", "Property").put("value",
                    sensor.capacity() % 2 == 0 ? "residual" : "recyclable");
            default -> {
            }
        }
        return attributes;
    }

    /** One measurement, as the device would publish it. */
    ObjectNode measure(CityPlan.Sensor sensor, SensorState state, ZonedDateTime time, double rain, double runoff,
                       SplittableRandom random) {
        double hour = CityClock.hourOfDay(time);
        boolean weekend = CityClock.weekend(time);
        double traffic = trafficLoad(hour, weekend) * sensor.intensity();
        ObjectNode m = NODES.objectNode();
        switch (this) {
            case AIR_QUALITY -> {
                double washout = 1 - 0.6 * rain;
                // Night-time inversions trap particles; traffic adds nitrogen dioxide; sunshine makes ozone.
                double inversion = hour < 7 || hour > 21 ? 1.25 : 1.0;
                double no2 = (18 + 42 * traffic) * washout + state.drift() + noise(random, 3);
                double pm25 = (14 + 22 * traffic) * inversion * washout + noise(random, 2.5);
                double sun = Math.max(0, Math.sin(Math.PI * (hour - 6) / 14));
                double o3 = 25 + 70 * sun * (1 - rain) + noise(random, 4);
                int aqi = (int) Math.round(Math.max(pm25 * 1.4, no2 * 0.9));
                m.put("no2", round(Math.max(1, no2), 1)).put("pm25", round(Math.max(1, pm25), 1))
                        .put("pm10", round(Math.max(2, pm25 * 1.7 + noise(random, 3)), 1)).put("o3", round(Math.max(1, o3), 1))
                        .put("t", round(temperature(hour, rain) + noise(random, 0.3), 1)).put("aqi", aqi)
                        .put("lvl", aqi <= 50 ? "good" : aqi <= 100 ? "moderate" : aqi <= 150 ? "unhealthyForSensitiveGroups" : "unhealthy");
            }
            case WEATHER -> {
                double humidity = 62 - 14 * Math.cos(2 * Math.PI * (hour - 4) / 24) * (1 - rain) + 30 * rain;
                m.put("t", round(temperature(hour, rain) + noise(random, 0.3), 1))
                        .put("rh", round(clamp(humidity + noise(random, 2), 15, 100), 0))
                        .put("rain", round(Math.max(0, rain * 28 + (rain > 0 ? noise(random, 2) : 0)), 1))
                        .put("ws", round(Math.max(0, 2.5 + 6 * rain + noise(random, 1.2)), 1))
                        .put("wd", Math.floorMod((long) (135 + 90 * rain + noise(random, 25)), 360))
                        .put("p", round(1013 - 9 * rain + noise(random, 0.6), 1));
            }
            case TRAFFIC -> {
                double load = clamp(traffic * (1 + 0.35 * rain) + noise(random, 0.04), 0.02, 1.2);
                double speed = sensor.capacity() / 20.0 * (1 - 0.65 * Math.min(1, load)) * (1 - 0.2 * rain) + noise(random, 2);
                m.put("q", (int) Math.round(load * sensor.capacity() * (weekend ? 0.8 : 1)))
                        .put("v", round(Math.max(3, speed), 1)).put("occ", round(clamp(load * 0.8, 0, 1), 2))
                        .put("jam", load > 0.85);
            }
            case PARKING -> {
                // Offices fill on weekday working hours; shops in the evenings and at weekends.
                double office = weekend ? 0.15 : bell(hour, 13, 4.5) * 0.85;
                double shops = bell(hour, weekend ? 15 : 19, 3.5) * (weekend ? 0.9 : 0.6);
                double occupied = clamp(0.08 + Math.max(office, shops) * sensor.intensity() + 0.1 * rain + noise(random, 0.03), 0, 1);
                int free = (int) Math.round(sensor.capacity() * (1 - occupied));
                m.put("free", free).put("st", free == 0 ? "full" : hour < 6 ? "closed" : "open");
            }
            case STREETLIGHT -> {
                boolean dark = hour < 6.3 || hour > 18.2 || rain > 0.7;
                if (state.faulty()) {
                    m.put("on", "off").put("lux", 0.0).put("st", "defectiveLamp");
                } else {
                    // Dimmed in the small hours, when streets are empty.
                    double level = !dark ? 0 : hour >= 1 && hour < 5 ? 0.4 : 1.0;
                    m.put("on", dark ? "on" : "off").put("lux", level).put("st", "ok");
                }
            }
            case RIVER_LEVEL -> {
                double level = 2.1 + 0.15 * Math.sin(2 * Math.PI * hour / 12.4) + 1.9 * runoff + noise(random, 0.02) + state.drift() / 50;
                m.put("lvl", round(level, 2)).put("st", level > 4.5 ? "flood" : level > 3.6 ? "warning" : "normal");
            }
            case UNDERPASS_LEVEL -> {
                // An underpass fills fast: a heavy storm floods the busiest ones past 30 cm (the demo flood rule's limit).
                double level = Math.max(0, 0.75 * runoff * sensor.intensity() - 0.05 + noise(random, 0.01));
                m.put("lvl", round(level, 2)).put("st", level > 0.25 ? "flood" : level > 0.1 ? "warning" : "normal");
            }
            case NOISE -> {
                double laeq = 42 + 26 * Math.min(1, traffic) + 4 * rain + noise(random, 1.5) + state.drift();
                m.put("laeq", round(laeq, 1)).put("lamax", round(laeq + 8 + Math.abs(noise(random, 4)), 1));
            }
            case WASTE -> {
                double fill = state.fillLevel();
                m.put("fill", round(fill, 2)).put("t", round(temperature(hour, rain) + 3 + noise(random, 0.5), 1))
                        .put("st", fill > 0.9 ? "full" : "ok");
            }
        }
        return m;
    }

    /** Traffic: a morning and an evening peak on weekdays, a late broad hump at weekends. */
    static double trafficLoad(double hour, boolean weekend) {
        if (weekend) {
            return 0.1 + 0.55 * bell(hour, 14, 4);
        }
        return 0.08 + 0.85 * bell(hour, 8.2, 1.3) + 0.8 * bell(hour, 18, 1.6) + 0.35 * bell(hour, 13, 3);
    }

    private static double temperature(double hour, double rain) {
        return 14 + 6 * Math.cos(2 * Math.PI * (hour - 15) / 24) - 4 * rain;
    }

    private static double bell(double x, double centre, double width) {
        double d = (x - centre) / width;
        return Math.exp(-0.5 * d * d);
    }

    private static double noise(SplittableRandom random, double scale) {
        // Sum of uniforms: close enough to a normal distribution, and cheap.
        return (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5) * scale * 1.2;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    private static double round(double value, int decimals) {
        double factor = Math.pow(10, decimals);
        return Math.round(value * factor) / factor;
    }
}
