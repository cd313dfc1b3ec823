package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;

/**
 * Clause 4.3.6.2 with 5.7.2: a city node queries entities that it and a district node hold, between two real servers
 * with their own databases; the answers are merged by id, paged, counted, and a source that answers badly is kept
 * out of the answer and named.
 */
@Tag("clause-5.9")
class DistributedQueryTest extends CityAndDistrict {
    private static final String AREA_OF_DISTRICT = "[[[116.30,39.90],[116.40,39.90],[116.40,40.00],[116.30,40.00],[116.30,39.90]]]";
    private static final String AREA_ELSEWHERE = "[[[117.30,39.90],[117.40,39.90],[117.40,40.00],[117.30,40.00],[117.30,39.90]]]";

    @BeforeEach
    void data() {
        create(districtApi, "dc-1", 35, 116.35);
        create(districtApi, "dc-2", 20, 116.36);
        // The city holds dc-2 too, with a later reading, and one station of its own.
        create(city, "dc-2", 50, 116.36);
        create(city, "c-3", 10, 116.37);
    }

    private void create(Api node, String id, int pm25, double longitude) {
        Api.Response created = node.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:AirQualityObserved:%s", "type": "AirQualityObserved",
                 "pm25": {"type": "Property", "value": %d, "observedAt": "2026-12-06T0%d:00:00Z"},
                 "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [%s, 39.95]}}}"""
                .formatted(id, pm25, node == city ? 9 : 8, longitude)).tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private void register(String endpoint, String authorization, String extra) {
        Api.Response registered = city.post("/ngsi-ld/v1/csourceRegistrations", """
                {"type": "ContextSourceRegistration",
                 "information": [{"entities": [{"type": "AirQualityObserved"}]}],
                 "endpoint": "%s", "contextSourceInfo": [{"key": "Authorization", "value": "%s"}]%s}"""
                .formatted(endpoint, authorization, extra)).tenant(tenant).send();
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
    }

    private void registerDistrict(String extra) {
        register(districtApi.base(), districtApi.authorization(), extra);
    }

    private Api.Response query(String parameters) {
        return city.get("/ngsi-ld/v1/entities?type=AirQualityObserved" + parameters).tenant(tenant).send();
    }

    private static List<String> ids(Api.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.json().forEach(entity -> ids.add(entity.path("id").asText().replace("urn:ngsi-ld:AirQualityObserved:", "")));
        return ids;
    }

    @Test
    void theCityQueriesWhatItAndTheDistrictHoldAsOneAnswer() {
        registerDistrict("");

        Api.Response all = query("&count=true");
        assertThat(ids(all)).containsExactly("c-3", "dc-1", "dc-2");
        assertThat(all.header("NGSILD-Results-Count")).isEqualTo("3");
        assertThat(all.header("Warning")).isNull();
        JsonNode both = all.json().get(2);
        assertThat(both.path("pm25").path("value").asInt()).as("the later observation wins").isEqualTo(50);

        assertThat(ids(query("&limit=1&offset=1"))).containsExactly("dc-1");
        assertThat(ids(query("&q=pm25%3E30"))).as("q goes to the district too").containsExactly("dc-1", "dc-2");
        assertThat(ids(query("&orderBy=pm25;desc"))).containsExactly("dc-2", "dc-1", "c-3");
        assertThat(ids(query("&local=true"))).as("local=true asks no source").containsExactly("c-3", "dc-2");
        assertThat(query("&options=keyValues&attrs=pm25").json().get(1).path("pm25").asInt()).isEqualTo(35);

        Api.Response posted = city.post("/ngsi-ld/v1/entityOperations/query", """
                {"type": "Query", "entities": [{"type": "AirQualityObserved"}], "q": "pm25<15"}""").tenant(tenant).send();
        assertThat(ids(posted)).containsExactly("c-3");
        assertThat(query("&limit=1000&offset=9001").errorType()).as("a window deeper than every source pages")
                .endsWith("TooManyResults");
    }

