package org.meridian.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real HTTP endpoint on loopback that records the notifications it receives. */
public final class NotificationReceiver implements AutoCloseable {
    /** One received request. */
    public record Received(Map<String, List<String>> headers, JsonNode body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private volatile int status = 204;
    private final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();

    public NotificationReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/notify", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (received) {
                received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), Api.parse(body)));
                received.notifyAll();
            }
            exchange.sendResponseHeaders(failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : status, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/notify";
    }

    /** Answers every later notification with this status. */
    public void answerWith(int newStatus) {
        this.status = newStatus;
    }

    /** Answers the next {@code count} notifications with 500, then as before. */
    public void failNext(int count) {
        failures.set(count);
    }

    /** Waits until at least {@code count} notifications arrived (or fails after the timeout), and returns them all. */
    public List<Received> await(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " notifications, received " + received.size() + ": " + received);
                }
                try {
                    received.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            return List.copyOf(received);
        }
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
