package org.meridian.platform.bus;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The change stream: every committed change, handed to whoever consumes it (rules, case read models, the pages' live
 * updates, federation). Writers append in the transaction of their change, so an event exists exactly when its change
 * committed. Delivery is at least once, in order per key, and a named consumer resumes from the position it last
 * finished, after a restart or a crash of any node. One small interface with two implementations chosen by a setting,
 * as FROST-Server does it: {@link LogEventBus} (the PostgreSQL log read in process, the default) now, Kafka for
 * scale-out later (the log is then relayed to topics partitioned by tenant and key).
 */
public interface EventBus extends AutoCloseable {

    /**
     * Appends events in the caller's transaction (never in auto-commit), in the order given; call it after locking
     * what changed, so two changes of one key are appended in the order they happened.
     */
    void append(Connection connection, List<Event.Draft> events) throws SQLException;

    /** Says that a transaction which appended has committed: consumers look now rather than at their next poll. */
    void committed();

    /**
     * Starts handing events to a named consumer, from the position it last finished (or, the first time, from
     * {@code start}). One node at a time consumes under a name. A handler that throws gets the same events again
     * after a pause; a position is stored only after its handler returned.
     */
    Consumption subscribe(String consumer, Start start, Handler handler);

    /**
     * Starts handing this node the events appended from now on, for a live view (the operations centre's alarms):
     * every node that tails gets every event, and nothing is kept for it once it stops or its node dies, so a view
     * reconnecting after a gap reloads its state instead of replaying the stream.
     *
     * @param stream the one stream the view needs, or null for all: a transaction's events holding none of it are not
     *               parsed, and come as one event with an empty stream that only says where the stream is
     */
    Consumption tail(String purpose, String stream, Handler handler);

    @Override
    void close();

    /** Where a consumer that never ran starts. */
    enum Start {
        /** the oldest event kept */
        EARLIEST,
        /**
         * events appended from now on: one that took its position just before and commits just after may be missed, so
         * a consumer that must see everything from a moment starts at EARLIEST and skips what it does not need
         */
        LATEST
    }

    @FunctionalInterface
    interface Handler {
        /** Handles events in stream order; throwing means "again later". */
        void handle(List<Event> events) throws Exception;
    }

    /** A running consumer. */
    interface Consumption extends AutoCloseable {
        /** Stops consuming; a batch being handled is finished first. */
        @Override
        void close();
    }
}
