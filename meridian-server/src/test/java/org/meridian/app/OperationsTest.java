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
    void metricsAreInPrometheusFormatAndCountRequests() {
        api.get("/ngsi-ld/v1/types").send();
        Api.Response response = api.get("/metrics").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("text/plain");
        assertThat(response.body()).contains("meridian_http_requests_seconds_count").contains("route=\"/ngsi-ld/v1/types\"")
                .contains("hikaricp_connections").contains("jvm_memory_used_bytes");
    }
}
