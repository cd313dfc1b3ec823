package org.meridian.app;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.meridian.ingest.Ingest;
import org.meridian.ingest.IngestCapability;
import org.meridian.platform.bus.EventBus;
import org.meridian.platform.bus.LogEventBus;
import org.meridian.platform.capability.Capability;
import org.meridian.platform.capability.Closing;
import org.meridian.platform.capability.Platform;
import org.meridian.platform.capability.Services;
import org.meridian.platform.db.Database;
import org.meridian.platform.db.TenantStore;
import org.meridian.platform.db.Transactions;
import org.meridian.platform.http.Callers;
import org.meridian.platform.http.HttpServer;
import org.meridian.platform.http.Routes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the platform (database, change stream, HTTP) and the installed capabilities on it, each after those it
 * requires; closing stops them in reverse order. Adding a capability changes nothing here (see {@link Capability}).
 */
public final class MeridianServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MeridianServer.class);

    private final Database database;
    private final EventBus bus;
    private final List<Capability.Running> running;
    private final Services services;
    private HttpServer http;

    private MeridianServer(Database database, EventBus bus, List<Capability.Running> running, Services services) {
        this.database = database;
        this.bus = bus;
        this.running = running;
        this.services = services;
    }

    public static MeridianServer start(Settings settings) {
        return start(settings, Capability.installed());
    }

    /** Every problem with the settings of the platform and of the capabilities, at once; each names its variable. */
    public static void validate(Settings settings, List<Capability> capabilities) {
        List<String> problems = new ArrayList<>(settings.problems());
        capabilities.forEach(capability -> problems.addAll(capability.problems(settings.environment())));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid settings:\n  " + String.join("\n  ", problems));
        }
    }

    public static void validate(Settings settings) {
        validate(settings, Capability.installed());
    }

    /** Starts the platform with these capabilities (tests add their own). */
    public static MeridianServer start(Settings settings, List<Capability> installed) {
        return start(settings, installed, Clock.systemUTC());
    }

    /** Starts the platform on a clock of the caller's (tests move it to see deadlines pass without waiting). */
    public static MeridianServer start(Settings settings, List<Capability> installed, Clock clock) {
        List<Capability> capabilities = Capability.inOrder(installed);
        validate(settings, capabilities);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        List<String> migrations = new ArrayList<>(List.of(Database.MIGRATIONS));
        capabilities.forEach(capability -> migrations.addAll(capability.migrations()));
        Database database = Database.open(settings.databaseUrl(), settings.databaseUser(), settings.databasePassword(),
                settings.dataDirectory(), settings.databasePoolSize(), registry, migrations);
        LogEventBus bus;
        try {
            bus = new LogEventBus(database.dataSource(),
                    LogEventBus.Options.defaults().retaining(Duration.ofHours(settings.eventRetentionHours())));
        } catch (RuntimeException | Error e) {
            database.close();
            throw e;
        }
        Services services = new Services();
        MeridianServer server = new MeridianServer(database, bus, new ArrayList<>(), services);
        try {
            Platform platform = new Platform(settings.environment(), settings.host(), database,
                    new Transactions(database.dataSource(), database::isReachable), new TenantStore(), bus,
                    clock, registry, services);
            List<Routes> routes = new ArrayList<>();
            for (Capability capability : capabilities) {
                Capability.Running started = capability.start(platform);
                server.running.add(started);
                routes.addAll(started.routes());
            }
            server.http = HttpServer.start(routes, new HttpServer.Options(settings.host(), settings.port(),
                    settings.maxBodyBytes(), settings.headerTimeoutMillis(), settings.rateLimitPerSecond(), settings.rateLimitBurst(),
                    settings.openedToAnyone()),
                    services.find(Callers.Source.class).orElse(Callers.NOBODY), database::isReachable, registry);
            server.running.forEach(started -> started.serving(server.http.port()));
            return server;
        } catch (RuntimeException | Error e) {
            // What started stops again (in reverse), the database last: a failed start leaves nothing running.
            server.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** Every route the node serves, with the access it needs. */
    public List<HttpServer.Route> routes() {
        return http.routes();
    }

    /** The embedded MQTT endpoint's port, or -1 when it is off (external broker, or MERIDIAN_MQTT_PORT=-1). */
    public int mqttPort() {
        return services.find(IngestCapability.Endpoints.class).map(IngestCapability.Endpoints::mqttPort).orElse(-1);
    }

    /** The change stream: every committed change, for consumers in this process. */
    public EventBus events() {
        return bus;
    }

    /** What the capabilities offer each other (and tests). */
    public Services services() {
        return services;
    }

    public Ingest ingest() {
        return services.require(Ingest.class);
    }

    /** The database the server runs on, for tools and tests that look at what is stored. */
    public javax.sql.DataSource dataSource() {
        return database.dataSource();
    }

    @Override
    public void close() {
        LOG.info("stopping: finishing requests in flight, then the database");
        // Each part stops on its own: one that fails to stop must not leave the database running behind it.
        Closing.all(http);
        Closing.all(running.reversed().toArray(AutoCloseable[]::new));
        Closing.all(bus, database);
        LOG.info("stopped");
    }
}
