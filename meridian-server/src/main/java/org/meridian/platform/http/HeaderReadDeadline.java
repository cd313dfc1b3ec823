package org.meridian.platform.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections that take longer than the deadline to send a request's line and headers. Jetty's idle timeout
 * only bounds the pause between two bytes, so a client sending its headers a byte at a time (slowloris) kept a
 * connection open for as long as it liked; a few thousand such clients exhaust the server's sockets.
 *
 * <p>Bodies get a deadline too, by their progress: the header deadline twice over (room for a server busy reading it
 * late) plus a second per {@value #MIN_BODY_BYTES_PER_SECOND} bytes that have arrived, counting at least
 * {@value #BODY_GRACE_BYTES}; a body trickled slower than that is cut off, whatever length it declared (a declared 8 MiB
 * trickled a byte at a time would otherwise hold a connection and its memory reservation for an hour). Jetty's own
 * minimum data rate, replaced here, counted from the first byte with no grace: a 15-byte PATCH read 8 ms after it
 * arrived, as happens under load, was refused (measured: 500s under three writers).
 */
final class HeaderReadDeadline implements Connection.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderReadDeadline.class);

    /** Slowest request body accepted, bytes per second: a body trickled in slower than this is cut off. */
    static final long MIN_BODY_BYTES_PER_SECOND = 2048;
    static final long BODY_GRACE_BYTES = 16 * 1024;

    private final long deadlineNanos;
    private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("meridian-header-deadline").daemon().factory());

    HeaderReadDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
        long period = Math.max(100, deadline.toMillis() / 4);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.add(http);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (HttpConnection connection : open) {
            // Read from another thread: a stale view delays a close by one sweep at most.
            HttpParser parser = connection.getParser();
            if (parser.inHeaderState() && !parser.isStart() && now - parser.getBeginNanoTime() > deadlineNanos) {
                LOG.debug("closing {}: request headers not complete within the deadline", connection.getEndPoint().getRemoteSocketAddress());
                connection.getEndPoint().close();
            } else if (parser.inContentState() && now - parser.getBeginNanoTime() > bodyDeadlineNanos(parser)) {
                LOG.debug("closing {}: request body slower than {} B/s", connection.getEndPoint().getRemoteSocketAddress(),
                        MIN_BODY_BYTES_PER_SECOND);
                connection.getEndPoint().close();
            }
        }
    }

    private long bodyDeadlineNanos(HttpParser parser) {
        long bytes = Math.max(BODY_GRACE_BYTES, parser.getContentRead());
        return 2 * deadlineNanos + bytes * 1_000_000_000L / MIN_BODY_BYTES_PER_SECOND;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
