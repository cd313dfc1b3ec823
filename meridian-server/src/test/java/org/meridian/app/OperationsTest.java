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
