package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.5.7 JSON-LD contexts, 6.3.5 Link header, 5.13 the @context store, 6.3.4/6.3.6 content negotiation. */
@Tag("clause-5.13")
@Tag("clause-6.3")
class JsonLdContextTest {
    private final Api api = TestServer.api();
    private String tenant;

    private static final String CITY_CONTEXT = """
            {"@context": {"city": "https://meridian.example.org/city#",
                          "AirQualityObserved": "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved",
                          "NO2": "https://smartdatamodels.org/dataModel.Environment/NO2",
                          "refDevice": {"@id": "https://smartdatamodels.org/refDevice", "@type": "@id"}}}""";

    @BeforeEach
    void tenant() {
        tenant = TestServer.newTenant();
    }

    private String hostCityContext() {
        Api.Response response = api.post("/ngsi-ld/v1/jsonldContexts", CITY_CONTEXT).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.header("Location");
    }

    @Test
    void hostedContextExpandsAndCompactsNames() {
        String url = hostCityContext();
        Api.Response created = api.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:1", "type": "AirQualityObserved",
                 "NO2": {"type": "Property", "value": 40}, "city:district": {"type": "Property", "value": "Dongcheng"}}""")
                .tenant(tenant).link(url).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        JsonNode withCoreOnly = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:1").tenant(tenant).send().json();
        assertThat(withCoreOnly.path("type").asText()).isEqualTo("https://smartdatamodels.org/dataModel.Environment/AirQualityObserved");
        assertThat(withCoreOnly.has("https://smartdatamodels.org/dataModel.Environment/NO2")).isTrue();
        assertThat(withCoreOnly.has("https://meridian.example.org/city#district")).isTrue();

        Api.Response withCity = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:1").tenant(tenant).link(url).send();
        assertThat(withCity.json().path("type").asText()).isEqualTo("AirQualityObserved");
        assertThat(withCity.json().path("NO2").path("value").asInt()).isEqualTo(40);
        assertThat(withCity.json().has("city:district")).isTrue();
        assertThat(withCity.header("Link")).contains(url);
    }

    @Test
    void typeQueriesUseTheCallersContext() {
        String url = hostCityContext();
        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:AirQualityObserved:2\", \"type\": \"AirQualityObserved\", \"NO2\": 1}")
                .tenant(tenant).link(url).send();

        assertThat(api.get("/ngsi-ld/v1/entities?type=AirQualityObserved").tenant(tenant).link(url).send().json()).hasSize(1);
        assertThat(api.get("/ngsi-ld/v1/entities?type=AirQualityObserved").tenant(tenant).send().json()).isEmpty();
    }

    @Test
    void jsonLdBodiesCarryTheirContextAndJsonLdResponsesToo() {
        Api.Response created = api.post("/ngsi-ld/v1/entities", """
                {"@context": {"Sensor": "https://example.org/Sensor", "reading": "https://example.org/reading"},
                 "id": "urn:ngsi-ld:Sensor:1", "type": "Sensor", "reading": 3}""")
                .contentType("application/ld+json").tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        Api.Response response = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Sensor:1").tenant(tenant)
                .accept("application/ld+json").send();
        assertThat(response.header("Content-Type")).startsWith("application/ld+json");
        assertThat(response.json().path("@context").asText()).isEqualTo(Api.CORE);
        assertThat(response.json().path("type").asText()).isEqualTo("https://example.org/Sensor");
    }

    @Test
    void jsonBodyWithAContextMemberIsRefused() {
        Api.Response response = api.post("/ngsi-ld/v1/entities",
                "{\"@context\": \"" + Api.CORE + "\", \"id\": \"urn:ngsi-ld:X:1\", \"type\": \"X\"}").tenant(tenant).send();

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("BadRequestData");
    }

    @Test
    void jsonLdBodyWithoutContextIsRefused() {
        Api.Response response = api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:X:1\", \"type\": \"X\"}")
                .contentType("application/ld+json").tenant(tenant).send();

        assertThat(response.status()).isEqualTo(400);
    }

    @Test
    void unknownRemoteContextIsLdContextNotAvailableWithoutWaiting() {
        long start = System.nanoTime();
        Api.Response response = api.get("/ngsi-ld/v1/entities?type=X").tenant(tenant)
                .link("https://unreachable.example.com/context.jsonld").send();
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.errorType()).isEqualTo("LdContextNotAvailable");
        assertThat(response.json().path("detail").asText()).contains("jsonldContexts");
        // Not a timing assertion on speed, only that no network timeout (seconds) was waited for.
        assertThat(elapsedMillis).isLessThan(5_000);
    }

    @Test
    void everyBundledCoreContextVersionIsAccepted() {
        for (String version : new String[] {"1.6", "1.8", "1.9"}) {
            String url = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v" + version + ".jsonld";
            Api.Response response = api.post("/ngsi-ld/v1/entities",
                    "{\"id\": \"urn:ngsi-ld:V:" + version + "\", \"type\": \"V\"}").tenant(tenant).link(url).send();
            assertThat(response.status()).as(version + ": " + response).isEqualTo(201);
        }
    }

    @Test
    void contextStoreListsGetsAndDeletesHostedContexts() {
        String url = hostCityContext();
        String localId = url.substring(url.lastIndexOf('/') + 1);

        JsonNode list = api.get("/ngsi-ld/v1/jsonldContexts?kind=Hosted").send().json();
        assertThat(list.toString()).contains(url);
        JsonNode details = api.get("/ngsi-ld/v1/jsonldContexts?details=true&kind=Hosted").send().json();
        assertThat(details.toString()).contains("\"kind\":\"Hosted\"");

        Api.Response document = api.get("/ngsi-ld/v1/jsonldContexts/" + localId).send();
        assertThat(document.status()).isEqualTo(200);
        assertThat(document.json()).isEqualTo(Api.parse(CITY_CONTEXT));

        assertThat(api.delete("/ngsi-ld/v1/jsonldContexts/" + localId).send().status()).isEqualTo(204);
        assertThat(api.get("/ngsi-ld/v1/jsonldContexts/" + localId).send().status()).isEqualTo(404);
        Api.Response afterDelete = api.get("/ngsi-ld/v1/entities?type=X").tenant(tenant).link(url).send();
        assertThat(afterDelete.errorType()).isEqualTo("LdContextNotAvailable");
    }

    @Test
    void unsupportedContentTypeIs415AndUnacceptableAcceptIs406() {
        Api.Response wrongBody = api.post("/ngsi-ld/v1/entities", "id=1").contentType("text/plain").tenant(tenant).send();
        assertThat(wrongBody.status()).isEqualTo(415);
        assertThat(wrongBody.errorType()).isEqualTo("UnsupportedMediaType");

        api.post("/ngsi-ld/v1/entities", "{\"id\": \"urn:ngsi-ld:X:1\", \"type\": \"X\"}").tenant(tenant).send();
        Api.Response wrongAccept = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:X:1").accept("text/html").tenant(tenant).send();
        assertThat(wrongAccept.status()).isEqualTo(406);
        assertThat(wrongAccept.errorType()).isEqualTo("NotAcceptable");
    }
}
