package org.meridian.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * A bulk load into a new entity table is analyzed within seconds, by Meridian itself (last_analyze; autovacuum would
 * set last_autoanalyze, a minute or more later), so the queries right after it are planned with statistics.
 */
class FreshStatisticsTest {
    @TempDir
    Path data;

    @Test
    void aBulkLoadIsAnalyzedWithinSeconds() throws Exception {
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"))) {
            Api api = TestServer.client(server);
            for (int batch = 0; batch < 4; batch++) {
                StringBuilder body = new StringBuilder("[");
                for (int i = 0; i < 500; i++) {
                    body.append(i == 0 ? "" : ",").append("{\"id\": \"urn:ngsi-ld:Sensor:").append(batch * 500 + i)
                            .append("\", \"type\": \"Sensor\", \"level\": ").append(i % 100).append('}');
                }
                assertThat(api.post("/ngsi-ld/v1/entityOperations/upsert", body + "]").send().status()).isLessThan(300);
            }
            String url = "jdbc:postgresql://127.0.0.1:" + Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(3).trim()
                    + "/postgres";
            try (Connection connection = DriverManager.getConnection(url, "postgres",
                    Files.readString(data.resolve("postgres.password")).strip())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                boolean analyzed = false;
                while (!analyzed && System.nanoTime() < deadline) {
                    try (ResultSet result = connection.createStatement().executeQuery(
                            "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relid = 'entity'::regclass")) {
                        analyzed = result.next() && result.getBoolean(1);
                    }
                    Thread.sleep(200);
                }
                assertThat(analyzed).as("the entity table was analyzed by Meridian").isTrue();
            }
        }
    }
}
