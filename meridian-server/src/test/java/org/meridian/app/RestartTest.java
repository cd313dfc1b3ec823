package org.meridian.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.broker.BrokerSettings;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** The embedded database lives in the data directory: a restarted server finds its data again. */
class RestartTest {
    @TempDir
    Path data;

    private MeridianServer start() {
        Map<String, String> environment = new HashMap<>();
        environment.put(Settings.PORT, "0");
        environment.put(IngestSettings.MQTT_PORT, "0");
        environment.put(Settings.DATA, data.toString());
        environment.put(org.meridian.identity.IdentitySettings.ADMIN_PASSWORD, TestServer.ADMIN_PASSWORD);
        return MeridianServer.start(Settings.fromEnvironment(environment));
    }

    @Test
    void entitiesSurviveARestart() {
        try (MeridianServer first = start()) {
            Api api = TestServer.client("http://127.0.0.1:" + first.port());
            assertThat(api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Bridge:1\", \"type\": \"Bridge\", \"load\": 3}")
                    .send().status()).isEqualTo(201);
        }
        assertThat(Files.isDirectory(data.resolve("postgres"))).isTrue();

        try (MeridianServer second = start()) {
            Api api = TestServer.client("http://127.0.0.1:" + second.port());
            Api.Response response = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Bridge:1").send();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.json().path("load").path("value").asInt()).isEqualTo(3);
        }
    }

    /**
     * Versions before writes queued their notifications themselves put every change in the outbox. An event left there
     * when such a version stopped is notified by the next start, once (then the outbox is not read again).
     */
    @Test
    void anOutboxEventLeftByAnEarlierVersionIsNotifiedAfterTheUpgrade() throws Exception {
        try (org.meridian.testing.NotificationReceiver receiver = new org.meridian.testing.NotificationReceiver()) {
            try (MeridianServer first = start()) {
                Api api = TestServer.client("http://127.0.0.1:" + first.port());
                assertThat(api.post("/ngsi-ld/v1/subscriptions", """
                        {"type": "Subscription", "entities": [{"type": "Bridge"}],
                         "notification": {"endpoint": {"uri": "%s"}}}""".formatted(receiver.url())).send().status()).isEqualTo(201);
                String port = Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(3).trim();
                try (java.sql.Connection database = java.sql.DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
                        Files.readString(data.resolve("postgres.password")).strip());
                     java.sql.Statement insert = database.createStatement()) {
                    insert.execute("""
                            INSERT INTO outbox (tenant, entity_id, change, changed, entity) VALUES ('', 'urn:ngsi-ld:Bridge:9',
                            'created', '{https://uri.etsi.org/ngsi-ld/default-context/load}', '{"id": "urn:ngsi-ld:Bridge:9",
                            "types": ["https://uri.etsi.org/ngsi-ld/default-context/Bridge"], "scopes": [],
                            "createdAt": "2026-11-01T00:00:00Z", "modifiedAt": "2026-11-01T00:00:00Z",
                            "attrs": {"https://uri.etsi.org/ngsi-ld/default-context/load": [{"type": "Property", "value": 7}]}}')""");
                }
            }
            assertThat(receiver.received()).isEmpty();

            try (MeridianServer second = start()) {
                var notified = receiver.await(1, java.time.Duration.ofSeconds(15));
                assertThat(notified).hasSize(1);
                assertThat(notified.getFirst().body().path("data").get(0).path("id").asText()).isEqualTo("urn:ngsi-ld:Bridge:9");
                assertThat(notified.getFirst().body().path("data").get(0).path("load").path("value").asInt()).isEqualTo(7);
            }
        }
    }

    @Test
    void impossibleSettingsAreRefusedWithTheNameOfTheSetting() {
        Map<String, String> environment = Map.of(BrokerSettings.MAX_LIMIT, "10", BrokerSettings.DEFAULT_LIMIT, "50",
                Settings.DB_URL, "mysql://meridian:s3cret@elsewhere/city?password=s3cret");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MeridianServer.validate(Settings.fromEnvironment(environment)))
                .hasMessageContaining("MERIDIAN_DEFAULT_LIMIT").hasMessageContaining("MERIDIAN_DB_URL")
                .hasMessageContaining("mysql://meridian:********@elsewhere").hasMessageNotContaining("s3cret");
    }
}
