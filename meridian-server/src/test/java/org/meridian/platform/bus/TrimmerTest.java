package org.meridian.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.platform.db.Database;

/**
 * The change stream keeps what a consumer has not read, and no more: events every active consumer has passed go (after
 * the floor), a consumer idle past the retention holds nothing back, and the retention trims even what is unread.
 */
class TrimmerTest {
    @TempDir
    static Path data;
    private static Database database;
    private static LogEventBus bus;

    @BeforeAll
    static void open() {
        database = Database.open(null, null, null, data, 4, null, List.of(Database.MIGRATIONS));
        bus = new LogEventBus(database.dataSource(), LogEventBus.Options.defaults());
    }

    @AfterAll
    static void close() {
        bus.close();
        database.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection connection = database.connection(); var statement = connection.createStatement()) {
            statement.execute("DELETE FROM event_log; DELETE FROM event_consumer");
        }
    }

    private static List<Long> append(int transactions) throws SQLException {
        DataSource source = database.dataSource();
        for (int i = 0; i < transactions; i++) {
            try (Connection connection = source.getConnection()) {
                connection.setAutoCommit(false);
                bus.append(connection, List.of(new Event.Draft("t", "entity", "k" + i, "updated", null)));
                connection.commit();
            }
        }
        return positions();
    }

    private static List<Long> positions() throws SQLException {
        List<Long> positions = new ArrayList<>();
        try (Connection connection = database.connection(); var statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT position FROM event_log ORDER BY position")) {
            while (rows.next()) {
                positions.add(rows.getLong(1));
            }
        }
        return positions;
    }

    private static void consumerAt(String name, long position, String updatedAgo) throws SQLException {
        try (Connection connection = database.connection();
             PreparedStatement upsert = connection.prepareStatement("""
                     INSERT INTO event_consumer (name, position, updated_at) VALUES (?, ?, now() - ?::interval)
                     ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at""")) {
            upsert.setString(1, name);
            upsert.setLong(2, position);
            upsert.setString(3, updatedAgo);
            upsert.executeUpdate();
        }
    }

    private static long trim(Trimmer trimmer) throws SQLException {
        try (Connection connection = database.connection()) {
            return trimmer.trim(connection);
        }
    }

    private static Trimmer trimmer(Duration retention) {
        return new Trimmer(new LogEventBus.Options(retention, Duration.ZERO, 100, 4_000_000, Duration.ofMillis(250)));
    }

    @Test
    void whatEveryActiveConsumerHasReadGoesAndTheRestStays() throws SQLException {
        List<Long> written = append(3);
        consumerAt("slow", written.get(0), "0 seconds");
        consumerAt("fast", written.get(2), "0 seconds");
        Trimmer trimmer = trimmer(Duration.ofHours(1));
        assertThat(trim(trimmer)).isEqualTo(1);
        assertThat(positions()).containsExactly(written.get(1), written.get(2));
        consumerAt("slow", written.get(2), "0 seconds");
        trim(trimmer);
        assertThat(positions()).isEmpty();
    }

    @Test
    void aConsumerIdlePastTheRetentionHoldsNothingBack() throws SQLException {
        List<Long> written = append(2);
        consumerAt("gone", written.get(0) - 1, "2 hours");
        trim(trimmer(Duration.ofHours(1)));
        assertThat(positions()).isEmpty();
    }

    @Test
    void theRetentionTrimsEvenWhatIsUnread() throws SQLException {
        List<Long> written = append(2);
        consumerAt("behind", written.get(0) - 1, "0 seconds");
        assertThat(trim(trimmer(Duration.ofHours(1)))).isZero();
        assertThat(positions()).hasSize(2);
        trim(trimmer(Duration.ZERO));
        assertThat(positions()).isEmpty();
    }
}
