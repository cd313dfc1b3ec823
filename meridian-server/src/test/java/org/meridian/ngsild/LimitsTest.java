package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Documented limits answer with problem details, never a stack trace, and store nothing. */
@Tag("limits")
class LimitsTest {
    private final Api api = TestServer.api();

    @Test
    void aBodyOverTheSizeLimitIsPayloadTooLarge() {
        String tenant = TestServer.newTenant();
        String big = "{\"id\": \"urn:ngsi-ld:Big:1\", \"type\": \"Big\", \"blob\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}";
        Api.Response response = api.post("/ngsi-ld/v1/entities", big).tenant(tenant).send();

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().path("type").asText()).startsWith("https://uri.etsi.org/ngsi-ld/errors/");
    }

    @Test
    void aBatchOverTheSizeLimitIsRefusedWhole() {
        String tenant = TestServer.newTenant();
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"id\": \"urn:ngsi-ld:E:").append(i).append("\", \"type\": \"E\"}");
        }
        Api.Response response = api.post("/ngsi-ld/v1/entityOperations/create", batch + "]").tenant(tenant).send();

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asText()).contains("MERIDIAN_MAX_BATCH_SIZE");
        assertThat(api.get("/ngsi-ld/v1/entities?type=E").tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String nested = "[".repeat(500) + "]".repeat(500);
        Api.Response response = api.post("/ngsi-ld/v1/entities",
                "{\"id\": \"urn:ngsi-ld:N:1\", \"type\": \"N\", \"v\": " + nested + "}").tenant(TestServer.newTenant()).send();

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("InvalidRequest");
    }

    @Test
    void unknownPathsAndMethodsAnswerInProblemDetails() {
        Api.Response unknownPath = api.get("/ngsi-ld/v1/nothing-here").send();
        assertThat(unknownPath.status()).isEqualTo(404);
        assertThat(unknownPath.errorType()).isEqualTo("ResourceNotFound");

        Api.Response wrongMethod = api.put("/ngsi-ld/v1/entities", "{}").send();
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.errorType()).isEqualTo("MethodNotAllowed");
    }
}
