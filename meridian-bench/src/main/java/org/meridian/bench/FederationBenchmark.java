package org.meridian.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.meridian.app.MeridianServer;
import org.meridian.app.Settings;

/**
 * A city-level query fanning out to district nodes, against the same query on one node holding all the data (issue
 * #25's target: at most twice the single node's p99). Every node is a real server with its own embedded PostgreSQL, in
 * this process, on loopback; the city reaches its districts through context source registrations, exactly as a
 * district registered by {@code MERIDIAN_FEDERATION_PARENT} is reached. Accounts are off: this measures the fan-out,
 * not sign-in. All nodes share this machine's cores, so a district's work is not in parallel with another's as it
 * would be on machines of their own: the overhead measured here is an upper bound.
 *
 * <p>{@code federation [districts=3,10] [stations=20000] [queries=300]}
 */
final class FederationBenchmark {
    private static final String TYPE = "AirQualityObserved";
    private static final double WEST = 120.0;
    private static final double WIDTH = 1.0;
    private static final double SOUTH = 30.0;
    private static final double HEIGHT = 0.5;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Path root;

    private FederationBenchmark(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        int[] districtCounts = Arrays.stream((args.length > 0 ? args[0] : "3,10").split(",")).mapToInt(Integer::parseInt).toArray();
        int stations = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        Path root = Files.createTempDirectory("meridian-federation-bench");
        try {
            FederationBenchmark bench = new FederationBenchmark(root);
            for (int districts : districtCounts) {
                bench.run(districts, stations, queries);
            }
        } finally {
            deleteRecursively(root);
        }
        System.exit(0);
    }

    private void run(int districts, int stations, int queries) throws Exception {
        System.out.printf(Locale.ROOT, "%n%d districts under a city, %,d stations in all; %d timed queries each (after %d warm-up)%n",
                districts, stations, queries, queries / 5);
        List<MeridianServer> servers = new ArrayList<>();
        try {
            MeridianServer single = start(servers, "single-" + districts);
            MeridianServer city = start(servers, "city-" + districts);
            List<MeridianServer> nodes = new ArrayList<>();
            for (int i = 0; i < districts; i++) {
                nodes.add(start(servers, "district-" + districts + "-" + i));
            }
            List<List<String>> byDistrict = new ArrayList<>();
            for (int i = 0; i < districts; i++) {
                byDistrict.add(new ArrayList<>());
            }
            List<String> all = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(42);
            for (int n = 0; n < stations; n++) {
                double lon = WEST + random.nextDouble() * WIDTH;
                double lat = SOUTH + random.nextDouble() * HEIGHT;
                int district = Math.min(districts - 1, (int) ((lon - WEST) / WIDTH * districts));
                // Each district numbers its own stations, so its ids come together (the harder case for paging).
                String entity = """
                        {"id": "urn:ngsi-ld:%s:d%02d-s%06d", "type": "%s",
                         "pm25": {"type": "Property", "value": %d, "observedAt": "2026-12-06T08:00:00Z"},
                         "no2": {"type": "Property", "value": %d, "observedAt": "2026-12-06T08:00:00Z"},
                         "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [%.6f, %.6f]}}}"""
                        .formatted(TYPE, district, n, TYPE, random.nextInt(300), random.nextInt(200), lon, lat);
                all.add(entity);
                byDistrict.get(district).add(entity);
            }
            long loading = System.nanoTime();
            upsert(base(single), all);
            for (int i = 0; i < districts; i++) {
                upsert(base(nodes.get(i)), byDistrict.get(i));
                register(base(city), base(nodes.get(i)), i, districts);
            }
            System.out.printf(Locale.ROOT, "  loaded and registered in %.1f s%n", (System.nanoTime() - loading) / 1e9);
            String area = slice(0, districts, 0.2);
            Map<String, String> shapes = new java.util.LinkedHashMap<>();
            shapes.put("city-wide page (type, limit=100)", "type=" + TYPE + "&limit=100");
            shapes.put("a deeper page (offset=900, limit=100)", "type=" + TYPE + "&limit=100&offset=900");
            shapes.put("city-wide filter (q=pm25>290, count)", "type=" + TYPE + "&q=pm25%3E290&count=true&limit=100");
            shapes.put("one district's area (geo within)", "type=" + TYPE + "&georel=within&geometry=Polygon&coordinates=" + area + "&limit=100");
            for (Map.Entry<String, String> shape : shapes.entrySet()) {
                long[] one = time(base(single), shape.getValue(), queries);
                long[] federated = time(base(city), shape.getValue(), queries);
                System.out.printf(Locale.ROOT, "  %-38s one node p50 %6.1f ms p99 %6.1f ms | city over %2d districts p50 %6.1f ms p99 %6.1f ms"
                                + " | p99 ratio %.2f%n", shape.getKey(), ms(one, 0.5), ms(one, 0.99), districts, ms(federated, 0.5),
                        ms(federated, 0.99), ms(federated, 0.99) / ms(one, 0.99));
            }
        } finally {
            servers.reversed().forEach(MeridianServer::close);
        }
    }

