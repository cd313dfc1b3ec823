package org.meridian.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The history's monthly partitions: created ahead of time, and dropped whole when a retention period has passed them,
 * so old data goes without deleting row by row.
 */
public final class HistoryPartitions {
    static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy_MM");

    /** Creates the monthly partitions around now, so rows land in a partition that can later be dropped whole. */
    public void ensurePartitions(Connection connection, Instant now, int monthsAhead) throws SQLException {
        LocalDate month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).minusMonths(1);
        try (Statement statement = connection.createStatement()) {
            for (int i = 0; i <= monthsAhead + 1; i++) {
                LocalDate start = month.plusMonths(i);
                String name = "attribute_history_" + start.format(MONTH);
                // Names and bounds come from dates, never from input.
                statement.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF attribute_history FOR VALUES FROM ('"
                        + start + "T00:00:00Z') TO ('" + start.plusMonths(1) + "T00:00:00Z')");
            }
        }
    }

    /** Drops monthly partitions that end before the cut-off; returns their names. */
    public List<String> dropPartitionsBefore(Connection connection, Instant cutoff) throws SQLException {
        List<String> dropped = new ArrayList<>();
        LocalDate cutoffMonth = LocalDate.ofInstant(cutoff, ZoneOffset.UTC).withDayOfMonth(1);
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                        + "WHERE p.relname = 'attribute_history' AND c.relname ~ '^attribute_history_[0-9]{4}_[0-9]{2}$'");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String name = rows.getString(1);
                LocalDate month = LocalDate.parse(name.substring("attribute_history_".length()).replace('_', '-') + "-01");
                if (month.plusMonths(1).isBefore(cutoffMonth) || month.plusMonths(1).isEqual(cutoffMonth)) {
                    dropped.add(name);
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (String name : dropped) {
                // The roll-up goes by hour of observation, partitions by time of recording: they differ for history
                // imported with old observation times. So the hours the partition fed are recounted from what remains,
                // rather than cut by date. Names come from the catalogue and match the pattern above, never input.
                statement.execute("CREATE TEMP TABLE IF NOT EXISTS retention_series_hours (tenant text, series_id bigint, hour timestamptz)");
                statement.execute("TRUNCATE retention_series_hours");
                statement.execute("INSERT INTO retention_series_hours SELECT DISTINCT tenant, series_id, " + HistoryStore.HOUR + " FROM " + name);
                statement.execute("DROP TABLE " + name);
                // The open hours' rows first, in the order the fold locks; the recount goes to the closed ones.
                statement.execute("DELETE FROM attribute_hourly_open a USING retention_series_hours r WHERE a.tenant = r.tenant "
                        + "AND a.series_id = r.series_id AND a.hour = r.hour");
                statement.execute("DELETE FROM attribute_hourly a USING retention_series_hours r WHERE a.tenant = r.tenant "
                        + "AND a.series_id = r.series_id AND a.hour = r.hour");
                statement.execute("INSERT INTO attribute_hourly (" + HistoryStore.HOURLY_COLUMNS + ") SELECT h.tenant, h.series_id, r.hour, "
                        + HistoryStore.ROLLUP_COLUMNS.replace("value_number", "h.value_number") + " FROM retention_series_hours r JOIN attribute_history h "
                        + "ON h.tenant = r.tenant AND h.series_id = r.series_id "
                        + "AND coalesce(h.observed_at, h.recorded_at) >= r.hour AND coalesce(h.observed_at, h.recorded_at) < r.hour + interval '1 hour' "
                        + "GROUP BY 1, 2, 3");
            }
        }
        return dropped;
    }
}
