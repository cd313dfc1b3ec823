package org.meridian.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * What Jetty answers before a request reaches a route is problem details too, and a client cannot hold a connection
 * open by trickling its headers. Raw sockets, since an HTTP client library refuses to send such requests.
 */
class HttpEdgeTest {
    private final Api api = TestServer.api();

    private String exchange(byte[] request) throws IOException {
        URI base = URI.create(api.base());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertProblem(String response, int status) {
        assertThat(response).as(response).startsWith("HTTP/1.1 " + status);
        assertThat(response).containsIgnoringCase("Content-Type: application/json").contains("\"type\":\"https://uri.etsi.org/ngsi-ld/errors/")
                .doesNotContainIgnoringCase("<html");
    }

    @Test
    void aNulInThePathOrAHeaderIsProblemDetails() throws IOException {
        assertProblem(exchange("GET /ngsi-ld/v1/entities/urn:ngsi-ld:X:%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.UTF_8)), 400);
        assertProblem(exchange("GET /ngsi-ld/v1/entities?type=X HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.UTF_8)), 400);
    }

    @Test
    void aTooLongUriIsProblemDetails() throws IOException {
        String response = exchange(("GET /ngsi-ld/v1/entities?type=" + "X".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        assertProblem(response, 414);
        assertThat(response).contains("entityOperations/query");
    }

    @Test
    void aTooLargeBodyNamesTheSetting() throws IOException {
        Api.Response response = api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:X:1\", \"type\": \"X\", \"a\": \""
                + "x".repeat(3 * 1024 * 1024) + "\"}").tenant(TestServer.newTenant()).send();
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().path("detail").asText()).contains("MERIDIAN_MAX_BODY_BYTES");
    }

    @Test
    void aClientTricklingItsHeadersIsDisconnected() throws Exception {
        URI base = URI.create(api.base());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(200);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.UTF_8);
            long start = System.nanoTime();
            boolean closed = false;
            // The test server's deadline is 2 s; a byte every 200 ms never lets the idle timeout fire.
            for (int i = 0; i < 150 && !closed; i++) {
                try {
                    out.write(i < request.length ? request[i] : 'a');
                    out.flush();
                    closed = in.read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // Nothing to read within 200 ms: the next byte goes out.
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("closed after %d ms", (System.nanoTime() - start) / 1_000_000).isTrue();
        }
    }

    @Test
    void aClientTricklingItsBodyIsDisconnected() throws Exception {
        URI base = URI.create(api.base());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(200);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // Headers at once, then a 2,000-byte body a byte every 200 ms (5 B/s): allowed 2 x 2 s for the headers'
            // deadline plus a second per 2 KiB arrived, counting at least 16 KiB: 12 s.
            // Signed in: without credentials the request is refused (401) before its body is read at all.
            out.write(("POST /ngsi-ld/v1/entities HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Authorization: " + api.authorization() + "\r\nContent-Length: 2000\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            long start = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < 100 && !closed; i++) {
                try {
                    out.write(' ');
                    out.flush();
                    closed = in.read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // Nothing to read within 200 ms: the next byte goes out.
                } catch (IOException reset) {
                    closed = true;
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(closed).as("closed after %d ms", millis).isTrue();
            assertThat(millis).as("not before its allowance").isGreaterThan(10_000);
        }
    }

    @Test
    void errorsNameTheCapabilityAndCodeThatRaisedThem() {
        Api.Response missing = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:X:none").tenant(TestServer.newTenant()).send();
        // The tenant does not exist either: the platform says so first.
        assertThat(missing.json().path("code").asText()).isEqualTo("platform.TENANT_NOT_FOUND");
        String tenant = TestServer.newTenant();
        assertThat(api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:X:1\", \"type\": \"X\"}").tenant(tenant)
                .send().status()).isEqualTo(201);
        Api.Response notFound = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:X:none").tenant(tenant).send();
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json().path("type").asText()).isEqualTo("https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound");
        assertThat(notFound.json().path("code").asText()).isEqualTo("broker.ENTITY_NOT_FOUND");
        Api.Response exists = api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:X:1\", \"type\": \"X\"}")
                .tenant(tenant).send();
        assertThat(exists.json().path("code").asText()).isEqualTo("broker.ENTITY_EXISTS");
        Api.Response malformed = api.post("/ngsi-ld/v1/entities", "{\"type\": \"X\"}").tenant(tenant).send();
        assertThat(malformed.json().path("code").asText()).isEqualTo("core.BAD_REQUEST_DATA");
    }

    /**
     * Large bodies reserve memory from a shared budget while they are handled; the reservation is returned however the
     * request ends. Forty refused 1 MiB bodies in a row reserve far more than the budget holds at once (the test
     * server's 1 GB heap fits about seventeen): had any reservation leaked, the last would wait and be refused with 503.
     */
    @Test
    void largeBodiesReturnTheirMemoryReservationHoweverTheyEnd() {
        String tenant = TestServer.newTenant();
        String broken = "{\"id\": \"urn:ngsi-ld:X:1\", \"type\": \"X\", \"a\": \"" + "x".repeat(1024 * 1024) + "\"";
        for (int i = 0; i < 40; i++) {
            Api.Response response = api.post("/ngsi-ld/v1/entities", broken).tenant(tenant).send();
            assertThat(response.status()).as("request " + i + ": " + response).isEqualTo(400);
        }
        String whole = "{\"id\": \"urn:ngsi-ld:X:1\", \"type\": \"X\", \"a\": \"" + "x".repeat(1024 * 1024) + "\"}";
        assertThat(api.post("/ngsi-ld/v1/entities", whole).tenant(tenant).send().status()).isEqualTo(201);
    }
}
