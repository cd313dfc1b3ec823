package org.meridian.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** What operators and load balancers see: health and Prometheus metrics. */
class OperationsTest {
    private final Api api = TestServer.api();

    @Test
    void healthReportsTheDatabase() {
        Api.Response response = api.get("/health").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("checks").path("database").asText()).isEqualTo("UP");
    }

    @Test
    void openApiDocumentDescribesEveryNgsiLdResource() {
        Api.Response response = api.get("/openapi.yaml").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).startsWith("openapi: 3.1.0");
        for (String path : new String[] {"/ngsi-ld/v1/entities:", "/ngsi-ld/v1/entities/{entityId}/attrs/{attrId}:",
                "/ngsi-ld/v1/entityOperations/upsert:", "/ngsi-ld/v1/entityOperations/query:", "/ngsi-ld/v1/types/{type}:",
                "/ngsi-ld/v1/attributes/{attrId}:", "/ngsi-ld/v1/jsonldContexts/{contextId}:", "/health:", "/metrics:"}) {
            assertThat(response.body()).contains("\n  " + path);
        }
    }

    /** Every route the router serves is in the document with its method; those anyone may call say security: []. */
    @Test
    void openApiDocumentHasEveryRouteOfTheRouter() {
        String document = api.get("/openapi.yaml").send().body();
        for (var route : TestServer.routes()) {
            String what = route.method() + " " + route.path();
            int at = document.indexOf("\n  " + route.path() + ":\n");
            assertThat(at).as(what).isPositive();
            int next = document.indexOf("\n  /", at + 3);
            String block = document.substring(at, next < 0 ? document.length() : next);
            int method = block.indexOf("\n    " + route.method().toLowerCase(java.util.Locale.ROOT) + ":");
            assertThat(method).as(what + " documented").isPositive();
            int nextMethod = java.util.stream.Stream.of("get", "post", "put", "patch", "delete")
                    .mapToInt(m -> block.indexOf("\n    " + m + ":", method + 5)).filter(i -> i > 0).min().orElse(block.length());
            String operation = block.substring(method, nextMethod);
            boolean open = route.access() == org.meridian.platform.http.Access.PUBLIC;
            assertThat(operation.contains("security: []")).as(what + " says whether it is open to anyone").isEqualTo(open);
        }
    }

    @Test
    void metricsAreInPrometheusFormatAndCountRequests() {
        api.get("/ngsi-ld/v1/types").send();
        Api.Response response = api.get("/metrics").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/plain");
        assertThat(response.body()).contains("meridian_http_requests_seconds_count").contains("route=\"/ngsi-ld/v1/types\"")
                .contains("hikaricp_connections").contains("jvm_memory_used_bytes");
    }
}
