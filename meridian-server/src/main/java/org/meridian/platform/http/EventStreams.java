package org.meridian.platform.http;

import io.javalin.http.sse.SseClient;

/**
 * Serves a server-sent event stream until the client leaves: sends what is new as soon as there is some, looks again
 * every 200 ms while there is none, and writes a comment every 15 s so proxies do not close an idle stream.
 */
public final class EventStreams {
    private static final long HEARTBEAT_NANOS = 15_000_000_000L;
    /** The request attribute that says the server is stopping (an AtomicBoolean the HTTP server sets). */
    static final String STOPPING = "meridian.stopping";

    private EventStreams() {
    }

    /** What one look found. */
    public enum Found {
        /** it sent something: look again at once */
        SENT,
        /** nothing new */
        NOTHING,
        /** the stream is over (what it followed is gone) */
        END
    }

    /** Sends what is new to the client. */
    @FunctionalInterface
    public interface Look {
        Found look();
    }

    public static void serve(SseClient client, Look look) {
        long lastWrite = System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean stopping = client.ctx().attribute(STOPPING);
        while (!client.terminated() && (stopping == null || !stopping.get())) {
            Found found = look.look();
            if (found == Found.END) {
                return;
            }
            if (found == Found.SENT) {
                lastWrite = System.nanoTime();
                continue;
            }
            if (System.nanoTime() - lastWrite > HEARTBEAT_NANOS) {
                client.sendComment("keep-alive");
                lastWrite = System.nanoTime();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
