package org.meridian.sim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The fictional city of Meridian: districts laid out on a grid around its centre, main roads between them, and
 * sensors placed in the districts (traffic counters on the roads). Everything follows from the seed and the size.
 */
final class CityPlan {
    static final double CENTRE_LON = 120.16;
    static final double CENTRE_LAT = 30.27;
    /** About 3 km by 3 km per district at this latitude. */
    private static final double DISTRICT_LON = 0.031;
    private static final double DISTRICT_LAT = 0.027;

    record District(String id, String name, String localName, int population, double west, double south, double east, double north) {
        double[][] ring() {
            return new double[][] {{west, south}, {east, south}, {east, north}, {west, north}, {west, south}};
        }
    }

    record Road(String id, String name, double[][] line) {
    }

    /**
     * One sensor.
     *
     * @param capacity what the place holds (parking spots, vehicles per interval on a road)
     * @param intensity how busy the place is compared with others of its kind
     */
    record Sensor(String deviceId, SensorKind kind, String name, String district, double lon, double lat, int capacity,
                  double intensity) {
    }

    private static final String[][] DISTRICT_NAMES = {
            {"Old Town", "老城区"}, {"Riverside", "滨江区"}, {"Tech Park", "高新区"},
            {"Harbour", "港湾区"}, {"Hillside", "山南区"}, {"Lakeside", "湖西区"}};
    private static final String[] ROAD_NAMES = {"Zhongshan Road", "Jiefang Road", "Binjiang Avenue", "Wenyi Road",
            "Qiutao Road", "Tianmushan Road", "Moganshan Road", "Yan'an Road"};

    final List<District> districts = new ArrayList<>();
    final List<Road> roads = new ArrayList<>();
    final List<Sensor> sensors = new ArrayList<>();

    CityPlan(long seed, int sensorCount) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < DISTRICT_NAMES.length; i++) {
            int column = i % 3;
            int row = i / 3;
            double west = CENTRE_LON + (column - 1.5) * DISTRICT_LON;
            double south = CENTRE_LAT + (row - 1) * DISTRICT_LAT;
            districts.add(new District("urn:ngsi-ld:District:" + slug(DISTRICT_NAMES[i][0]), DISTRICT_NAMES[i][0],
                    DISTRICT_NAMES[i][1], 80_000 + random.nextInt(220_000), west, south, west + DISTRICT_LON, south + DISTRICT_LAT));
        }
        double west = CENTRE_LON - 1.5 * DISTRICT_LON;
        double south = CENTRE_LAT - DISTRICT_LAT;
        for (int i = 0; i < ROAD_NAMES.length; i++) {
            double[][] line;
            if (i % 2 == 0) {
                double lat = south + DISTRICT_LAT * (0.25 + 0.5 * i / 2.0);
                line = new double[][] {{west, lat}, {west + 3 * DISTRICT_LON, lat + random.nextDouble(0.004)}};
            } else {
                double lon = west + DISTRICT_LON * (0.4 + 0.7 * (i / 2));
                line = new double[][] {{lon, south}, {lon + random.nextDouble(0.004), south + 2 * DISTRICT_LAT}};
            }
            roads.add(new Road("urn:ngsi-ld:Road:" + slug(ROAD_NAMES[i]), ROAD_NAMES[i], line));
        }
        int totalWeight = 0;
        for (SensorKind kind : SensorKind.values()) {
            totalWeight += kind.weight;
        }
        Map<SensorKind, Integer> numbered = new EnumMap<>(SensorKind.class);
        for (SensorKind kind : SensorKind.values()) {
            // Every kind is present, even in a small city.
            int count = Math.max(1, (int) Math.round((double) sensorCount * kind.weight / totalWeight));
            for (int n = 0; n < count; n++) {
                sensors.add(place(kind, numbered.merge(kind, 1, Integer::sum), random));
            }
        }
    }

    /** Only one district, its sensors and no roads (they cross districts): what a district's own node simulates. */
    void keepOnly(String districtName) {
        if (districts.stream().noneMatch(district -> district.name().equals(districtName))) {
            throw new IllegalArgumentException("The demo city has no district " + districtName);
        }
        districts.removeIf(district -> !district.name().equals(districtName));
        roads.clear();
        sensors.removeIf(sensor -> !sensor.district().equals(districtName));
    }

    private Sensor place(SensorKind kind, int number, SplittableRandom random) {
        String deviceId = kind.keySuffix + "-" + String.format("%05d", number);
        double lon;
        double lat;
        String district;
        if (kind == SensorKind.TRAFFIC) {
            Road road = roads.get(random.nextInt(roads.size()));
            double along = random.nextDouble();
            lon = road.line()[0][0] + along * (road.line()[1][0] - road.line()[0][0]);
            lat = road.line()[0][1] + along * (road.line()[1][1] - road.line()[0][1]);
            district = districtAt(lon, lat).name();
            return new Sensor(deviceId, kind, road.name() + " counter " + number, district, lon, lat,
                    600 + random.nextInt(1200), 0.6 + random.nextDouble(0.6));
        }
        District home = districts.get(random.nextInt(districts.size()));
        lon = home.west() + random.nextDouble() * (home.east() - home.west());
        lat = home.south() + random.nextDouble() * (home.north() - home.south());
        if (kind == SensorKind.RIVER_LEVEL) {
            // The river runs along the south edge of the city.
            lat = CENTRE_LAT - DISTRICT_LAT + 0.002;
            district = districtAt(lon, lat).name();
        } else {
            district = home.name();
        }
        int capacity = kind == SensorKind.PARKING ? 80 + random.nextInt(520) : 100 + random.nextInt(900);
        return new Sensor(deviceId, kind, district + " " + kind.keySuffix + " " + number, district, lon, lat, capacity,
                0.6 + random.nextDouble(0.7));
    }

    District districtAt(double lon, double lat) {
        for (District district : districts) {
            if (lon >= district.west() && lon <= district.east() && lat >= district.south() && lat <= district.north()) {
                return district;
            }
        }
        return districts.getFirst();
    }

    private static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", "");
    }
}
