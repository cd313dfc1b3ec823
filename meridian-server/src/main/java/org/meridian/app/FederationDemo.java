package org.meridian.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.meridian.core.error.MeridianException;
import org.meridian.core.security.Caller;
import org.meridian.core.security.Role;
import org.meridian.federation.FederationSettings;
import org.meridian.identity.Administration;
import org.meridian.identity.IdentityError;
import org.meridian.identity.IdentitySettings;
import org.meridian.ingest.IngestSettings;
import org.meridian.sharing.Sharing;
import org.meridian.cases.CaseService;
import org.meridian.sim.CaseWork;
import org.meridian.sim.DemoCity;

/**
 * {@code meridian demo --federation}: a province node, a city node under it and three district nodes under the city,
 * each a server with its own embedded database on its own port, in one process. Each district simulates its part of
 * the demo city and grants its parent every dataset; the city and the province hold nothing themselves and answer
 * for what lies below them.
 */
final class FederationDemo {
    private static final String VOCABULARY = "https://uri.etsi.org/ngsi-ld/default-context/";
    /** The machine client through which a node's parent reads it, in the department of that name. */
    private static final String READER = "parent-reader";
    private static final int DISTRICTS = 3;

    /** The share of its registered cases a district's dispatcher refers to the city. */
    private static final double REFERRED = 0.1;

    private record Node(String name, MeridianServer server, String url) {
    }

    private FederationDemo() {
    }

