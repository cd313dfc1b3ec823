package org.meridian.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Meridian as a process of its own (`meridian serve` on a data directory), for tests that kill it with SIGKILL. */
public final class ServerProcess {
    private ServerProcess() {
    }

    /** Starts a server on the port and data directory, with these settings besides; its output goes to a log there. */
    public static Process start(Path data, int port, Map<String, String> environment) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.meridian.app.Main", "serve", "--port", String.valueOf(port), "--data", data.toString());
        builder.environment().put("MERIDIAN_MQTT_PORT", "0");
        builder.environment().put("MERIDIAN_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(data.resolve("server-" + System.nanoTime() + ".log").toFile());
        return builder.start();
    }

    /** Waits until the server answers its health check (at most 90 seconds). */
    public static void awaitHealthy(Api api) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (api.get("/health").send().status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the server is still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not become healthy");
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
