package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 4.14 multi-tenancy: the NGSILD-Tenant header isolates data completely. */
@Tag("tenancy")
class TenantTest {
    private final Api api = TestServer.api();

    @Test
    void tenantsDoNotSeeEachOthersEntities() {
        String district = TestServer.newTenant();
        String county = TestServer.newTenant();
        String entity = "{\"id\": \"urn:ngsi-ld:WasteContainer:1\", \"type\": \"WasteContainer\", \"fillingLevel\": 0.5}";
        assertThat(api.post("/ngsi-ld/v1/entities", entity).tenant(district).send().status()).isEqualTo(201);
        assertThat(api.post("/ngsi-ld/v1/entities", entity.replace("0.5", "0.9")).tenant(county).send().status()).isEqualTo(201);

        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WasteContainer:1").tenant(district).send().json()
                .path("fillingLevel").path("value").asDouble()).isEqualTo(0.5);
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WasteContainer:1").tenant(county).send().json()
                .path("fillingLevel").path("value").asDouble()).isEqualTo(0.9);
        api.delete("/ngsi-ld/v1/entities/urn:ngsi-ld:WasteContainer:1").tenant(county).send();
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WasteContainer:1").tenant(district).send().status()).isEqualTo(200);
    }

    @Test
    void readingATenantThatWasNeverWrittenIsNonexistentTenant() {
        Api.Response response = api.get("/ngsi-ld/v1/entities?type=X").tenant(TestServer.newTenant()).send();

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.errorType()).isEqualTo("NonexistentTenant");
    }

    @Test
    void aMalformedTenantNameIsRefused() {
        Api.Response response = api.get("/ngsi-ld/v1/entities?type=X").tenant("bad tenant!").send();

        assertThat(response.status()).isEqualTo(400);
    }
}