    static int run(Settings settings, DemoSettings demo) throws InterruptedException {
        Path root = settings.dataDirectory().resolve("federation");
        String password = adminPassword(root);
        int port = settings.port();
        List<Node> nodes = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> nodes.reversed().forEach(node -> node.server().close()), "meridian-shutdown"));
        List<DemoCity> cities = new ArrayList<>();
        List<CaseWork> work = new ArrayList<>();
        try {
            Node province = start(nodes, "Province", "province", port, root.resolve("province"), password, -1, null, null, false);
            List<DemoCity.DistrictArea> areas = DemoCity.districts(demo.seed()).subList(0, DISTRICTS);
            Node city = start(nodes, "Meridian City", "city", port == 0 ? 0 : port + 1, root.resolve("city"), password, -1,
                    province, boundary(root, "city", cityRing(areas)), false);
            for (int i = 0; i < DISTRICTS; i++) {
                DemoCity.DistrictArea area = areas.get(i);
                String slug = area.name().toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
                Node district = start(nodes, area.name() + " District " + area.localName(), "district", port == 0 ? 0 : port + 2 + i,
                        root.resolve(slug), password, 0, city, boundary(root, slug, area.ring()), true);
                String simulatorKey = grantParentEverything(district.server());
                cities.add(DemoCity.start(new DemoCity.Options(demo.seed(), demo.speed(), demo.sensors(), demo.intervalSeconds(),
                        district.url(), "tcp://127.0.0.1:" + district.server().mqttPort(), root.resolve(slug), simulatorKey, area.name())));
                // The district's citizens report, its people handle, and now and then its dispatcher refers a case up.
                DemoCases.create(district.server().services().require(CaseService.class), demo.speed());
                work.add(CaseWork.start(new CaseWork.Options(demo.seed() + i, demo.speed(), district.url(), simulatorKey,
                        DemoDirectory.PASSWORD, "dispatcher", "inspector", CaseWork.DEMO_DEPARTMENTS, 1.0 / DISTRICTS, REFERRED)));
            }
            // The city's people handle what the districts refer to it; the city files no reports of its own here, and
            // holds no datasets (what it reads of its districts stays governed by the districts' grants alone).
            DemoDirectory.people(city.server().services().require(Administration.class));
            DemoCases.create(city.server().services().require(CaseService.class), demo.speed());
            work.add(CaseWork.start(new CaseWork.Options(demo.seed(), demo.speed(), city.url(), "",
                    DemoDirectory.PASSWORD, "dispatcher", "inspector", CaseWork.DEMO_DEPARTMENTS, 0, 0)));
            String viewer = client(province.server(), "demo-viewer", "", "Reads the province for the demo's welcome message");
            System.out.println();
            System.out.println("Meridian federation is running: a province, a city under it, " + DISTRICTS + " districts under the city.");
            for (Node node : nodes) {
                System.out.printf("  %-34s %s%n", node.name(), node.url());
            }
            System.out.println("  Every node's operator: admin / " + password + " (kept in " + root.resolve("admin.password") + ")");
            System.out.println("  Ask the province; the city and the districts answer (each district's sensors, merged):");
            System.out.println("    curl -H 'X-Api-Key: " + viewer + "' '" + province.url()
                    + "/ngsi-ld/v1/entities?type=AirQualityObserved&limit=5'");
            System.out.println("  Only one district's area reaches only that district:");
            double[][] ring = areas.getFirst().ring();
            System.out.println("    curl -H 'X-Api-Key: " + viewer + "' '" + province.url() + "/ngsi-ld/v1/entities?type=WeatherObserved"
                    + "&georel=within&geometry=Polygon&coordinates=" + polygon(ring).replace("[", "%5B").replace("]", "%5D") + "'");
            System.out.println("  Case KPIs of the whole province, each district's computed at the district:");
            System.out.println("    curl -H 'X-Api-Key: " + viewer + "' '" + province.url() + "/federation/v1/kpis'");
            System.out.println("  Cases the districts refer up (上报) go on at the city, with the district's timeline:");
            System.out.println("    " + city.url() + "/ops/cases?state=registered (sign in as dispatcher / " + DemoDirectory.PASSWORD + ")");
            System.out.println("  A district that does not answer in time is named in a Warning header; the others still answer.");
            System.out.println("  Registrations of the children: " + city.url() + "/ngsi-ld/v1/csourceRegistrations (as admin)");
            System.out.println("Press Ctrl+C to stop.");
        } catch (RuntimeException e) {
            work.forEach(CaseWork::close);
            cities.forEach(DemoCity::close);
            nodes.reversed().forEach(node -> node.server().close());
            throw e;
        }
        new CountDownLatch(1).await();
        return 0;
    }

    /**
     * @param holdsData whether the node holds data of its own (a district): its parent then reads it as a department
     *                  its grants govern; a node that only passes on what lies below it (the city, the province) lets
     *                  its parent read all it may read itself (a reader of no department)
     */
    private static Node start(List<Node> nodes, String name, String level, int port, Path data, String password, int mqttPort,
                              Node parent, Path boundary, boolean holdsData) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put(Settings.PORT, String.valueOf(port));
        environment.put(Settings.DATA, data.toString());
        environment.put(IngestSettings.MQTT_PORT, String.valueOf(mqttPort));
        environment.put(IdentitySettings.ADMIN_PASSWORD, password);
        environment.put(FederationSettings.NAME, name);
        environment.put(FederationSettings.LEVEL, level);
        environment.remove(FederationSettings.PARENT);
        if (parent != null) {
            environment.put(FederationSettings.PARENT, parent.url());
            environment.put(FederationSettings.PARENT_KEY, client(parent.server(), slug(name) + "-node", slug(name),
                    "The " + level + " node " + name));
            environment.put(FederationSettings.READER_CLIENT, READER);
            environment.put(FederationSettings.REFRESH_SECONDS, "10");
        }
        if (boundary != null) {
            environment.put(FederationSettings.BOUNDARY, boundary.toString());
        }
        Settings settings = Settings.fromEnvironment(environment);
        MeridianServer.validate(settings);
        MeridianServer server = MeridianServer.start(settings);
        Node node = new Node(name, server, "http://127.0.0.1:" + server.port());
        nodes.add(node);
        // The parent reads through this client; the department's grants decide what it sees.
        // Made once, never given a new secret here: the node's federation does that at each start.
        if (server.services().require(Administration.class).clients(Caller.system("", "demo")).stream()
                .noneMatch(client -> client.id().equals(READER))) {
            client(server, READER, holdsData ? READER : "", "The parent node reads through this client");
        }
        return node;
    }

    /** A machine client of the node, made or given a new secret: its API key. */
    private static String client(MeridianServer server, String id, String department, String description) {
        Administration administration = server.services().require(Administration.class);
        Caller platform = Caller.system("", "demo");
        if (!department.isEmpty()) {
            administration.putDepartment(platform, department, department);
        }
        try {
            return administration.createClient(platform, id, department, Role.SYSTEM.id(), description).apiKey();
        } catch (MeridianException e) {
            if (e.code() != IdentityError.ALREADY_EXISTS) {
                throw e;
            }
            return administration.replaceSecret(platform, id).apiKey();
        }
    }

    /** The district's departments, datasets and accounts, and a grant of every dataset to its parent (once). */
    private static String grantParentEverything(MeridianServer district) {
        Sharing sharing = district.services().require(Sharing.class);
        Caller platform = Caller.system("", "demo");
        boolean first = sharing.datasets(platform).isEmpty();
        String simulatorKey = DemoDirectory.create(district.services().require(Administration.class), sharing);
        if (first) {
            Instant until = Instant.now().plus(Duration.ofDays(365));
            for (DemoDirectory.DemoDataset dataset : DemoDirectory.DATASETS) {
                sharing.grant(platform, VOCABULARY + dataset.type(), READER, null, null, until, "the city reads its districts");
            }
        }
        return simulatorKey;
    }

    private static String slug(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    /** The districts' bounding box: the city's area. */
    private static double[][] cityRing(List<DemoCity.DistrictArea> areas) {
        double west = Double.MAX_VALUE, south = Double.MAX_VALUE, east = -Double.MAX_VALUE, north = -Double.MAX_VALUE;
        for (DemoCity.DistrictArea area : areas) {
            for (double[] point : area.ring()) {
                west = Math.min(west, point[0]);
                east = Math.max(east, point[0]);
                south = Math.min(south, point[1]);
                north = Math.max(north, point[1]);
            }
        }
        return new double[][] {{west, south}, {east, south}, {east, north}, {west, north}, {west, south}};
    }

    private static String polygon(double[][] ring) {
        StringBuilder text = new StringBuilder("[[");
        for (int i = 0; i < ring.length; i++) {
            text.append(i == 0 ? "" : ",").append('[').append(ring[i][0]).append(',').append(ring[i][1]).append(']');
        }
        return text.append("]]").toString();
    }

    private static Path boundary(Path root, String name, double[][] ring) {
        try {
            Files.createDirectories(root);
            return Files.writeString(root.resolve(name + ".geojson"), "{\"type\": \"Polygon\", \"coordinates\": " + polygon(ring) + "}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operators' password of every node: given, or made at the first run and kept beside their data. */
    private static String adminPassword(Path root) {
        String given = System.getenv(IdentitySettings.ADMIN_PASSWORD);
        if (given != null && !given.isBlank()) {
            return given;
        }
        try {
            Files.createDirectories(root);
            Path file = root.resolve("admin.password");
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            byte[] bytes = new byte[12];
            new java.security.SecureRandom().nextBytes(bytes);
            String made = java.util.HexFormat.of().formatHex(bytes);
            Files.writeString(file, made);
            try {
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the directory's own protection applies
            }
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
