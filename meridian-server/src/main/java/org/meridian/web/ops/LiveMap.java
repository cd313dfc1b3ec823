package org.meridian.web.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.meridian.platform.bus.Event;
import org.meridian.platform.bus.EventBus;

/**
 * Which map layers changed, on this node: the change stream tailed, a counter per tenant and entity type. A screen's
 * stream compares the counters of its layers about once a second and tells the screen which to fetch again, so a
 * city sending thousands of readings a second costs a screen one small read per visible layer per second, and every
 * value it shows comes through the governed map read (nothing is sent here that the read would hide).
 *
 * <p>The stream is tailed only while a screen asks: parsing every event of a city sending 10,000 readings a second
 * took 5 % of the server when no one looked at the map. It stops two minutes after the last question. When it starts
 * again, every layer counts as changed once, a little later: a change written between a screen's first fetch and the
 * tail's start is not missed.
 */
public final class LiveMap implements AutoCloseable {
    private static final long IDLE_NANOS = Duration.ofMinutes(2).toNanos();
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final EventBus bus;
    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
    /** Added to every counter: moved on once after each start of the tail. */
    private final AtomicLong epoch = new AtomicLong();
    private EventBus.Consumption consumption;
    private boolean closed;
    private volatile long askedAt = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();

    public LiveMap(EventBus bus) {
        this.bus = bus;
    }

    private void take(List<Event> events) {
        // Counted even when about to stop: a screen asking at this moment keeps the tail, and these changes count.
        for (Event event : events) {
            if (!event.stream().equals("entity") || event.payload() == null) {
                continue;
            }
            for (JsonNode type : event.payload().path("type")) {
                versions.computeIfAbsent(key(event.tenant(), type.asText()), k -> new AtomicLong()).incrementAndGet();
            }
        }
        if (System.nanoTime() - askedAt > IDLE_NANOS && stopping.compareAndSet(false, true)) {
            // Not from the handler's own thread: closing waits for the batch being handled.
            Thread.startVirtualThread(this::stopIfIdle);
        }
    }

    /** How often entities of the type (expanded) changed in the tenant, as this node has seen since it started. */
    long version(String tenant, String type) {
        watch();
        AtomicLong version = versions.get(key(tenant, type));
        return epoch.get() + (version == null ? 0 : version.get());
    }

    private void watch() {
        askedAt = System.nanoTime();
        synchronized (this) {
            if (consumption != null || closed) {
                return;
            }
            consumption = bus.tail("ops-map", null, this::take);
        }
        Thread.startVirtualThread(() -> {
            try {
                Thread.sleep(SETTLE);
            } catch (InterruptedException e) {
                return;
            }
            epoch.incrementAndGet();
        });
    }

    private void stopIfIdle() {
        EventBus.Consumption idle;
        synchronized (this) {
            if (consumption == null || System.nanoTime() - askedAt <= IDLE_NANOS) {
                stopping.set(false);
                return;
            }
            idle = consumption;
            consumption = null;
        }
        try {
            idle.close();
        } finally {
            stopping.set(false);
        }
    }

    private static String key(String tenant, String type) {
        return tenant + "\n" + type;
    }

    @Override
    public void close() {
        EventBus.Consumption running;
        synchronized (this) {
            closed = true;
            running = consumption;
            consumption = null;
        }
        if (running != null) {
            running.close();
        }
    }
}
