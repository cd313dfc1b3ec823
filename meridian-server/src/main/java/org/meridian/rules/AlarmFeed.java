package org.meridian.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.meridian.platform.bus.Event;
import org.meridian.platform.bus.EventBus;

/**
 * The operations centre's live alarms on this node: the {@value RuleEngine#ALARM_STREAM} stream tailed from the change
 * stream (every node tails it, so a screen may connect to any), the last {@value #KEPT} alarms of each tenant kept in
 * memory for screens that reconnect. An alarm's id is its place in the change stream, so it means the same on every
 * node; a screen whose last alarm is no longer kept is told so, and reloads the open episodes.
 */
public final class AlarmFeed implements AutoCloseable {
    static final int KEPT = 1_000;

    /** One alarm: an episode opened, escalated or cleared, with the episode as the rule's actions see it. */
    public record Alarm(String id, long position, int index, String episode, String step, JsonNode episodeContext) {
        boolean after(long otherPosition, int otherIndex) {
            return position > otherPosition || position == otherPosition && index > otherIndex;
        }
    }

    /** What a screen gets: the alarms after its last, and whether some in between are no longer kept. */
    public record Since(List<Alarm> alarms, boolean missed) {
    }

    /** A tenant's alarms in memory, and the newest one dropped to keep them few. */
    private static final class Kept {
        final Deque<Alarm> alarms = new ArrayDeque<>();
        Alarm dropped;
    }

    private final Map<String, Kept> byTenant = new ConcurrentHashMap<>();
    /** The first position this node saw: what came before it is not here. */
    private volatile long firstSeen;
    private final EventBus.Consumption consumption;

    public AlarmFeed(EventBus bus) {
        consumption = bus.tail("alarm-feed", RuleEngine.ALARM_STREAM, this::take);
    }

    private void take(List<Event> events) {
        if (firstSeen == 0 && !events.isEmpty()) {
            firstSeen = events.getFirst().position();
        }
        for (Event event : events) {
            if (!event.stream().equals(RuleEngine.ALARM_STREAM)) {
                continue;
            }
            Kept kept = byTenant.computeIfAbsent(event.tenant(), tenant -> new Kept());
            synchronized (kept) {
                kept.alarms.addLast(new Alarm(event.position() + "." + event.index(), event.position(), event.index(), event.key(),
                        event.kind(), event.payload()));
                if (kept.alarms.size() > KEPT) {
                    kept.dropped = kept.alarms.removeFirst();
                }
            }
        }
    }

    /** Where the feed stands now for a tenant: a screen connecting without a last id starts here. */
    public String head(String tenant) {
        Kept kept = byTenant.get(tenant);
        if (kept == null) {
            return "0.0";
        }
        synchronized (kept) {
            return kept.alarms.isEmpty() ? "0.0" : kept.alarms.getLast().id();
        }
    }

    /**
     * The tenant's alarms after the one with this id ({@code position.index}, as sent); at most {@code limit}.
     *
     * @throws IllegalArgumentException if the id is not one this feed sends
     */
    public Since after(String tenant, String lastId, int limit) {
        int dot = lastId.indexOf('.');
        long position;
        int index;
        try {
            position = Long.parseLong(dot < 0 ? lastId : lastId.substring(0, dot));
            index = dot < 0 ? Integer.MAX_VALUE : Integer.parseInt(lastId.substring(dot + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an alarm id: " + lastId);
        }
        // Position 0: the screen has seen none. Otherwise, alarms after its last may be gone: dropped from memory, or
        // written before this node started tailing.
        boolean before = position > 0 && position < firstSeen;
        Kept kept = byTenant.get(tenant);
        if (kept == null) {
            return new Since(List.of(), before);
        }
        List<Alarm> out = new ArrayList<>();
        boolean missed;
        synchronized (kept) {
            missed = before || position > 0 && kept.dropped != null && kept.dropped.after(position, index);
            for (var each = kept.alarms.descendingIterator(); each.hasNext(); ) {
                Alarm alarm = each.next();
                if (!alarm.after(position, index)) {
                    break;
                }
                out.add(alarm);
            }
        }
        java.util.Collections.reverse(out);
        return new Since(out.size() > limit ? out.subList(0, limit) : out, missed);
    }

    @Override
    public void close() {
        consumption.close();
    }
}
