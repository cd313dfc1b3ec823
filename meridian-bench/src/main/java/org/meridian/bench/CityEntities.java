package org.meridian.bench;

import java.util.Locale;
import java.util.SplittableRandom;

/** Entities of Smart Data Models shape for load tests: six properties, a relationship and a location. */
final class CityEntities {
    static final double WEST = 116.20;
    static final double EAST = 116.60;
    static final double SOUTH = 39.80;
    static final double NORTH = 40.05;

    private CityEntities() {
    }

    static String id(String type, int n) {
        return "urn:ngsi-ld:" + type + ":" + n;
    }

    static String airQuality(String type, int n, SplittableRandom random) {
        double longitude = WEST + random.nextDouble() * (EAST - WEST);
        double latitude = SOUTH + random.nextDouble() * (NORTH - SOUTH);
        String observedAt = "2024-05-01T08:%02d:00Z".formatted(random.nextInt(60));
        return String.format(Locale.ROOT, """
                {"id":"%s","type":"%s",\
                "NO2":{"type":"Property","value":%d,"unitCode":"GQ","observedAt":"%s"},\
                "PM25":{"type":"Property","value":%d,"unitCode":"GQ","observedAt":"%s"},\
                "PM10":{"type":"Property","value":%d,"unitCode":"GQ","observedAt":"%s"},\
                "temperature":{"type":"Property","value":%.1f,"unitCode":"CEL","observedAt":"%s"},\
                "relativeHumidity":{"type":"Property","value":%.2f,"observedAt":"%s"},\
                "airQualityIndex":{"type":"Property","value":%d,"observedAt":"%s"},\
                "refDevice":{"type":"Relationship","object":"urn:ngsi-ld:Device:%d"},\
                "location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[%.6f,%.6f]}}}""",
                id(type, n), type,
                random.nextInt(5, 120), observedAt, random.nextInt(3, 250), observedAt, random.nextInt(5, 300), observedAt,
                -5 + random.nextDouble() * 40, observedAt, random.nextDouble(), observedAt, random.nextInt(10, 300), observedAt,
                n, longitude, latitude);
    }
}
