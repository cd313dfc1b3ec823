package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;

/**
 * Clause 4.3.6.3: writes that a registered context source takes part in, between two real servers with their own
 * databases. Inclusive: written on both; exclusive: the registered attributes there, the rest here; redirect: there
 * alone; a source that fails is a 207 naming it, and this broker's part stands; local=true stays here.
 */
@Tag("clause-5.9")
class DistributedWriteTest extends CityAndDistrict {
    @BeforeEach
    void tenant() {
        // The district's tenant exists once it holds something.
        assertThat(districtApi.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:Thing:seed", "type": "Thing"}""").tenant(tenant).send().status()).isEqualTo(201);
    }

    private void register(String mode, String information, String endpoint) {
        Api.Response registered = city.post("/ngsi-ld/v1/csourceRegistrations", """
                {"type": "ContextSourceRegistration", "mode": "%s", "operations": ["redirectionOps", "createBatch", "deleteBatch"],
                 "information": [%s], "endpoint": "%s", "contextSourceInfo": [{"key": "Authorization", "value": "%s"}]}"""
                .formatted(mode, information, endpoint, districtApi.authorization())).tenant(tenant).send();
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    }

    private Api.Response at(Api api, String path) {
        return api.get(path).tenant(tenant).send();
    }

    private static final String VEHICLE = """
            {"id": "urn:ngsi-ld:Vehicle:v1", "type": "Vehicle",
             "speed": {"type": "Property", "value": 56}, "brand": {"type": "Property", "value": "BYD"}}""";

    @Test
    void anInclusiveSourceIsWrittenAsThisBrokerIsAndLocalTrueStaysHere() {
        register("inclusive", "{\"entities\": [{\"type\": \"Vehicle\"}]}", districtApi.base() + "/ngsi-ld/v1");
        Api.Response created = city.post("/ngsi-ld/v1/entities", VEHICLE).tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(at(city, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1?local=true").status()).isEqualTo(200);
        assertThat(at(districtApi, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1").json().path("speed").path("value").asInt()).isEqualTo(56);

        Api.Response updated = city.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1/attrs",
                "{\"speed\": {\"type\": \"Property\", \"value\": 60}}").tenant(tenant).send();
        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
        assertThat(at(districtApi, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1").json().path("speed").path("value").asInt()).isEqualTo(60);

        assertThat(city.post("/ngsi-ld/v1/entities?local=true", VEHICLE.replace(":v1", ":v2")).tenant(tenant).send().status()).isEqualTo(201);
        assertThat(at(districtApi, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v2").status()).as("local=true is not forwarded").isEqualTo(404);

        // A batch: one request to the source with every entity it takes.
        Api.Response batch = city.post("/ngsi-ld/v1/entityOperations/create", "[" + VEHICLE.replace(":v1", ":v3") + ","
                + VEHICLE.replace(":v1", ":v4") + "]").tenant(tenant).send();
        assertThat(batch.status()).as(batch.toString()).isEqualTo(201);
        assertThat(at(districtApi, "/ngsi-ld/v1/entities?type=Vehicle").json()).hasSize(3);

        // A registration of the district pointing back at the city: the write comes back, and is refused there.
        Api.Response loop = districtApi.post("/ngsi-ld/v1/csourceRegistrations", """
                {"type": "ContextSourceRegistration", "information": [{"entities": [{"type": "Vehicle"}]}],
                 "operations": ["redirectionOps"], "endpoint": "%s", "contextSourceInfo": [{"key": "Authorization", "value": "%s"}]}"""
                .formatted(city.base() + "/ngsi-ld/v1", city.authorization())).tenant(tenant).send();
        assertThat(loop.status()).as(loop.toString()).isEqualTo(201);
        Api.Response looped = city.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1/attrs",
                "{\"speed\": {\"type\": \"Property\", \"value\": 61}}").tenant(tenant).send();
        // The district's own answer to the city was partial: its forward came back and the city refused it (508).
        assertThat(looped.status()).as(looped.toString()).isEqualTo(207);
        assertThat(looped.json().path("errors").get(0).path("registrationId").asText()).startsWith("urn:ngsi-ld:ContextSourceRegistration:");
        assertThat(at(districtApi, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1").json().path("speed").path("value").asInt()).isEqualTo(61);

        assertThat(city.delete("/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1").tenant(tenant).send().status()).isEqualTo(207);
        assertThat(at(districtApi, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1").status()).isEqualTo(404);
        assertThat(at(city, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1?local=true").status()).isEqualTo(404);
    }

    @Test
    void anExclusiveSourceTakesItsAttributesAndARedirectSourceTheWholeEntity() {
        register("exclusive", "{\"entities\": [{\"type\": \"Vehicle\", \"id\": \"urn:ngsi-ld:Vehicle:v1\"}], \"propertyNames\": [\"speed\"]}",
                districtApi.base() + "/ngsi-ld/v1");
        assertThat(city.post("/ngsi-ld/v1/entities", VEHICLE).tenant(tenant).send().status()).isEqualTo(201);
        JsonNode here = at(city, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1?local=true").json();
        assertThat(here.has("brand")).isTrue();
        assertThat(here.has("speed")).as("the source's attribute is not kept here").isFalse();
        JsonNode there = at(districtApi, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1").json();
        assertThat(there.path("speed").path("value").asInt()).isEqualTo(56);
        assertThat(there.has("brand")).as("only what it is registered for").isFalse();

        register("redirect", "{\"entities\": [{\"type\": \"Truck\"}]}", districtApi.base() + "/ngsi-ld/v1");
        Api.Response truck = city.post("/ngsi-ld/v1/entities", VEHICLE.replace("Vehicle", "Truck")).tenant(tenant).send();
        assertThat(truck.status()).as(truck.toString()).isEqualTo(201);
        assertThat(at(city, "/ngsi-ld/v1/entities/urn:ngsi-ld:Truck:v1?local=true").status()).as("redirected: not here").isEqualTo(404);
        assertThat(at(districtApi, "/ngsi-ld/v1/entities/urn:ngsi-ld:Truck:v1").status()).isEqualTo(200);
        assertThat(city.delete("/ngsi-ld/v1/entities/urn:ngsi-ld:Truck:v1").tenant(tenant).send().status()).isEqualTo(204);
        assertThat(at(districtApi, "/ngsi-ld/v1/entities/urn:ngsi-ld:Truck:v1").status()).isEqualTo(404);
    }

    @Test
    void aSourceThatFailsIsNamedAndThisBrokersPartStands() {
        register("inclusive", "{\"entities\": [{\"type\": \"Vehicle\"}]}", "http://127.0.0.1:9/nowhere");
        Api.Response created = city.post("/ngsi-ld/v1/entities", VEHICLE).tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(207);
        JsonNode error = created.json().path("errors").get(0);
        assertThat(error.path("entityId").asText()).isEqualTo("urn:ngsi-ld:Vehicle:v1");
        assertThat(error.path("registrationId").asText()).startsWith("urn:ngsi-ld:ContextSourceRegistration:");
        assertThat(error.path("error").path("status").asInt()).isEqualTo(504);
        assertThat(created.json().path("success")).as("not written everywhere it was to be").isEmpty();
        assertThat(at(city, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1?local=true").status()).isEqualTo(200);

        // This broker's own refusal is an error of the answer too, and the source is still written.
        register("inclusive", "{\"entities\": [{\"type\": \"Vehicle\"}]}", districtApi.base() + "/ngsi-ld/v1");
        Api.Response again = city.post("/ngsi-ld/v1/entities", VEHICLE).tenant(tenant).send();
        assertThat(again.status()).isEqualTo(207);
        assertThat(again.json().path("errors").toString()).contains("\"status\":409", "\"status\":504");
        assertThat(at(districtApi, "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:v1").status()).isEqualTo(200);
    }

    @Test
    void aCallerWritesThroughSourcesOnlyWhatItMayWriteHere() {
        // The default tenant, where departments own datasets: a water engineer may not write the transport bureau's buses.
        String suffix = Long.toString(System.nanoTime(), 36);
        String type = "Bus" + suffix;
        assertThat(city.put("/admin/v1/departments/transport-" + suffix, "{\"name\": \"Transport\"}").send().status()).isBetween(200, 204);
        assertThat(city.put("/admin/v1/departments/water-" + suffix, "{\"name\": \"Water\"}").send().status()).isBetween(200, 204);
        assertThat(city.put("/sharing/v1/datasets/" + type, "{\"owner\": \"transport-" + suffix + "\", \"title\": \"Buses\"}")
                .send().status()).isBetween(200, 204);
        assertThat(city.post("/admin/v1/users", "{\"username\": \"water-" + suffix + "\", \"password\": \"a-city-password-1\", "
                + "\"roles\": [{\"department\": \"water-" + suffix + "\", \"role\": \"staff\"}]}").send().status()).isEqualTo(201);
        Api water = city.as("water-" + suffix, "a-city-password-1");
        Api.Response registered = city.post("/ngsi-ld/v1/csourceRegistrations", """
                {"type": "ContextSourceRegistration", "mode": "redirect", "operations": ["redirectionOps"],
                 "information": [{"entities": [{"type": "%s"}]}], "endpoint": "%s",
                 "contextSourceInfo": [{"key": "Authorization", "value": "%s"}]}"""
                .formatted(type, districtApi.base() + "/ngsi-ld/v1", districtApi.authorization())).send();
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);

        String bus = "{\"id\": \"urn:ngsi-ld:" + type + ":b1\", \"type\": \"" + type + "\", \"line\": {\"type\": \"Property\", \"value\": 7}}";
        Api.Response refused = water.post("/ngsi-ld/v1/entities", bus).send();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(districtApi.get("/ngsi-ld/v1/entities/urn:ngsi-ld:" + type + ":b1").send().status()).as("sent nowhere").isEqualTo(404);
        assertThat(city.post("/ngsi-ld/v1/entities", bus).send().status()).isEqualTo(201);
        assertThat(districtApi.get("/ngsi-ld/v1/entities/urn:ngsi-ld:" + type + ":b1").send().status()).isEqualTo(200);
    }
}
