package org.meridian.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * The embedded PostgreSQL asks every client for a generated password, kept readable by its owner only, so another
 * local user cannot connect as its superuser; a data directory from before the password gets one at its next start.
 */
class EmbeddedDatabasePasswordTest {
    @TempDir
    Path data;

    private MeridianServer start() {
        return TestServer.startOwn(data, Map.of());
    }

    private String url() throws Exception {
        return "jdbc:postgresql://127.0.0.1:" + Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(3).trim() + "/postgres";
    }

    @Test
    void aConnectionWithoutThePasswordIsRefused() throws Exception {
        try (MeridianServer server = start()) {
            Path file = data.resolve("postgres.password");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThatThrownBy(() -> DriverManager.getConnection(url(), "postgres", null)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(url(), "postgres", "postgres")).isInstanceOf(SQLException.class);
            try (Connection connection = DriverManager.getConnection(url(), "postgres", Files.readString(file).strip())) {
                assertThat(connection.isValid(2)).isTrue();
            }
        }
    }

    @Test
    void aClusterFromBeforeThePasswordGetsOneAndKeepsItsData() throws Exception {
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data.resolve("postgres"))
                .setCleanDataDirectory(false).start();
             Connection connection = old.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute("CREATE SCHEMA old; CREATE TABLE old.kept (x int)");
        }

        try (MeridianServer server = start()) {
            Api api = TestServer.client("http://127.0.0.1:" + server.port());
            assertThat(api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Bridge:1\", \"type\": \"Bridge\"}").send().status())
                    .isEqualTo(201);
            assertThatThrownBy(() -> DriverManager.getConnection(url(), "postgres", null)).isInstanceOf(SQLException.class);
            try (Connection connection = DriverManager.getConnection(url(), "postgres",
                    Files.readString(data.resolve("postgres.password")).strip())) {
                assertThat(connection.createStatement().executeQuery("SELECT count(*) FROM old.kept").next()).isTrue();
            }
        }
        try (MeridianServer again = start()) {
            assertThat(TestServer.client("http://127.0.0.1:" + again.port()).get("/ngsi-ld/v1/entities/urn:ngsi-ld:Bridge:1")
                    .send().status()).as("a restart with the password in place").isEqualTo(200);
        }
    }
}
