package org.meridian.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * The exchange ledger's chain, attacked directly in PostgreSQL (as a database administrator could): an edited entry,
 * a deleted one, two swapped, and entries cut off the end are each detected, and the verification names where. On a
 * server of its own, whose ledger nothing else writes.
 */
class LedgerTamperTest {
    @Test
    void editsDeletionsReorderingsAndTruncationAreDetectedAndLocated(@TempDir Path data) throws Exception {
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            Api operator = TestServer.client(server);
            assertThat(operator.put("/admin/v1/departments/water", "{\"name\": \"Water\"}").send().status()).isEqualTo(201);
            for (String type : new String[] {"FloodMonitoring", "WaterQualityObserved", "Pump", "Valve", "Reservoir", "Pipe"}) {
                assertThat(operator.put("/sharing/v1/datasets/" + type, "{\"owner\": \"water\"}").send().status()).isEqualTo(201);
            }
            assertThat(verify(operator).path("intact").asBoolean()).isTrue();
            assertThat(verify(operator).path("entries").asInt()).isEqualTo(6);

            try (Connection connection = server.dataSource().getConnection(); Statement sql = connection.createStatement()) {
                sql.execute("CREATE TABLE ledger_backup AS SELECT * FROM exchange_ledger");
                sql.execute("CREATE TABLE head_backup AS SELECT * FROM exchange_ledger_head");

                sql.executeUpdate("UPDATE exchange_ledger SET detail = 'dataset Pump owned by someone else' WHERE seq = 3");
                assertBroken(operator, 3, "changed");
                restore(sql);

                sql.executeUpdate("UPDATE exchange_ledger SET entity_count = 9999 WHERE seq = 4");
                assertBroken(operator, 4, "changed");
                restore(sql);

                sql.executeUpdate("DELETE FROM exchange_ledger WHERE seq = 2");
                assertBroken(operator, 2, "missing");
                restore(sql);

                // Reordered: entries 4 and 5 swap places (their numbers), each keeping its content.
                sql.executeUpdate("UPDATE exchange_ledger SET seq = -4 WHERE seq = 4");
                sql.executeUpdate("UPDATE exchange_ledger SET seq = 4 WHERE seq = 5");
                sql.executeUpdate("UPDATE exchange_ledger SET seq = 5 WHERE seq = -4");
                assertBroken(operator, 4, "does not follow");
                restore(sql);

                // Cut off the end, with the head left as it was: the head still names entry 6.
                sql.executeUpdate("DELETE FROM exchange_ledger WHERE seq >= 5");
                assertBroken(operator, 5, "cut off");
                restore(sql);

                assertThat(verify(operator).path("intact").asBoolean()).as("restored").isTrue();
            }
        }
    }

    private static JsonNode verify(Api operator) {
        Api.Response response = operator.get("/sharing/v1/ledger/verification").send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static void assertBroken(Api operator, long at, String problem) {
        JsonNode verification = verify(operator);
        assertThat(verification.path("intact").asBoolean()).as(verification.toString()).isFalse();
        assertThat(verification.path("brokenAt").asLong()).as(verification.toString()).isEqualTo(at);
        assertThat(verification.path("problem").asText()).contains(problem);
    }

    private static void restore(Statement sql) throws Exception {
        sql.execute("DELETE FROM exchange_ledger");
        sql.execute("INSERT INTO exchange_ledger SELECT * FROM ledger_backup");
        sql.execute("UPDATE exchange_ledger_head h SET seq = b.seq, hash = b.hash FROM head_backup b WHERE h.id = b.id");
    }
}
