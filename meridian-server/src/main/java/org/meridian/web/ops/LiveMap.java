package org.meridian.web.ops;

import com.fasterxml.jackson.databind.JsonNode;
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
 */
public final class LiveMap implements AutoCloseable {
    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
    private final EventBus.Consumption consumption;

    public LiveMap(EventBus bus) {
        consumption = bus.tail("ops-map", null, this::take);
    }

    private void take(List<Event> events) {
        for (Event event : events) {
            if (!event.stream().equals("entity") || event.payload() == null) {
                continue;
            }
            for (JsonNode type : event.payload().path("type")) {
                versions.computeIfAbsent(key(event.tenant(), type.asText()), k -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    /** How often entities of the type (expanded) changed in the tenant since this node started. */
    long version(String tenant, String type) {
        AtomicLong version = versions.get(key(tenant, type));
        return version == null ? 0 : version.get();
    }

    private static String key(String tenant, String type) {
        return tenant + "\n" + type;
    }

    @Override
    public void close() {
        consumption.close();
    }
}
