package org.meridian.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code meridian serve} and {@code meridian demo}. */
@Command(name = "meridian", mixinStandardHelpOptions = true, version = "Meridian 0.1.0",
        description = "An open platform for innovative smarter cities.",
        subcommands = {Main.Serve.class, Main.Demo.class})
public final class Main implements Callable<Integer> {
    public static void main(String[] args) {
        if ("json".equals(System.getenv(Settings.LOG_FORMAT))) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
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
        @Override
        public Integer call() throws InterruptedException {
            return run(settings(), true);
        }
    }

    static int run(Settings settings, boolean demo) throws InterruptedException {
        Settings checked;
        try {
            checked = settings.validate();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        MeridianServer server = MeridianServer.start(checked);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "meridian-shutdown"));
        String base = "http://" + (checked.host().equals("0.0.0.0") ? "localhost" : checked.host()) + ":" + server.port();
        System.out.println();
        System.out.println("Meridian is running" + (demo ? " (demo mode: the simulated city arrives with issue #4; the broker is live)" : "") + ".");
        System.out.println("  NGSI-LD API  " + base + "/ngsi-ld/v1/entities");
        System.out.println("  Health       " + base + "/health");
        System.out.println("  Metrics      " + base + "/metrics");
        System.out.println("  Data         " + checked.dataDirectory().toAbsolutePath());
        System.out.println("Press Ctrl+C to stop.");
        stopped.await();
        return 0;
    }
}