    private MeridianServer start(List<MeridianServer> servers, String name) {
        Map<String, String> environment = new HashMap<>();
        environment.put(Settings.PORT, "0");
        environment.put(Settings.HOST, "127.0.0.1");
        environment.put(Settings.DATA, root.resolve(name).toString());
        environment.put("MERIDIAN_MQTT_PORT", "-1");
        environment.put("MERIDIAN_AUTH", "off");
        environment.put(Settings.RATE_LIMIT_PER_SECOND, "0");
        environment.put(Settings.DB_POOL_SIZE, "8");
        MeridianServer server = MeridianServer.start(Settings.fromEnvironment(environment));
        servers.add(server);
        return server;
    }

    private static String base(MeridianServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    /** The polygon of a district's slice of the city (its middle {@code part} only when less than 1), URL-encoded. */
    private static String slice(int i, int districts, double part) {
        double west = WEST + WIDTH * i / districts;
        double east = west + WIDTH / districts * part;
        double north = SOUTH + HEIGHT * part;
        return ("[[[" + west + "," + SOUTH + "],[" + east + "," + SOUTH + "],[" + east + "," + north + "],[" + west + "," + north
                + "],[" + west + "," + SOUTH + "]]]").replace("[", "%5B").replace("]", "%5D");
    }

    private void register(String city, String district, int i, int districts) throws Exception {
        double west = WEST + WIDTH * i / districts;
        double east = WEST + WIDTH * (i + 1) / districts;
        String body = """
                {"type": "ContextSourceRegistration", "registrationName": "district %d",
                 "information": [{"entities": [{"type": "%s"}]}], "endpoint": "%s",
                 "location": {"type": "Polygon", "coordinates": [[[%s, %s], [%s, %s], [%s, %s], [%s, %s], [%s, %s]]]},
                 "management": {"timeout": 5000}}""".formatted(i, TYPE, district, west, SOUTH, east, SOUTH, east, SOUTH + HEIGHT,
                west, SOUTH + HEIGHT, west, SOUTH);
        send("POST", city + "/ngsi-ld/v1/csourceRegistrations", body);
    }

    private void upsert(String base, List<String> entities) throws Exception {
        for (int from = 0; from < entities.size(); from += 1000) {
            send("POST", base + "/ngsi-ld/v1/entityOperations/upsert",
                    "[" + String.join(",", entities.subList(from, Math.min(entities.size(), from + 1000))) + "]");
        }
    }

    private void send(String method, String url, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Sorted durations in nanoseconds of the query, after a fifth as many untimed; every answer must be a 200 without Warning. */
    private long[] time(String base, String query, int count) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/ngsi-ld/v1/entities?" + query)).GET().build();
        long[] durations = new long[count];
        for (int n = -count / 5; n < count; n++) {
            long started = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - started;
            if (response.statusCode() != 200 || response.headers().firstValue("Warning").isPresent()) {
                throw new IllegalStateException(query + ": " + response.statusCode() + " " + response.headers().allValues("Warning"));
            }
            if (n >= 0) {
                durations[n] = took;
            }
        }
        Arrays.sort(durations);
        return durations;
    }

    private static double ms(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static void deleteRecursively(Path directory) throws java.io.IOException {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