    @Test
    void anAreaQueryReachesOnlyTheSourcesWhoseAreaItMeetsAndNoneSpeaksBeyondItsArea() {
        registerDistrict(", \"location\": {\"type\": \"Polygon\", \"coordinates\": " + AREA_ELSEWHERE + "}");
        String inDistrict = "&georel=within&geometry=Polygon&coordinates=" + AREA_OF_DISTRICT.replace(" ", "");

        assertThat(ids(query(inDistrict))).as("the source registered elsewhere is not asked").containsExactly("c-3", "dc-2");
        Api.Response everywhere = query("");
        assertThat(ids(everywhere)).as("asked without an area, what it says lies outside its own is kept out")
                .containsExactly("c-3", "dc-2");
        assertThat(everywhere.header("Warning")).contains("2 of its entities lie outside the area it is registered for");
        Api.Response one = city.get("/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:dc-1").tenant(tenant).send();
        assertThat(one.status()).as("nor by id").isEqualTo(404);
        assertThat(one.header("Warning")).contains("outside the area it is registered for");
    }

    @Test
    void aSourceThatAnswersBadlyIsKeptOutOfTheAnswerAndNamed() throws IOException {
        registerDistrict("");
        try (FixedSource wrongTypes = new FixedSource(200, """
                [{"id": "urn:ngsi-ld:Vehicle:x", "type": "Vehicle"}, 5, {"type": "AirQualityObserved"},
                 {"id": "urn:ngsi-ld:AirQualityObserved:fs-9", "type": "AirQualityObserved"}]""");
             FixedSource notAnArray = new FixedSource(200, "{\"id\": \"urn:ngsi-ld:AirQualityObserved:z\"}");
             FixedSource broken = new FixedSource(200, "[{\"id\": ")) {
            register(wrongTypes.url(), "none", "");
            register(notAnArray.url(), "none", "");
            register(broken.url(), "none", "");
            // A credential that cannot go into a header (it would smuggle in another): that source cannot be asked.
            register(broken.url(), "Bearer secret\\r\\nX-Injected: 1", "");

            Api.Response answer = query("");

            assertThat(ids(answer)).containsExactly("c-3", "dc-1", "dc-2", "fs-9");
            List<String> warnings = answer.headers().allValues("Warning");
            assertThat(warnings).hasSize(4);
            assertThat(String.join("\n", warnings)).contains("3 of its answer's elements were not entities",
                    "something other than an array", "malformed answer", "cannot be asked").doesNotContain("secret");
        }
    }

    @Test
    void anExclusiveSourceIsAskedOnlyForWhatItIsRegisteredFor() throws IOException {
        try (FixedSource source = new FixedSource(200, """
                [{"id": "urn:ngsi-ld:AirQualityObserved:c-3", "type": "AirQualityObserved",
                  "no2": {"type": "Property", "value": 12}}]""")) {
            Api.Response registered = city.post("/ngsi-ld/v1/csourceRegistrations", """
                    {"type": "ContextSourceRegistration", "mode": "exclusive", "endpoint": "%s",
                     "information": [{"entities": [{"type": "AirQualityObserved", "id": "urn:ngsi-ld:AirQualityObserved:c-3"}],
                                      "propertyNames": ["no2"]}]}""".formatted(source.url())).tenant(tenant).send();
            assertThat(registered.status()).as(registered.toString()).isEqualTo(201);

            Api.Response answer = query("");

            assertThat(ids(answer)).containsExactly("c-3", "dc-2");
            assertThat(answer.json().get(0).path("no2").path("value").asInt()).isEqualTo(12);
            assertThat(answer.json().get(0).path("pm25").path("value").asInt()).isEqualTo(10);
            assertThat(source.requests()).singleElement().satisfies(uri -> assertThat(uri)
                    .contains("type=AirQualityObserved", "id=urn:ngsi-ld:AirQualityObserved:c-3", "attrs=no2"));
        }
    }

