package org.meridian.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Clause 4.10 geo-queries: near, within, contains, intersects, overlaps, disjoint, equals; geoproperty. */
@Tag("clause-4.10")
@Tag("clause-5.7")
class GeoQueryTest {
    private static final Api API = TestServer.api();
    private static final String TENANT = TestServer.newTenant();
    // Tian'anmen at (116.3975, 39.9087); points along the same latitude, roughly 85 m per 0.001° of longitude.
    private static final double LATITUDE = 39.9087;

    @BeforeAll
    static void places() {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 10; i++) {
            batch.append(i == 0 ? "" : ",").append("""
                    {"id": "urn:ngsi-ld:PointOfInterest:%d", "type": "PointOfInterest",
                     "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [%s, %s]}}}"""
                    .formatted(i, 116.3975 + i * 0.001, LATITUDE));
        }
        batch.append("""
                ,{"id": "urn:ngsi-ld:Road:1", "type": "Road",
                  "location": {"type": "GeoProperty", "value": {"type": "LineString", "coordinates": [[116.39, 39.90], [116.41, 39.92]]}}}
                ,{"id": "urn:ngsi-ld:District:1", "type": "District",
                  "location": {"type": "GeoProperty", "value": {"type": "Polygon",
                     "coordinates": [[[116.38, 39.89], [116.42, 39.89], [116.42, 39.93], [116.38, 39.93], [116.38, 39.89]]]}},
                  "servicePoint": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [121.47, 31.23]}}}
                ]""");
        Api.Response response = API.post("/ngsi-ld/v1/entityOperations/create", batch.toString()).tenant(TENANT).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
    }

    private static List<String> ids(String georel, String geometry, String coordinates, String extra) {
        Api.Response response = API.get("/ngsi-ld/v1/entities?limit=100&georel=" + encode(georel) + "&geometry=" + geometry
                + "&coordinates=" + encode(coordinates) + extra).tenant(TENANT).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.json().forEach(entity -> ids.add(entity.path("id").asText()));
        return ids;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void nearWithMaxDistanceFindsPointsWithinTheRadius() {
        List<String> found = ids("near;maxDistance==300", "Point", "[116.3975,39.9087]", "&type=PointOfInterest");

        assertThat(found).containsExactly("urn:ngsi-ld:PointOfInterest:0", "urn:ngsi-ld:PointOfInterest:1",
                "urn:ngsi-ld:PointOfInterest:2", "urn:ngsi-ld:PointOfInterest:3");
    }

    @Test
    void nearWithMinDistanceFindsPointsOutsideTheRadius() {
        List<String> found = ids("near;minDistance==700", "Point", "[116.3975,39.9087]", "&type=PointOfInterest");

        assertThat(found).containsExactly("urn:ngsi-ld:PointOfInterest:9");
    }

    @Test
    void withinAPolygonIsExactNotJustTheBoundingBox() {
        // A triangle whose bounding box holds every point but whose area holds only the four western ones.
        String triangle = "[[[116.3970,39.9000],[116.4070,39.9200],[116.3970,39.9200],[116.3970,39.9000]]]";
        List<String> found = ids("within", "Polygon", triangle, "&type=PointOfInterest");

        assertThat(found).containsExactly("urn:ngsi-ld:PointOfInterest:0", "urn:ngsi-ld:PointOfInterest:1",
                "urn:ngsi-ld:PointOfInterest:2", "urn:ngsi-ld:PointOfInterest:3");
    }

    @Test
    void intersectsFindsLinesAndAreasCrossingTheGeometry() {
        List<String> found = ids("intersects", "LineString", "[[116.39,39.92],[116.41,39.90]]", "&type=Road,District");

        assertThat(found).containsExactly("urn:ngsi-ld:District:1", "urn:ngsi-ld:Road:1");
    }

    @Test
    void containsFindsAreasHoldingThePoint() {
        assertThat(ids("contains", "Point", "[116.385,39.925]", "")).containsExactly("urn:ngsi-ld:District:1");
    }

    @Test
    void disjointFindsWhatDoesNotTouch() {
        List<String> found = ids("disjoint", "Point", "[116.385,39.925]", "&type=Road,District");

        assertThat(found).containsExactly("urn:ngsi-ld:Road:1");
    }

    @Test
    void equalsMatchesTheSameGeometry() {
        assertThat(ids("equals", "Point", "[116.3975,39.9087]", "")).containsExactly("urn:ngsi-ld:PointOfInterest:0");
    }

    @Test
    void geopropertySelectsAnotherGeoProperty() {
        List<String> found = ids("near;maxDistance==1000", "Point", "[121.47,31.23]", "&geoproperty=servicePoint");

        assertThat(found).containsExactly("urn:ngsi-ld:District:1");
    }

    @Test
    void countAndPagingApplyAfterTheExactGeoTest() {
        Api.Response response = API.get("/ngsi-ld/v1/entities?type=PointOfInterest&limit=2&offset=1&count=true"
                + "&georel=" + encode("near;maxDistance==300") + "&geometry=Point&coordinates=" + encode("[116.3975,39.9087]"))
                .tenant(TENANT).send();

        assertThat(response.header("NGSILD-Results-Count")).isEqualTo("4");
        assertThat(response.json()).hasSize(2);
        assertThat(response.json().get(0).path("id").asText()).isEqualTo("urn:ngsi-ld:PointOfInterest:1");
    }

    @Test
    void invalidGeoQueriesAreBadRequestData() {
        for (String query : List.of("georel=near&geometry=Point&coordinates=" + encode("[116,39]"),
                "georel=within&geometry=Polygon&coordinates=" + encode("[[[1,1],[2,2],[1,1]]]"),
                "georel=nearby&geometry=Point&coordinates=" + encode("[116,39]"),
                "georel=within&geometry=Point",
                "georel=near;maxDistance==10&geometry=Point&coordinates=" + encode("[116,95]"))) {
            Api.Response response = API.get("/ngsi-ld/v1/entities?" + query).tenant(TENANT).send();
            assertThat(response.status()).as(query + " -> " + response).isEqualTo(400);
            assertThat(response.errorType()).isEqualTo("BadRequestData");
        }
    }
}
