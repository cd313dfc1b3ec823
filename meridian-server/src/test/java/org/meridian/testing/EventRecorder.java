package org.meridian.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.meridian.platform.bus.Event;
import org.meridian.platform.bus.EventBus;

/** A consumer of the change stream that records what it is handed, for tests of anything that publishes changes. */
public final class EventRecorder implements AutoCloseable {
    private final String name = "test-" + UUID.randomUUID();
    private final List<Event> received = new ArrayList<>();
    private final EventBus.Consumption consumption;

    /** Records the events that pass the filter, from those committed after now. */
    public EventRecorder(EventBus bus, Predicate<Event> filter) {
        this.consumption = bus.subscribe(name, EventBus.Start.LATEST, events -> {
            synchronized (received) {
                events.stream().filter(filter).forEach(received::add);
                received.notifyAll();
            }
        });
    }

    /** The consumer's name on the stream. */
    public String name() {
        return name;
    }

    /** Waits until at least {@code count} events were recorded (or the timeout passed), and returns them all. */
    public List<Event> await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.size() < count && System.nanoTime() < deadline) {
                received.wait(100);
            }
            return List.copyOf(received);
        }
    }

    public List<Event> events() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        consumption.close();
    }
}
