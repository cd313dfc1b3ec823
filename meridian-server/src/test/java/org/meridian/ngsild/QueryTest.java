package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 5.7.2 query entities, 4.9 query language, 4.17 type expressions, 5.5.9 pagination, 4.21 projection. */
@Tag("clause-4.9")
@Tag("clause-5.7")
class QueryTest {
    private static final Api API = TestServer.api();
    private static final String TENANT = TestServer.newTenant();

    @BeforeAll
    static void city() {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 1; i <= 30; i++) {
            if (i > 1) {
                batch.append(',');
            }
            batch.append("""
                    {"id": "urn:ngsi-ld:TrafficFlowObserved:%02d", "type": "TrafficFlowObserved",
                     "intensity": {"type": "Property", "value": %d, "observedAt": "2024-05-%02dT08:00:00Z"},
                     "laneDirection": {"type": "Property", "value": "%s"},
                     "congested": {"type": "Property", "value": %s},
                     "address": {"type": "Property", "value": {"district": "%s", "streetAddress": "Road %d"}},
                     "refRoadSegment": {"type": "Relationship", "object": "urn:ngsi-ld:RoadSegment:%d"}}""".formatted(
                    i, i * 10, i, i % 2 == 0 ? "forward" : "backward", i > 25, i <= 10 ? "Dongcheng" : "Xicheng", i, i % 3));
        }
        batch.append(",{\"id\": \"urn:ngsi-ld:Streetlight:1\", \"type\": [\"Streetlight\", \"Device\"], \"status\": \"on\"}");
        batch.append(",{\"id\": \"urn:ngsi-ld:Device:9\", \"type\": \"Device\", \"status\": \"off\", \"scope\": \"/Beijing/Dongcheng\"}");
        batch.append("]");
        Api.Response response = API.post("/ngsi-ld/v1/entityOperations/create", batch.toString()).tenant(TENANT).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
    }

    private static Api.Response query(String parameters) {
        return API.get("/ngsi-ld/v1/entities?" + parameters).tenant(TENANT).send();
    }

    private static List<String> ids(String parameters) {
        Api.Response response = query(parameters);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.json().forEach(entity -> ids.add(entity.path("id").asText()));
        return ids;
    }

    private static String q(String expression) {
        return "type=TrafficFlowObserved&limit=100&q=" + URLEncoder.encode(expression, StandardCharsets.UTF_8);
    }

    private static String traffic(int n) {
        return "urn:ngsi-ld:TrafficFlowObserved:%02d".formatted(n);
    }

    @ParameterizedTest(name = "q={0} matches {1} entities")
    @CsvSource(delimiter = '#', value = {
            "intensity>250 # 5",
            "intensity>=250 # 6",
            "intensity<30 # 2",
            "intensity==100 # 1",
            "intensity!=100 # 29",
            "intensity==100..150 # 6",
            "intensity==10,20,300 # 3",
            "laneDirection==\"forward\" # 15",
            "laneDirection~=\"^for\" # 15",
            "laneDirection!~=\"^for\" # 15",
            "congested==true # 5",
            "intensity>100;laneDirection==\"forward\" # 10",
            "intensity<30|intensity>290 # 3",
            "(intensity<30|intensity>290);laneDirection==\"backward\" # 1",
            "address[district]==\"Dongcheng\" # 10",
            "intensity.observedAt>2024-05-28T00:00:00Z # 3",
            "refRoadSegment==urn:ngsi-ld:RoadSegment:0 # 10",
            "intensity # 30",
            "!congestedLevel # 30",
    })
    void qLanguage(String expression, int expected) {
        assertThat(ids(q(expression))).hasSize(expected);
    }

    @Test
    void resultsAreOrderedByIdAndPaged() {
        List<String> first = ids("type=TrafficFlowObserved&limit=10");
        List<String> third = ids("type=TrafficFlowObserved&limit=10&offset=20");

        assertThat(first).startsWith(traffic(1), traffic(2)).hasSize(10);
        assertThat(third).startsWith(traffic(21)).endsWith(traffic(30));
    }

    @Test
    void countGivesTheTotalInAHeader() {
        Api.Response response = query("type=TrafficFlowObserved&limit=5&count=true");

        assertThat(response.header("NGSILD-Results-Count")).isEqualTo("30");
        assertThat(response.json()).hasSize(5);
        assertThat(query("type=TrafficFlowObserved&limit=0&count=true").header("NGSILD-Results-Count")).isEqualTo("30");
    }

    @Test
    void aLimitAboveTheMaximumIsTooManyResults() {
        Api.Response response = query("type=TrafficFlowObserved&limit=5000");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.errorType()).isEqualTo("TooManyResults");
    }

    @Test
    void typeExpressionsSelectByOneOrAllTypes() {
        assertThat(ids("type=Device")).containsExactly("urn:ngsi-ld:Device:9", "urn:ngsi-ld:Streetlight:1");
        assertThat(ids("type=" + URLEncoder.encode("Streetlight;Device", StandardCharsets.UTF_8)))
                .containsExactly("urn:ngsi-ld:Streetlight:1");
        assertThat(ids("type=Streetlight,TrafficFlowObserved&limit=100")).hasSize(31);
    }

    @Test
    void idListAndIdPatternSelectEntities() {
        assertThat(ids("type=TrafficFlowObserved&id=" + traffic(3) + "," + traffic(4))).containsExactly(traffic(3), traffic(4));
        assertThat(ids("type=TrafficFlowObserved&idPattern=" + URLEncoder.encode("^urn:ngsi-ld:TrafficFlowObserved:0[1-3]$", StandardCharsets.UTF_8)))
                .containsExactly(traffic(1), traffic(2), traffic(3));
    }

    @Test
    void scopeQSelectsByScope() {
        assertThat(ids("scopeQ=" + URLEncoder.encode("/Beijing/#", StandardCharsets.UTF_8))).containsExactly("urn:ngsi-ld:Device:9");
    }

    @Test
    void attrsProjectsAndPickOmitShapeTheResult() {
        JsonNode first = query("type=TrafficFlowObserved&attrs=intensity&limit=1").json().get(0);
        assertThat(first.has("intensity")).isTrue();
        assertThat(first.has("laneDirection")).isFalse();

        JsonNode picked = query("type=TrafficFlowObserved&pick=id,congested&limit=1").json().get(0);
        assertThat(picked.has("id")).isTrue();
        assertThat(picked.has("type")).isFalse();
        assertThat(picked.has("congested")).isTrue();
        assertThat(picked.has("intensity")).isFalse();

        JsonNode omitted = query("type=TrafficFlowObserved&omit=address,type&limit=1").json().get(0);
        assertThat(omitted.has("address")).isFalse();
        assertThat(omitted.has("type")).isFalse();
        assertThat(omitted.has("intensity")).isTrue();
    }

    @Test
    void queryByPostTakesTheSameSelection() {
        Api.Response response = API.post("/ngsi-ld/v1/entityOperations/query?count=true&limit=3", """
                {"type": "Query", "entities": [{"type": "TrafficFlowObserved"}], "q": "intensity>200",
                 "attrs": ["intensity"]}""").tenant(TENANT).send();

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.header("NGSILD-Results-Count")).isEqualTo("10");
        assertThat(response.json()).hasSize(3);
        assertThat(response.json().get(0).path("id").asText()).isEqualTo(traffic(21));
    }

    @ParameterizedTest(name = "q={0} is refused")
    @CsvSource(delimiter = '|', value = {"intensity>>3", "(intensity>3", "intensity==\"open", ";", "intensity>3;;a==1"})
    void malformedQIsBadRequestData(String expression) {
        Api.Response response = query(q(expression));

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.errorType()).isEqualTo("BadRequestData");
    }

    @Test
    void aRegularExpressionPostgreSqlCannotRunIsBadRequestData() {
        Api.Response inQ = query(q("laneDirection~=\"(?>for)ward\""));
        Api.Response inIdPattern = query("idPattern=" + URLEncoder.encode("urn:(?>ngsi)", StandardCharsets.UTF_8));

        assertThat(inQ.status()).as(inQ.toString()).isEqualTo(400);
        assertThat(inQ.errorType()).isEqualTo("BadRequestData");
        assertThat(inIdPattern.status()).as(inIdPattern.toString()).isEqualTo(400);
    }

    @Test
    void tooManyTermsIsTooComplexQuery() {
        String expression = String.join(";", java.util.Collections.nCopies(100, "intensity>1"));
        Api.Response response = query(q(expression));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.errorType()).isEqualTo("TooComplexQuery");
    }

    @Test
    void hostileTextInQStaysALiteral() {
        assertThat(ids(q("laneDirection==\"x\\\" || @ == @\""))).isEmpty();
        assertThat(ids(q("laneDirection==\"') OR 1=1 --\""))).isEmpty();
    }

    @Test
    void keyValuesQueryReturnsSimplifiedEntities() {
        JsonNode first = query("type=TrafficFlowObserved&options=keyValues&limit=1").json().get(0);

        assertThat(first.path("intensity").asInt()).isEqualTo(10);
        assertThat(first.path("address").path("district").asText()).isEqualTo("Dongcheng");
    }

    @Test
    void geoJsonQueryReturnsAFeatureCollection() {
        Api.Response response = API.get("/ngsi-ld/v1/entities?type=Device").tenant(TENANT).accept("application/geo+json").send();

        assertThat(response.json().path("type").asText()).isEqualTo("FeatureCollection");
        assertThat(response.json().path("features")).hasSize(2);
    }
}
