package org.meridian.cases.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.meridian.cases.Category;
import org.meridian.cases.Question;
import org.meridian.cases.Routing;

/** The case catalogue (categories), routing and the working calendar's exceptions of each tenant. */
public final class CatalogueStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CATEGORY = "tenant, code, name, kind, parent, description, limits, public, questions";

    public List<Category> categories(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + CATEGORY + " FROM case_category WHERE tenant = ? ORDER BY code")) {
            select.setString(1, tenant);
            return categories(select);
        }
    }

    public Optional<Category> category(Connection connection, String tenant, String code) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT " + CATEGORY + " FROM case_category WHERE tenant = ? AND code = ?")) {
            select.setString(1, tenant);
            select.setString(2, code);
            return categories(select).stream().findFirst();
        }
    }

    private static List<Category> categories(PreparedStatement select) throws SQLException {
        List<Category> categories = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                categories.add(new Category(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getString(5), rows.getString(6), limits(rows.getString(7)), rows.getBoolean(8), questions(rows.getString(9))));
            }
        }
        return categories;
    }

    /** Creates or replaces the category; returns whether it was new. */
    public boolean putCategory(Connection connection, Category category) throws SQLException {
        ObjectNode limits = JSON.valueToTree(category.limits());
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO case_category (" + CATEGORY + ") VALUES "
                + "(?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb) ON CONFLICT (tenant, code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, "
                + "parent = EXCLUDED.parent, description = EXCLUDED.description, limits = EXCLUDED.limits, public = EXCLUDED.public, "
                + "questions = EXCLUDED.questions "
                + "RETURNING (xmax = 0)")) {
            upsert.setString(1, category.tenant());
            upsert.setString(2, category.code());
            upsert.setString(3, category.name());
            upsert.setString(4, category.kind());
            upsert.setString(5, category.parent());
            upsert.setString(6, category.description());
            upsert.setString(7, limits.toString());
            upsert.setBoolean(8, category.open());
            upsert.setString(9, JSON.valueToTree(category.questions()).toString());
            try (ResultSet row = upsert.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static List<Question> questions(String json) throws SQLException {
        try {
            return List.of(JSON.readValue(json, Question[].class));
        } catch (java.io.IOException e) {
            throw new SQLException("a category's questions are not JSON", e);
        }
    }

    private static Map<String, Map<String, Double>> limits(String json) throws SQLException {
        Map<String, Map<String, Double>> limits = new LinkedHashMap<>();
        try {
            JsonNode node = JSON.readTree(json);
            node.properties().forEach(urgency -> {
                Map<String, Double> byState = new LinkedHashMap<>();
                urgency.getValue().properties().forEach(state -> byState.put(state.getKey(), state.getValue().asDouble()));
                limits.put(urgency.getKey(), byState);
            });
        } catch (java.io.IOException e) {
            throw new SQLException("a category's limits are not JSON", e);
        }
        return limits;
    }

    // ---- routing ----

    public List<Routing> routing(Connection connection, String tenant) throws SQLException {
        List<Routing> routes = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT tenant, category, district, lead, co_handlers FROM case_routing "
                + "WHERE tenant = ? ORDER BY category, district")) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    routes.add(new Routing(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            Arrays.asList((String[]) rows.getArray(5).getArray())));
                }
            }
        }
        return routes;
    }

    public void putRouting(Connection connection, Routing routing) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO case_routing (tenant, category, district, lead, co_handlers) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, category, district) DO UPDATE SET lead = EXCLUDED.lead, "
                + "co_handlers = EXCLUDED.co_handlers")) {
            upsert.setString(1, routing.tenant());
            upsert.setString(2, routing.category());
            upsert.setString(3, routing.district());
            upsert.setString(4, routing.lead());
            upsert.setArray(5, connection.createArrayOf("text", routing.coHandlers().toArray()));
            upsert.executeUpdate();
        }
    }

    // ---- the working calendar's exceptions ----

    /** Day → working (a make-up working day) or not (a holiday). */
    public Map<LocalDate, Boolean> calendarDays(Connection connection, String tenant) throws SQLException {
        Map<LocalDate, Boolean> days = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT day, working FROM case_calendar_day WHERE tenant = ? ORDER BY day")) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    days.put(rows.getDate(1).toLocalDate(), rows.getBoolean(2));
                }
            }
        }
        return days;
    }

    /** The tenant's working hours, when it has set its own: windows as [from, to] ("24:00" is the day's end), and weekend days. */
    public record Hours(List<List<String>> windows, List<String> weekend) {
    }

    public Optional<Hours> workingHours(Connection connection, String tenant) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT windows, weekend FROM case_working_hours WHERE tenant = ?")) {
            select.setString(1, tenant);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                List<List<String>> windows = new ArrayList<>();
                try {
                    for (JsonNode window : JSON.readTree(row.getString(1))) {
                        windows.add(List.of(window.get(0).asText(), window.get(1).asText()));
                    }
                } catch (java.io.IOException e) {
                    throw new SQLException("a tenant's working hours are not JSON", e);
                }
                return Optional.of(new Hours(windows, Arrays.asList((String[]) row.getArray(2).getArray())));
            }
        }
    }

    public void putWorkingHours(Connection connection, String tenant, Hours hours) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO case_working_hours (tenant, windows, weekend) "
                + "VALUES (?, ?::jsonb, ?) ON CONFLICT (tenant) DO UPDATE SET windows = EXCLUDED.windows, weekend = EXCLUDED.weekend")) {
            upsert.setString(1, tenant);
            upsert.setString(2, JSON.valueToTree(hours.windows()).toString());
            upsert.setArray(3, connection.createArrayOf("text", hours.weekend().toArray()));
            upsert.executeUpdate();
        }
    }

    /** Replaces the year's exceptions with these. */
    public void replaceYear(Connection connection, String tenant, int year, Map<LocalDate, Boolean> days) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM case_calendar_day WHERE tenant = ? AND day >= ? AND day < ?")) {
            delete.setString(1, tenant);
            delete.setDate(2, Date.valueOf(LocalDate.of(year, 1, 1)));
            delete.setDate(3, Date.valueOf(LocalDate.of(year + 1, 1, 1)));
            delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO case_calendar_day (tenant, day, working) VALUES (?, ?, ?)")) {
            for (Map.Entry<LocalDate, Boolean> day : days.entrySet()) {
                insert.setString(1, tenant);
                insert.setDate(2, Date.valueOf(day.getKey()));
                insert.setBoolean(3, day.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
