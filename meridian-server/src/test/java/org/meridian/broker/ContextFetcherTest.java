package org.meridian.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meridian.core.error.ErrorType;
import org.meridian.core.error.MeridianException;

/** Fetching unknown @context URLs: only what is safe to fetch, within limits, else LdContextNotAvailable. */
class ContextFetcherTest {
    private static HttpServer server;
    private static String base;

    @BeforeAll
    static void contextServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok.jsonld", exchange -> answer(exchange, 200, "{\"@context\": {\"name\": \"https://schema.org/name\"}}"));
        server.createContext("/big.jsonld", exchange -> answer(exchange, 200, "{\"@context\": {\"a\": \"" + "x".repeat(5000) + "\"}}"));
        server.createContext("/gone.jsonld", exchange -> answer(exchange, 404, "{}"));
        server.createContext("/moved.jsonld", exchange -> {
            exchange.getResponseHeaders().add("Location", base + "/ok.jsonld");
            answer(exchange, 302, "");
        });
        server.createContext("/not-json.jsonld", exchange -> answer(exchange, 200, "<html>"));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private static ContextFetcher fetcher(boolean privateAddresses, Set<String> hosts) {
        return new ContextFetcher(true, hosts, privateAddresses, Duration.ofSeconds(2), 1024);
    }

    private static void refused(ContextFetcher fetcher, String url, String why) {
        assertThatThrownBy(() -> fetcher.fetch(url)).isInstanceOf(MeridianException.class)
                .satisfies(e -> assertThat(((MeridianException) e).type()).isEqualTo(ErrorType.LD_CONTEXT_NOT_AVAILABLE))
                .hasMessageContaining(why);
    }

    @Test
    void addressesOnThisMachineOrAPrivateNetworkAreNeverFetchedUnlessAllowed() {
        ContextFetcher guarded = fetcher(false, Set.of());
        refused(guarded, base + "/ok.jsonld", "private network");
        refused(guarded, "http://10.1.2.3/context.jsonld", "private network");
        refused(guarded, "http://169.254.169.254/latest/meta-data", "private network");
        refused(guarded, "http://[::1]/context.jsonld", "private network");
        refused(guarded, "file:///etc/passwd", "only http and https");
        refused(guarded, "ftp://example.org/c.jsonld", "only http and https");
        assertThat(fetcher(true, Set.of()).fetch(base + "/ok.jsonld").at("/@context/name").asText()).isEqualTo("https://schema.org/name");
    }

    @Test
    void theAllowListAndTheLimitsHold() {
        refused(fetcher(true, Set.of("contexts.example.org")), base + "/ok.jsonld", "MERIDIAN_CONTEXT_FETCH_HOSTS");
        ContextFetcher open = fetcher(true, Set.of());
        refused(open, base + "/big.jsonld", "larger than 1024 bytes");
        refused(open, base + "/gone.jsonld", "answered 404");
        refused(open, base + "/moved.jsonld", "answered 302");
        refused(open, base + "/not-json.jsonld", "not valid JSON");
        refused(new ContextFetcher(false, Set.of(), true, Duration.ofSeconds(2), 1024), base + "/ok.jsonld", "fetching contexts is off");
    }
}
