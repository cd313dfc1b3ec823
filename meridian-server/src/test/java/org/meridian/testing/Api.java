package org.meridian.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small HTTP client for tests: requests with headers, responses with parsed JSON bodies. Like any client of a
 * platform with accounts, it signs in (POST /auth/token) and sends its access token on every request; {@link
 * #anonymous()} is the same client without credentials, {@link #as} signed in as someone else.
 */
public final class Api {
    public static final String CORE = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient client;
    private final String username;
    private final String password;
    private final boolean machine;
    private String token;
    private long tokenExpiresNanos;

    Api(String base, String username, String password) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), username, password, false);
    }

    private Api(String base, HttpClient client, String username, String password, boolean machine) {
        this.base = base;
        this.client = client;
        this.username = username;
        this.password = password;
        this.machine = machine;
    }

    public String base() {
        return base;
    }

    /** This client without credentials: what anyone on the network can do. */
    public Api anonymous() {
        return new Api(base, client, null, null, false);
    }

    /** This client signed in as a machine client (client_credentials). */
    public Api asClient(String clientId, String secret) {
        return new Api(base, client, clientId, secret, true);
    }

    /** This client signed in as another account. */
    public Api as(String user, String userPassword) {
        return new Api(base, client, user, userPassword, false);
    }

    /** The Authorization header value this client sends (for tests that make their own requests), or null. */
    public synchronized String authorization() {
        if (username == null) {
            return null;
        }
        if (token == null || System.nanoTime() > tokenExpiresNanos) {
            String form = machine ? "grant_type=client_credentials&client_id=" + encode(username) + "&client_secret=" + encode(password)
                    : "grant_type=password&username=" + encode(username) + "&password=" + encode(password);
            Response response = new Request("POST", "/auth/token", form, false)
                    .header("Content-Type", "application/x-www-form-urlencoded").send();
            if (response.status() != 200) {
                throw new AssertionError("could not sign in as " + username + ": " + response);
            }
            token = response.json().path("access_token").asText();
            tokenExpiresNanos = System.nanoTime() + Duration.ofSeconds(response.json().path("expires_in").asLong() - 30).toNanos();
        }
        return "Bearer " + token;
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    public Request get(String path) {
        return new Request("GET", path, null, true);
    }

    public Request delete(String path) {
        return new Request("DELETE", path, null, true);
    }

    public Request post(String path, String body) {
        return new Request("POST", path, body, true).header("Content-Type", "application/json");
    }

    public Request patch(String path, String body) {
        return new Request("PATCH", path, body, true).header("Content-Type", "application/json");
    }

    public Request put(String path, String body) {
        return new Request("PUT", path, body, true).header("Content-Type", "application/json");
    }

    /** A form-encoded POST (OAuth's token endpoint). */
    public Request postForm(String path, String form) {
        return new Request("POST", path, form, true).header("Content-Type", "application/x-www-form-urlencoded");
    }

    /** A request of any method (the route-matrix test walks them all). */
    public Request request(String method, String path, String body) {
        return new Request(method, path, body, true).header("Content-Type", "application/json");
    }

    /** A POST of raw bytes (files in another charset). */
    public Request postBytes(String path, byte[] body, String contentType) {
        Request request = new Request("POST", path, null, true).header("Content-Type", contentType);
        request.bytes = body;
        return request;
    }

    /** A request being built; {@link #send()} performs it. */
    public final class Request {
        private final String method;
        private final String path;
        private final String body;
        private byte[] bytes;
        private final List<String> headers = new ArrayList<>();
        private final boolean signed;

        private Request(String method, String path, String body, boolean signed) {
            this.method = method;
            this.path = path;
            this.body = body;
            this.signed = signed;
        }

        public Request header(String name, String value) {
            for (int i = 0; i < headers.size(); i += 2) {
                if (headers.get(i).equalsIgnoreCase(name)) {
                    headers.set(i + 1, value);
                    return this;
                }
            }
            headers.add(name);
            headers.add(value);
            return this;
        }

        public Request tenant(String tenant) {
            return header("NGSILD-Tenant", tenant);
        }

        public Request link(String contextUrl) {
            return header("Link", "<" + contextUrl + ">; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"");
        }

        public Request accept(String mediaType) {
            return header("Accept", mediaType);
        }

        public Request contentType(String mediaType) {
            return header("Content-Type", mediaType);
        }

        public Response send() {
            HttpResponse<byte[]> response = exchange();
            return new Response(response.statusCode(), response.headers(), new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }

        /** Sends the request and returns the body as it came (a file, a photo). */
        public byte[] sendForBytes() {
            return exchange().body();
        }

        private HttpResponse<byte[]> exchange() {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            builder.method(method, bytes != null ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                    : body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (bytes != null && bytes.length > 1024 * 1024) {
                // As a careful client sends a large upload: headers first, the body once the server says continue, so a
                // refusal (413) is read rather than lost when the server closes the connection on the unread body.
                builder.expectContinue(true);
            }
            boolean ownCredentials = false;
            for (int i = 0; i < headers.size(); i += 2) {
                builder.header(headers.get(i), headers.get(i + 1));
                ownCredentials |= headers.get(i).equalsIgnoreCase("Authorization") || headers.get(i).equalsIgnoreCase("X-Api-Key");
            }
            if (signed && !ownCredentials && username != null) {
                builder.header("Authorization", authorization());
            }
            try {
                return client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A response; {@link #json()} parses the body. */
    public record Response(int status, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response body is not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The NGSI-LD error type short name of a problem-details body, e.g. BadRequestData. */
        public String errorType() {
            String type = json().path("type").asText();
            return type.substring(type.lastIndexOf('/') + 1);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** The text as a JSON string literal, quotes and escapes included. */
    public static String quote(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
