package org.meridian.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.meridian.app.MeridianServer;
import org.meridian.app.Settings;
import org.meridian.identity.IdentitySettings;
import org.meridian.platform.capability.Capability;
import org.meridian.broker.BrokerSettings;
import org.meridian.ingest.IngestSettings;

/**
 * One real Meridian server, with its embedded PostgreSQL, shared by every test in the JVM (starting it takes seconds).
 * Tests isolate themselves with a tenant of their own, see {@link #newTenant()}.
 *
 * <p>With {@code MERIDIAN_TEST_EXTERNAL_DB_URL} (and {@code _USER}, {@code _PASSWORD}) set, the same tests run against
 * that external PostgreSQL instead; CI does both.
 */
public final class TestServer {
    /** The operator account's password on every test server. */
    public static final String ADMIN_PASSWORD = "test-admin-password";
    private static MeridianServer server;
    private static Api api;

    private TestServer() {
    }

    public static synchronized Api api() {
        if (server == null) {
            Path data = Path.of("target", "test-data");
            deleteRecursively(data);
            Map<String, String> environment = new HashMap<>(System.getenv());
            environment.put(Settings.PORT, "0");
            environment.put(IngestSettings.MQTT_PORT, "0");
            environment.put(Settings.DATA, data.toString());
            environment.put(BrokerSettings.MAX_BATCH_SIZE, "1000");
            environment.put(Settings.MAX_BODY_BYTES, String.valueOf(2 * 1024 * 1024));
            environment.put(BrokerSettings.NOTIFICATION_MAX_FAILURES, "2");
            environment.put(Settings.HEADER_TIMEOUT_MS, "2000");
            environment.put(IdentitySettings.ADMIN_PASSWORD, ADMIN_PASSWORD);
            // Tests send thousands of requests a second as one client: a limit far above that (RateLimitTest has its own).
            environment.put(Settings.RATE_LIMIT_PER_SECOND, "1000000");
            environment.put(Settings.RATE_LIMIT_BURST, "10000000");
            String external = System.getenv("MERIDIAN_TEST_EXTERNAL_DB_URL");
            if (external != null && !external.isBlank()) {
                environment.put(Settings.DB_URL, external);
                environment.put(Settings.DB_USER, System.getenv().getOrDefault("MERIDIAN_TEST_EXTERNAL_DB_USER", "postgres"));
                environment.put(Settings.DB_PASSWORD, System.getenv().getOrDefault("MERIDIAN_TEST_EXTERNAL_DB_PASSWORD", ""));
            }
            server = MeridianServer.start(Settings.fromEnvironment(environment));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            api = client("http://127.0.0.1:" + server.port());
        }
        return api;
    }

    /** The shared server's embedded MQTT endpoint. */
    public static int mqttPort() {
        api();
        return server.mqttPort();
    }

    /** Writes the ingest counters now instead of within the next few seconds. */
    public static void flushIngestCounters() {
        api();
        server.ingest().flushCounters();
    }

    /** What the shared server's capabilities offer each other, for tests that plug into them (a read policy…). */
    public static org.meridian.platform.capability.Services services() {
        api();
        return server.services();
    }

    /** Every route the shared server serves, as its router has them. */
    public static List<org.meridian.platform.http.HttpServer.Route> routes() {
        api();
        return server.routes();
    }

    /** The shared server's change stream, for tests that consume it. */
    public static org.meridian.platform.bus.EventBus events() {
        api();
        return server.events();
    }

    /** The shared server's database, for tests that check or stage what is stored. */
    public static javax.sql.DataSource dataSource() {
        api();
        return server.dataSource();
    }

    /**
     * A server of a test's own, on free ports, with its data (an embedded PostgreSQL) in {@code data}; {@code settings}
     * are added to or replace those. The caller closes it.
     */
    public static MeridianServer startOwn(Path data, Map<String, String> settings) {
        return startOwn(data, settings, List.of());
    }

    /** {@link #startOwn(Path, Map)} with capabilities of the test's own beside the installed ones. */
    public static MeridianServer startOwn(Path data, Map<String, String> settings, List<Capability> extra) {
        return startOwn(data, settings, extra, java.time.Clock.systemUTC());
    }

    /** {@link #startOwn(Path, Map, List)} on a clock of the test's (a {@link MovableClock}). */
    public static MeridianServer startOwn(Path data, Map<String, String> settings, List<Capability> extra, java.time.Clock clock) {
        Map<String, String> environment = new HashMap<>();
        environment.put(Settings.PORT, "0");
        environment.put(IngestSettings.MQTT_PORT, "0");
        environment.put(Settings.DATA, data.toString());
        environment.put(IdentitySettings.ADMIN_PASSWORD, ADMIN_PASSWORD);
        environment.put(Settings.RATE_LIMIT_PER_SECOND, "1000000");
        environment.put(Settings.RATE_LIMIT_BURST, "10000000");
        environment.putAll(settings);
        List<Capability> capabilities = new java.util.ArrayList<>(Capability.installed());
        capabilities.addAll(extra);
        return MeridianServer.start(Settings.fromEnvironment(environment), capabilities, clock);
    }

    /** A client of a server a test started itself. */
    public static Api client(MeridianServer own) {
        return client("http://127.0.0.1:" + own.port());
    }

    /** A client for a server a test started itself, signed in as the operator {@code admin}. */
    public static Api client(String base) {
        return new Api(base, "admin", ADMIN_PASSWORD);
    }

    /** The demo city's departments, accounts and case catalogue on the server; returns the simulator's API key. */
    public static String demoDirectory(MeridianServer own) {
        return demoDirectory(own, 60);
    }

    /** The demo's directory and case catalogue for a demo city whose day runs {@code speed} times faster. */
    public static String demoDirectory(MeridianServer own, double speed) {
        String key = org.meridian.app.DemoDirectory.create(own.services().require(org.meridian.identity.Administration.class),
                own.services().require(org.meridian.sharing.Sharing.class));
        org.meridian.app.DemoCases.create(own.services().require(org.meridian.cases.CaseService.class), speed);
        return key;
    }

    /**
     * The settings that point another node at the shared server's database (its embedded PostgreSQL, or the external
     * one of {@code MERIDIAN_TEST_EXTERNAL_DB_URL}): two nodes of one deployment.
     */
    public static Map<String, String> sharedDatabase() {
        api();
        String external = System.getenv("MERIDIAN_TEST_EXTERNAL_DB_URL");
        if (external != null && !external.isBlank()) {
            return Map.of(Settings.DB_URL, external,
                    Settings.DB_USER, System.getenv().getOrDefault("MERIDIAN_TEST_EXTERNAL_DB_USER", "postgres"),
                    Settings.DB_PASSWORD, System.getenv().getOrDefault("MERIDIAN_TEST_EXTERNAL_DB_PASSWORD", ""));
        }
        try {
            Path shared = Path.of("target", "test-data");
            String port = Files.readAllLines(shared.resolve("postgres/postmaster.pid")).get(3).trim();
            return Map.of(Settings.DB_URL, "jdbc:postgresql://127.0.0.1:" + port + "/postgres", Settings.DB_USER, "postgres",
                    Settings.DB_PASSWORD, Files.readString(shared.resolve("postgres.password")).strip());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A tenant name no other test uses. */
    public static String newTenant() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    public static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
