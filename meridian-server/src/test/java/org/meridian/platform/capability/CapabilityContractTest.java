package org.meridian.platform.capability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.config.RoutesConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.broker.BrokerCapability;
import org.meridian.broker.EntityService;
import org.meridian.ingest.IngestSettings;
import org.meridian.platform.bus.EventBus;
import org.meridian.platform.http.Routes;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * A capability moves in through the contract alone, as identity, cases and rules will: its own settings (checked with
 * the others before anything starts), its own migrations, routes and services, the broker's services, and the change
 * stream. Nothing central is edited: the test adds it to the installed ones.
 */
class CapabilityContractTest {
    private static final String LIMIT = "MERIDIAN_NOTES_LIMIT";

    @TempDir
    Path data;

    /** Notes every entity created, from the change stream, in a table of its own; serves them over HTTP. */
    static final class Notes implements Capability {
        @Override
        public String name() {
            return "notes";
        }

        @Override
        public Set<String> requires() {
            return Set.of(BrokerCapability.NAME);
        }

        @Override
        public List<String> migrations() {
            return List.of("classpath:db/test-notes");
        }

        @Override
        public List<String> problems(Environment environment) {
            int limit = environment.integer(LIMIT, 10);
            return limit < 1 ? List.of(LIMIT + " must be at least 1, not " + limit) : List.of();
        }

        @Override
        public Running start(Platform platform) {
            EntityService entities = platform.services().require(EntityService.class);
            EventBus.Consumption consumption = platform.events().subscribe("notes", EventBus.Start.LATEST, events -> {
                try (Connection connection = platform.database().dataSource().getConnection();
                     PreparedStatement insert = connection.prepareStatement(
                             "INSERT INTO test_note (entity_id, kind) VALUES (?, ?) ON CONFLICT (entity_id) DO UPDATE SET kind = excluded.kind")) {
                    for (var event : events) {
                        insert.setString(1, event.key());
                        insert.setString(2, event.kind());
                        insert.executeUpdate();
                    }
                }
            });
            Routes routes = (RoutesConfig config) -> config.get("/notes/v1/{id}", http -> {
                String id = http.pathParam("id");
                entities.retrieve(org.meridian.platform.http.Callers.of(http, ""), id); // the broker's service: 404 in problem details if absent
                try (Connection connection = platform.database().dataSource().getConnection();
                     PreparedStatement select = connection.prepareStatement("SELECT kind FROM test_note WHERE entity_id = ?")) {
                    select.setString(1, id);
                    try (ResultSet row = select.executeQuery()) {
                        http.json(Map.of("id", id, "noted", row.next() ? row.getString(1) : "nothing yet"));
                    }
                }
            }, org.meridian.platform.http.Access.READ_DATA);
            return new Running() {
                @Override
                public List<Routes> routes() {
                    return List.of(routes);
                }

                @Override
                public void close() {
                    consumption.close();
                }
            };
        }
    }

    @Test
    void aCapabilityBringsItsTablesRoutesAndStreamConsumer() throws Exception {
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1"), List.of(new Notes()))) {
            Api api = TestServer.client(server);
            assertThat(api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Bench:1\", \"type\": \"Bench\"}").send().status())
                    .isEqualTo(201);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String noted;
            do {
                Api.Response response = api.get("/notes/v1/urn:ngsi-ld:Bench:1").send();
                assertThat(response.status()).as(response.toString()).isEqualTo(200);
                noted = response.json().path("noted").asText();
            } while (!noted.equals("created") && System.nanoTime() < deadline && sleep());
            assertThat(noted).isEqualTo("created");
            Api.Response absent = api.get("/notes/v1/urn:ngsi-ld:Bench:404").send();
            assertThat(absent.status()).isEqualTo(404);
            assertThat(absent.json().path("code").asText()).isEqualTo("broker.ENTITY_NOT_FOUND");
        }
    }

    @Test
    void itsSettingsAreCheckedWithTheOthersBeforeAnythingStarts() {
        assertThatThrownBy(() -> TestServer.startOwn(data, Map.of(LIMIT, "0", "MERIDIAN_MAX_LIMIT", "-5"),
                List.of(new Notes())))
                .hasMessageContaining(LIMIT + " must be at least 1").hasMessageContaining("MERIDIAN_DEFAULT_LIMIT");
    }

    @Test
    void aMissingRequirementIsNamed() {
        Capability orphan = new Capability() {
            @Override
            public String name() {
                return "orphan";
            }

            @Override
            public Set<String> requires() {
                return Set.of("cases");
            }

            @Override
            public Running start(Platform platform) {
                return new Running() {
                };
            }
        };
        assertThatThrownBy(() -> Capability.inOrder(List.of(orphan)))
                .hasMessageContaining("orphan requires the capability cases, which is not installed");
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(100);
        return true;
    }
}
