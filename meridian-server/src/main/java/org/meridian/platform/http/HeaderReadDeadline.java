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
 * connection open for as long as it liked; a few thousand such clients exhaust the server's sockets. Request bodies are
 * bounded separately (a minimum data rate).
 */
final class HeaderReadDeadline implements Connection.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderReadDeadline.class);

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
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
