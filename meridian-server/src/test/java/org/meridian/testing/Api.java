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

/** A small HTTP client for tests: requests with headers, responses with parsed JSON bodies. */
public final class Api {
    public static final String CORE = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Api(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    public Request get(String path) {
        return new Request("GET", path, null);
    }

    public Request delete(String path) {
        return new Request("DELETE", path, null);
    }

    public Request post(String path, String body) {
        return new Request("POST", path, body).header("Content-Type", "application/json");
    }

    public Request patch(String path, String body) {
        return new Request("PATCH", path, body).header("Content-Type", "application/json");
    }

    public Request put(String path, String body) {
        return new Request("PUT", path, body).header("Content-Type", "application/json");
    }

    /** A POST of raw bytes (files in another charset). */
    public Request postBytes(String path, byte[] body, String contentType) {
        Request request = new Request("POST", path, null).header("Content-Type", contentType);
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

        private Request(String method, String path, String body) {
            this.method = method;
            this.path = path;
            this.body = body;
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
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            builder.method(method, bytes != null ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                    : body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            for (int i = 0; i < headers.size(); i += 2) {
                builder.header(headers.get(i), headers.get(i + 1));
            }
            try {
                HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                return new Response(response.statusCode(), response.headers(), response.body());
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

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