    @Test
    void theCityReadsTheDistrictsHistoryToo() {
        registerDistrict("");
        String window = "timerel=after&timeAt=2026-12-06T00:00:00Z";

        Api.Response histories = city.get("/ngsi-ld/v1/temporal/entities?type=AirQualityObserved&attrs=pm25&" + window)
                .tenant(tenant).send();
        assertThat(ids(histories)).containsExactly("c-3", "dc-1", "dc-2");
        assertThat(histories.json().get(2).path("pm25")).as("dc-2's readings here and there, each once").hasSize(2);
        assertThat(ids(city.get("/ngsi-ld/v1/temporal/entities?type=AirQualityObserved&local=true&" + window).tenant(tenant).send()))
                .containsExactly("c-3", "dc-2");
        Api.Response one = city.get("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:dc-1?" + window).tenant(tenant).send();
        assertThat(one.status()).as(one.toString()).isEqualTo(200);
        assertThat(one.json().path("pm25").get(0).path("value").asInt()).isEqualTo(35);
        assertThat(city.get("/ngsi-ld/v1/temporal/entities?type=AirQualityObserved&limit=100&offset=950&" + window).tenant(tenant)
                .send().errorType()).endsWith("TooManyResults");
    }

    @Test
    void discoveryNamesWhatTheSourcesHoldToo() {
        assertThat(districtApi.post("/ngsi-ld/v1/entities", """
                {"id": "urn:ngsi-ld:WaterQualityObserved:river", "type": "WaterQualityObserved",
                 "ph": {"type": "Property", "value": 7.2}}""").tenant(tenant).send().status()).isEqualTo(201);
        Api.Response registered = city.post("/ngsi-ld/v1/csourceRegistrations", """
                {"type": "ContextSourceRegistration", "endpoint": "%s",
                 "information": [{"entities": [{"type": "AirQualityObserved"}, {"type": "WaterQualityObserved"}]}],
                 "contextSourceInfo": [{"key": "Authorization", "value": "%s"}]}"""
                .formatted(districtApi.base(), districtApi.authorization())).tenant(tenant).send();
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);

        JsonNode types = city.get("/ngsi-ld/v1/types").tenant(tenant).send().json();
        assertThat(types.path("typeList").toString()).contains("AirQualityObserved", "WaterQualityObserved");
        assertThat(city.get("/ngsi-ld/v1/types?local=true").tenant(tenant).send().json().toString()).doesNotContain("WaterQualityObserved");
        JsonNode water = city.get("/ngsi-ld/v1/types/WaterQualityObserved").tenant(tenant).send().json();
        assertThat(water.path("entityCount").asInt()).isEqualTo(1);
        assertThat(water.path("attributeDetails").toString()).contains("ph");
        JsonNode details = city.get("/ngsi-ld/v1/types?details=true").tenant(tenant).send().json();
        assertThat(details.toString()).contains("WaterQualityObserved", "ph", "pm25");
        JsonNode pm25 = city.get("/ngsi-ld/v1/attributes/pm25").tenant(tenant).send().json();
        assertThat(pm25.path("attributeCount").asInt()).as("two here, two there (dc-2 in both counts twice)").isEqualTo(4);
        assertThat(city.get("/ngsi-ld/v1/attributes").tenant(tenant).send().json().path("attributeList").toString()).contains("ph", "pm25");
        assertThat(city.get("/ngsi-ld/v1/attributes?details=true").tenant(tenant).send().json().toString()).contains("WaterQualityObserved");
    }

    /** A source on loopback that answers every request with the same body, and records what it was asked. */
    private static final class FixedSource implements AutoCloseable {
        private final HttpServer server;
        private final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();

        FixedSource(int status, String body) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                requests.add(exchange.getRequestURI().toString());
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<String> requests() {
            return requests;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
