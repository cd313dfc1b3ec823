package org.meridian.platform.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.meridian.core.json.Json;
import org.meridian.platform.db.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change stream kept in PostgreSQL ({@code event_log}) and read in process: the outbox pattern, so an event is
 * appended in its change's transaction and nothing committed is lost, whatever crashes.
 *
 * <p>Positions come from a sequence, handed out when a row is inserted, not when it commits, so a consumer may see
 * position 12 committed while 11 is still in flight. A consumer therefore never steps over a missing position until
 * every transaction that could still hold it has ended. The writer that took it had its transaction id before it took
 * the position ({@link #append} makes sure), hence before the consumer's snapshot that found the gap; the consumer's own
 * transaction id is assigned after that snapshot, so it is larger. Once the oldest running transaction (a later
 * snapshot's xmin) is past the consumer's id, the position is either visible or never will be (rolled back, or skipped
 * by the sequence after a crash). (A snapshot's xmax is not such a bound: it is one past the highest completed id, and
 * running transactions may hold larger ones.) No timeouts, no lock shared by writers.
 */
public final class LogEventBus implements EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(LogEventBus.class);
    private static final long TRIM_LEASE = 0x4d455249_00000004L;
    private static final long TOUCH_INTERVAL_NANOS = 60_000_000_000L;
    private static final String SERIALIZATION_FAILURE = "40001";

    /**
     * @param retention how long an event is kept for a consumer that has not read it (one that stopped longer ago
     *                  misses what was trimmed, and is told in the log)
     * @param floor how long an event is kept at least, even when every consumer has passed it
     * @param batch how many positions (writing transactions) a handler gets at most at once
     * @param chars how much event text a handler gets at most at once (a single larger position whole). A position
     *              holds one writing transaction's events, each with its entity: a batch of measurements is about a
     *              megabyte, and a hundred of them read at once by a consumer behind (the rules, in a city of 100,000
     *              sensors) filled a 384 MB heap with their parsed trees, and the collector thrashed
     * @param poll how often a consumer looks for events committed on other nodes
     */
    public record Options(Duration retention, Duration floor, int batch, long chars, Duration poll) {
        public static Options defaults() {
            return new Options(Duration.ofHours(24), Duration.ofMinutes(2), 100, 4_000_000, Duration.ofMillis(250));
        }

        public Options retaining(Duration newRetention) {
            return new Options(newRetention, floor, batch, chars, poll);
        }
    }

    private final DataSource dataSource;
    private final Options options;
    private final List<LogConsumer> consumers = new CopyOnWriteArrayList<>();
    private final Lease trimLease;
    private final Trimmer trimmer;
    private final Thread trimThread;
    private volatile boolean running = true;

    public LogEventBus(DataSource dataSource, Options options) {
        this.dataSource = dataSource;
        this.options = options;
        this.trimLease = new Lease(dataSource, TRIM_LEASE, "change stream trimming");
        this.trimmer = new Trimmer(options);
        this.trimThread = Thread.ofVirtual().name("meridian-event-trim").start(this::trimLoop);
    }

    @Override
    public void append(Connection connection, List<Event.Draft> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        ArrayNode batch = JsonNodeFactory.instance.arrayNode(events.size());
        java.util.Set<String> streams = new java.util.LinkedHashSet<>();
        for (Event.Draft event : events) {
            streams.add(event.stream());
            ObjectNode row = batch.addObject();
            row.put("tenant", event.tenant());
            row.put("stream", event.stream());
            row.put("key", event.key());
            row.put("kind", event.kind());
            row.set("payload", event.payload());
        }
        // The condition makes the transaction take its id before the row takes its position (see the class comment);
        // it is evaluated before the row is formed, whether once or per row.
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO event_log (events, streams) SELECT ?, ? WHERE pg_current_xact_id() IS NOT NULL")) {
            insert.setString(1, Json.write(batch));
            insert.setArray(2, connection.createArrayOf("text", streams.toArray()));
            insert.executeUpdate();
        }
    }

    @Override
    public void committed() {
        consumers.forEach(LogConsumer::wake);
    }

    @Override
    public Consumption subscribe(String consumer, Start start, Handler handler) {
        register(consumer, start);
        LogConsumer running = new LogConsumer(consumer, handler, false, null);
        consumers.add(running);
        running.start();
        return running;
    }

    @Override
    public Consumption tail(String purpose, String stream, Handler handler) {
        // Its own name on this node; its row is deleted when it stops. A node killed leaves a row that trimming stops
        // waiting for after the retention (it counts only consumers seen within it).
        String name = purpose + "@" + java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextLong());
        register(name, Start.LATEST);
        LogConsumer running = new LogConsumer(name, handler, true, stream);
        consumers.add(running);
        running.start();
        return running;
    }

    private void register(String consumer, Start start) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO event_consumer (name, position)
                     SELECT ?, CASE WHEN ? THEN coalesce((SELECT max(position) FROM event_log), 0)
                                    ELSE coalesce((SELECT min(position) FROM event_log), 1) - 1 END
                     ON CONFLICT (name) DO NOTHING""")) {
            insert.setString(1, consumer);
            insert.setBoolean(2, start == Start.LATEST);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not register the change stream consumer " + consumer, e);
        }
    }

    /** How many times the consumer of that name in this process has looked for events; -1 if none runs here. */
    long polls(String consumer) {
        return consumers.stream().filter(c -> c.name.equals(consumer)).mapToLong(c -> c.polls.get()).findFirst().orElse(-1);
    }

    @Override
    public void close() {
        running = false;
        consumers.forEach(LogConsumer::close);
        trimThread.interrupt();
        trimLease.close();
    }

    /** Trims what is no longer needed, on one node (a lease), about every ten seconds. */
    private void trimLoop() {
        while (running) {
            try {
                Thread.sleep(Duration.ofSeconds(10));
                if (trimLease.held()) {
                    try (Connection connection = dataSource.getConnection()) {
                        trimmer.trim(connection);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.warn("trimming the change stream failed; it tries again shortly: {}", e.toString());
            }
        }
    }

    /** One named consumer: a virtual thread reading the log after its position. */
    private final class LogConsumer implements Consumption {
        private final String name;
        private final Handler handler;
        /** a tail: its position is forgotten when it stops */
        private final boolean forgotten;
        private final java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
        private final Gap gap = new Gap();
        private volatile long position;
        /** How many times it looked (a signal for tests that something did not arrive, without sleeping on it). */
        private final java.util.concurrent.atomic.AtomicLong polls = new java.util.concurrent.atomic.AtomicLong();
        private volatile boolean open = true;
        /** Whether the last read stopped at a limit of the batch, so that more may be waiting (the loop's own thread). */
        private boolean more;
        private long touchedAt = System.nanoTime() - TOUCH_INTERVAL_NANOS;
        private Thread thread;

        /**
         * What a row holding an event of the one stream wanted contains, as {@link #append} writes it (null: every row
         * is parsed). Parsing every row was most of what a view of one rare stream (the alarms) cost in a busy city.
         */
        private final String marker;
        /** The one stream this consumer wants (null: all): rows without it are not even sent (see {@link #read}). */
        private final String stream;

        LogConsumer(String name, Handler handler, boolean forgotten, String stream) {
            this.name = name;
            this.handler = handler;
            this.forgotten = forgotten;
            this.stream = stream;
            this.marker = stream == null ? null : "\"stream\":" + Json.write(JsonNodeFactory.instance.textNode(stream));
        }

        void start() {
            thread = Thread.ofVirtual().name("meridian-consumer-" + name).start(this::loop);
        }

        void wake() {
            if (wake.availablePermits() == 0) {
                wake.release();
            }
        }

        private void loop() {
            Duration pause = Duration.ZERO;
            while (open && running) {
                try {
                    if (!pause.isZero()) {
                        Thread.sleep(pause);
                    }
                    touchIfDue();
                    pollOnce();
                    polls.incrementAndGet();
                    pause = Duration.ZERO;
                    if (!more) {
                        wake.tryAcquire(options.poll().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    pause = pause.isZero() ? Duration.ofMillis(500) : min(pause.multipliedBy(2), Duration.ofSeconds(30));
                    LOG.warn("change stream consumer {} failed at position {}; trying again in {} ms: {}", name, position,
                            pause.toMillis(), e.toString());
                }
            }
        }

        /**
         * Says the consumer is alive about once a minute, apart from its progress (and from a failing handler's rolled
         * back polls), so that trimming waits for it after a long quiet spell too.
         */
        private void touchIfDue() throws SQLException {
            long now = System.nanoTime();
            if (now - touchedAt < TOUCH_INTERVAL_NANOS) {
                return;
            }
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement touch = connection.prepareStatement("UPDATE event_consumer SET updated_at = now() WHERE name = ?")) {
                touch.setString(1, name);
                touch.executeUpdate();
            }
            touchedAt = now;
        }

        /** Hands the next events to the handler and stores the position (nothing when another node consumes). */
        private void pollOnce() throws Exception {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                // One snapshot for the consumer row, the running transactions and the events (see the class comment).
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try {
                    pollIn(connection);
                    connection.commit();
                } catch (SQLException e) {
                    connection.rollback();
                    more = false;
                    if (SERIALIZATION_FAILURE.equals(e.getSQLState())) {
                        return; // another node moved this consumer since the snapshot: it consumes now
                    }
                    throw e;
                } catch (Exception | Error e) {
                    // An Error too (a handler out of memory): rolled back here, it is what the log shows, not a failure
                    // to reset the isolation of a transaction still open.
                    more = false;
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
            }
        }

        private void pollIn(Connection connection) throws Exception {
            more = false;
            long stored;
            try (PreparedStatement lock = connection.prepareStatement(
                    "SELECT position FROM event_consumer WHERE name = ? FOR UPDATE SKIP LOCKED")) {
                lock.setString(1, name);
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        return; // another node consumes under this name
                    }
                    stored = row.getLong(1);
                }
            }
            position = stored;
            long xmin;
            long self;
            // The snapshot was taken by the first statement; the row lock has given this transaction its id since.
            try (PreparedStatement snapshot = connection.prepareStatement(
                    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, pg_current_xact_id()::text");
                 ResultSet row = snapshot.executeQuery()) {
                row.next();
                xmin = Long.parseLong(row.getString(1));
                self = Long.parseLong(row.getString(2));
            }
            List<Event> events = read(connection, stored);
            List<Event> ready = gap.ready(stored, events, xmin, self, name);
            // Read again at once when the read stopped at a limit; not when it stopped at a transaction still running.
            more = more && !ready.isEmpty() && ready.size() == events.size();
            if (ready.isEmpty()) {
                return;
            }
            handler.handle(List.copyOf(ready));
            long last = ready.getLast().position();
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE event_consumer SET position = ?, updated_at = now() WHERE name = ?")) {
                update.setLong(1, last);
                update.setString(2, name);
                update.executeUpdate();
            }
            position = last;
        }

        /** Reads the events after the position, up to the batch's limits; says in {@link #more} whether it stopped at one. */
        private List<Event> read(Connection connection, long after) throws SQLException {
            List<Event> events = new ArrayList<>();
            more = false;
            long chars = 0;
            int rowsRead = 0;
            // A consumer of one stream gets only the rows that hold it: a row's events are a few hundred kilobytes
            // for a batch of measurements, which PostgreSQL would otherwise decompress and send to be skipped here.
            // Rows written before the streams were listed (null) are sent and checked by their text.
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT position, CASE WHEN ?::text IS NULL OR streams IS NULL OR ? = ANY (streams) THEN events END,
                           recorded_at
                    FROM event_log WHERE position > ? ORDER BY position LIMIT ?""")) {
                select.setString(1, stream);
                select.setString(2, stream);
                select.setLong(3, after);
                select.setInt(4, options.batch());
                // A few rows a round trip (the transaction is open, so the driver keeps a cursor): reading stops at the
                // text budget without having fetched the rest.
                select.setFetchSize(8);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        rowsRead++;
                        long position = rows.getLong(1);
                        java.time.Instant recorded = rows.getTimestamp(3).toInstant();
                        String row = rows.getString(2);
                        if (row != null && !events.isEmpty() && chars + row.length() > options.chars()) {
                            more = true; // this position comes first in the next read
                            break;
                        }
                        if (row == null || marker != null && !row.contains(marker)) {
                            // Where the stream is, for the position this consumer stores.
                            events.add(new Event(position, 0, "", "", "", "", null, recorded));
                            continue;
                        }
                        int index = 0;
                        for (JsonNode event : Json.parseTrusted(row)) {
                            JsonNode payload = event.get("payload");
                            events.add(new Event(position, index++, event.path("tenant").asText(), event.path("stream").asText(),
                                    event.path("key").asText(), event.path("kind").asText(),
                                    payload == null || payload.isNull() ? null : payload, recorded));
                        }
                        chars += row.length();
                    }
                }
            }
            more |= rowsRead == options.batch();
            return events;
        }

        @Override
        public void close() {
            open = false;
            consumers.remove(this);
            if (thread != null) {
                wake();
                try {
                    thread.join(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                thread.interrupt();
            }
            if (forgotten) {
                try (Connection connection = dataSource.getConnection();
                     PreparedStatement delete = connection.prepareStatement("DELETE FROM event_consumer WHERE name = ?")) {
                    delete.setString(1, name);
                    delete.executeUpdate();
                } catch (SQLException e) {
                    LOG.warn("the change stream tail {} could not be forgotten (trimming stops waiting for it after the retention): {}",
                            name, e.toString());
                }
            }
        }
    }

    /**
     * Decides how far a consumer may go: up to the first missing position, or past it once no transaction that could
     * still commit it is running.
     */
    static final class Gap {
        private long missing = -1;
        /** A transaction id handed out after the snapshot that first found the gap (the consumer's own). */
        private long horizon;

        /**
         * @param xmin the oldest transaction still running at this poll's snapshot
         * @param self this poll's transaction id, assigned after its snapshot
         */
        List<Event> ready(long after, List<Event> events, long xmin, long self, String consumer) {
            List<Event> ready = new ArrayList<>(events.size());
            long expected = after + 1;
            long current = -1;
            for (Event event : events) {
                if (event.position() == current) {
                    ready.add(event); // another event of the same transaction
                    continue;
                }
                if (event.position() != expected) {
                    if (missing != expected) {
                        missing = expected;
                        horizon = self;
                        break;
                    }
                    if (xmin < horizon) {
                        break; // a transaction that may hold the missing position is still running
                    }
                    long skipped = event.position() - expected;
                    if (skipped > 100) {
                        LOG.warn("change stream consumer {} missed positions {}-{}: trimmed before it read them",
                                consumer, expected, event.position() - 1);
                    }
                    missing = -1;
                }
                ready.add(event);
                current = event.position();
                expected = current + 1;
            }
            return ready;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
