package org.meridian.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.app.Settings;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TcpProxy;
import org.meridian.testing.TestServer;

/**
 * While PostgreSQL does not answer, requests are refused at once with 503 and Retry-After, /health says so within a
 * second, and when it answers again everything acknowledged before is there and new writes succeed. The outage is
 * staged by cutting a TCP proxy between a second server and the shared test database.
 */
class DatabaseOutageTest {
    @TempDir
    Path data;

    @Test
    void anOutageIsRefusedQuicklyAndForgottenWhenTheDatabaseAnswersAgain() throws Exception {
        TestServer.api();
        String external = System.getenv("MERIDIAN_TEST_EXTERNAL_DB_URL");
        boolean embedded = external == null || external.isBlank();
        Path shared = Path.of("target", "test-data");
        java.net.URI target = embedded ? null : java.net.URI.create(external.substring("jdbc:".length()));
        int databasePort = embedded
                ? Integer.parseInt(Files.readAllLines(shared.resolve("postgres/postmaster.pid")).get(3).trim()) : target.getPort();
        String password = embedded ? Files.readString(shared.resolve("postgres.password")).strip()
                : System.getenv().getOrDefault("MERIDIAN_TEST_EXTERNAL_DB_PASSWORD", "");
        String database = embedded ? "/postgres" : target.getPath();
        String user = embedded ? "postgres" : System.getenv().getOrDefault("MERIDIAN_TEST_EXTERNAL_DB_USER", "postgres");
        try (TcpProxy proxy = new TcpProxy(databasePort);
             MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1",
                     Settings.DB_URL, "jdbc:postgresql://127.0.0.1:" + proxy.port() + database,
                     Settings.DB_USER, user, Settings.DB_PASSWORD, password))) {
            Api api = TestServer.client(server);
            String tenant = TestServer.newTenant();
            assertThat(api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Pump:1\", \"type\": \"Pump\"}").tenant(tenant)
                    .send().status()).isEqualTo(201);

            proxy.cut();
            Thread.sleep(1_500);
            long start = System.nanoTime();
            Api.Response refused = api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Pump:2\", \"type\": \"Pump\"}")
                    .tenant(tenant).send();
            long refusedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("2");
            assertThat(refused.json().path("type").asText()).endsWith("ServiceUnavailable");
            assertThat(refusedMillis).as("refused at once, not after the pool's timeout").isLessThan(2_000);
            start = System.nanoTime();
            Api.Response health = api.get("/health").send();
            assertThat(health.status()).isEqualTo(503);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
            assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Pump:1").tenant(tenant).send().status()).isEqualTo(503);

            proxy.restore();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int status = 0;
            while (System.nanoTime() < deadline && status != 201) {
                status = api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Pump:3\", \"type\": \"Pump\"}").tenant(tenant)
                        .send().status();
                Thread.sleep(200);
            }
            assertThat(status).as("writes succeed again").isEqualTo(201);
            assertThat(api.get("/health").send().status()).isEqualTo(200);
            assertThat(api.get("/ngsi-ld/v1/entities?type=Pump").tenant(tenant).send().json())
                    .extracting(e -> e.path("id").asText()).containsExactlyInAnyOrder("urn:ngsi-ld:Pump:1", "urn:ngsi-ld:Pump:3");
        }
    }
}
