package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.broker.BrokerSettings;
import org.meridian.ingest.IngestSettings;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.13: an unknown @context URL is fetched once and kept as Cached; its origin going away loses nothing. */
@Tag("clause-5.13")
class RemoteContextTest {

    @Test
    void aReloadThatCannotReachTheOriginKeepsTheCachedCopy(@TempDir Path data) throws IOException {
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] document = "{\"@context\": {\"Streetlight\": \"https://example.org/city#Streetlight\"}}".getBytes(StandardCharsets.UTF_8);
        origin.createContext("/city.jsonld", exchange -> {
            exchange.sendResponseHeaders(200, document.length);
            exchange.getResponseBody().write(document);
            exchange.close();
        });
        origin.start();
        String url = "http://127.0.0.1:" + origin.getAddress().getPort() + "/city.jsonld";
        String stored = "/ngsi-ld/v1/jsonldContexts/" + URLEncoder.encode(url, StandardCharsets.UTF_8);
        // The origin is on this machine: allowed for this test only (the default refuses loopback and private addresses).
        try (MeridianServer server = TestServer.startOwn(data, Map.of(IngestSettings.MQTT_PORT, "-1",
                BrokerSettings.CONTEXT_FETCH_PRIVATE, "true"))) {
            Api api = TestServer.client(server);
            Api.Response created = api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:Streetlight:1\", \"type\": \"Streetlight\"}")
                    .link(url).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(api.get(stored + "?details=true").send().json().path("kind").asText()).isEqualTo("Cached");

            origin.stop(0);
            Api.Response reload = api.delete(stored + "?reload=true").send();
            assertThat(reload.status()).as(reload.toString()).isEqualTo(503);
            assertThat(reload.errorType()).isEqualTo("LdContextNotAvailable");

            assertThat(api.get(stored + "?details=True").send().json().path("kind").asText())
                    .as("still there, and details=True is understood as details=true").isEqualTo("Cached");
            Api.Response read = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1").link(url).send();
            assertThat(read.json().path("type").asText()).as(read.toString()).isEqualTo("Streetlight");
            assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1").send().json().path("type").asText())
                    .isEqualTo("https://example.org/city#Streetlight");
        } finally {
            origin.stop(0);
        }
    }
}
