package org.meridian.app;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.meridian.ingest.IngestCapability;
import org.meridian.ingest.IngestSettings;
import org.meridian.identity.Administration;
import org.meridian.sharing.Sharing;
import org.meridian.sim.CaseWork;
import org.meridian.sim.DemoCity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The command line: {@code meridian serve}, {@code meridian demo}, {@code meridian ledger verify} and {@code meridian rules …}. */
@Command(name = "meridian", mixinStandardHelpOptions = true, version = "Meridian 0.1.0",
        description = "An open platform for innovative smarter cities.",
        subcommands = {Main.Serve.class, Main.Demo.class, LedgerCommand.class, RulesCommand.class})
public final class Main implements Callable<Integer> {
    public static void main(String[] args) {
        if ("json".equals(System.getenv(Settings.LOG_FORMAT))) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        // Notifications go out over the JDK's HttpURLConnection, which keeps 5 idle connections per receiver unless
        // told otherwise: a receiver taking notifications of many subscriptions at once would see connections opened
        // and closed for each (measured: 7,900 sockets in TIME_WAIT after 30,000 notifications).
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "64");
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** Options shared by the commands that run the platform. */
    static class ServerOptions {
        @Option(names = "--port", description = "HTTP port (default 8080, env MERIDIAN_PORT)")
        Integer port;
        @Option(names = "--data", description = "Data directory (default ./data, env MERIDIAN_DATA)")
        Path data;
        @Option(names = "--host", description = "Interface to listen on (default 127.0.0.1, env MERIDIAN_HOST)")
        String host;

        Settings settings() {
            Settings settings = Settings.fromEnvironment(System.getenv());
            if (port != null) {
                settings = settings.withPort(port);
            }
            if (data != null) {
                settings = settings.withDataDirectory(data);
            }
            if (host != null) {
                settings = settings.withHost(host);
            }
            return settings;
        }
    }

    @Command(name = "serve", description = "Run the platform.")
    static final class Serve extends ServerOptions implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            return run(settings(), false);
        }
    }

    @Command(name = "demo", description = "Run the platform with the demo city.")
    static final class Demo extends ServerOptions implements Callable<Integer> {
        @Option(names = "--federation", description = "A province, a city and three district nodes, on the port and the four after it")
        boolean federation;

        @Override
        public Integer call() throws InterruptedException {
            if (federation) {
                Settings settings = settings();
                try {
                    MeridianServer.validate(settings);
                    return FederationDemo.run(settings, DemoSettings.fromEnvironment(System.getenv()));
                } catch (IllegalArgumentException e) {
                    System.err.println(e.getMessage());
                    return 2;
                }
            }
            return run(settings(), true);
        }
    }

    static int run(Settings settings, boolean demo) throws InterruptedException {
        Settings checked = settings;
        DemoSettings demoSettings;
        try {
            MeridianServer.validate(settings);
            demoSettings = demo ? DemoSettings.fromEnvironment(System.getenv()) : null;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        MeridianServer server = MeridianServer.start(checked);
        String base = "http://" + (checked.host().equals("0.0.0.0") ? "localhost" : checked.host()) + ":" + server.port();
        DemoCity city = null;
        CaseWork work = null;
        if (demo) {
            String mqttUrl = server.mqttPort() > 0 ? "tcp://127.0.0.1:" + server.mqttPort() : server.services().require(IngestCapability.Endpoints.class).externalBrokerUrl();
            if (mqttUrl == null) {
                server.close();
                System.err.println("The demo city publishes over MQTT: leave " + IngestSettings.MQTT_PORT + " on, or set " + IngestSettings.MQTT_BROKER_URL);
                return 2;
            }
            String simulatorKey = DemoDirectory.create(server.services().require(Administration.class),
                    server.services().require(Sharing.class));
            DemoCases.create(server.services().require(org.meridian.cases.CaseService.class), demoSettings.speed());
            System.out.println("Provisioning the demo city (" + demoSettings.sensors() + " sensors)...");
            city = DemoCity.start(new DemoCity.Options(demoSettings.seed(), demoSettings.speed(), demoSettings.sensors(),
                    demoSettings.intervalSeconds(), "http://127.0.0.1:" + server.port(), mqttUrl, checked.dataDirectory(),
                    simulatorKey));
            DemoRules.create(server.services().require(org.meridian.rules.RuleService.class), demoSettings.speed());
            work = CaseWork.start(new CaseWork.Options(demoSettings.seed(), demoSettings.speed(),
                    "http://127.0.0.1:" + server.port(), simulatorKey, DemoDirectory.PASSWORD, "dispatcher", "inspector",
                    CaseWork.DEMO_DEPARTMENTS, 1, 0));
        }
        DemoCity running = city;
        CaseWork working = work;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (working != null) {
                working.close();
            }
            if (running != null) {
                running.close();
            }
            server.close();
            stopped.countDown();
        }, "meridian-shutdown"));
        System.out.println();
        System.out.println("Meridian is running.");
        System.out.println("  Citizen portal " + base + "/portal");
        System.out.println("  Operations    " + base + "/ops (sign in as a demo account below, or as admin)");
        System.out.println("  NGSI-LD API   " + base + "/ngsi-ld/v1/entities?type=AirQualityObserved&limit=5");
        if (running != null) {
            System.out.println("  History       " + base + "/ngsi-ld/v1/temporal/entities?type=WeatherObserved&attrs=temperature&lastN=5");
            System.out.println("  Near a point  " + base + "/ngsi-ld/v1/entities?type=TrafficFlowObserved&georel=near;maxDistance==1000"
                    + "&geometry=Point&coordinates=%5B120.16,30.27%5D");
        }
        System.out.println("  Devices       " + base + "/iot/devices");
        if (server.mqttPort() > 0) {
            System.out.println("  MQTT          tcp://" + (checked.host().equals("0.0.0.0") ? "localhost" : checked.host()) + ":"
                    + server.mqttPort() + " (devices publish JSON to /{apikey}/{deviceId}/attrs)");
        }
        if (running != null) {
            System.out.println("  Demo city     " + running.sensorCount() + " sensors in 6 districts, a day every "
                    + Math.round(24 * 60 / demoSettings.speed()) + " minutes (seed " + demoSettings.seed() + ")");
            System.out.println("  Demo gateway  " + running.exampleGateway() + ", e.g. topic " + running.exampleDevice());
            System.out.println("  Demo accounts (password " + DemoDirectory.PASSWORD + "; sign in: POST " + base + "/auth/token)");
            for (DemoDirectory.Account account : DemoDirectory.ACCOUNTS) {
                System.out.printf("    %-11s %s%s%n", account.username(), account.role().id(),
                        account.department().isEmpty() ? "" : " of " + account.department());
            }
        }
        System.out.println("  Health        " + base + "/health");
        System.out.println("  Metrics       " + base + "/metrics");
        System.out.println("  API document  " + base + "/openapi.yaml");
        System.out.println("  Data          " + checked.dataDirectory().toAbsolutePath());
        System.out.println("Press Ctrl+C to stop.");
        stopped.await();
        return 0;
    }
}
