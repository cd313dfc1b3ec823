package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * A case's page as a dispatcher opens it: its facts, the actions open now, and its place drawn by the server with the
 * city's published districts and roads around it (no map script).
 */
class CasePageTest {
    private final Api operator = TestServer.api();

    @Test
    void aCasePageDrawsItsPlaceAmongThePublishedDistrictsAndRoadsAroundIt() {
        String tenant = TestServer.newTenant();
        ok(operator.put("/admin/v1/departments/planning", "{\"name\": \"Planning\"}").tenant(tenant));
        ok(operator.put("/admin/v1/departments/water", "{\"name\": \"Water\"}").tenant(tenant));
        // The district the case lies in (its name has what must be escaped), one far away, and a road through the place.
        entity(tenant, """
                {"id": "urn:ngsi-ld:District:west", "type": "District", "name": {"type": "Property", "value": "West <Lake> & Hills"},
                 "location": {"type": "GeoProperty", "value": {"type": "Polygon",
                   "coordinates": [[[120.10, 30.20], [120.20, 30.20], [120.20, 30.30], [120.10, 30.30], [120.10, 30.20]]]}}}""");
        entity(tenant, """
                {"id": "urn:ngsi-ld:District:far", "type": "District", "name": {"type": "Property", "value": "Far District"},
                 "location": {"type": "GeoProperty", "value": {"type": "Polygon",
                   "coordinates": [[[121.10, 31.20], [121.20, 31.20], [121.20, 31.30], [121.10, 31.30], [121.10, 31.20]]]}}}""");
        entity(tenant, """
                {"id": "urn:ngsi-ld:Road:wensan", "type": "Road", "name": {"type": "Property", "value": "Wensan Road"},
                 "location": {"type": "GeoProperty", "value": {"type": "LineString", "coordinates": [[120.14, 30.25], [120.16, 30.25]]}}}""");
        ok(operator.put("/sharing/v1/datasets/District", "{\"owner\": \"planning\", \"title\": \"Districts\", \"published\": true}")
                .tenant(tenant));
        ok(operator.put("/cases/v1/categories/pothole", "{\"name\": \"Pothole\", \"kind\": \"component\"}").tenant(tenant));
        ok(operator.put("/cases/v1/routing", "{\"category\": \"pothole\", \"lead\": \"water\"}").tenant(tenant));
        Api.Response reported = ok(operator.post("/cases/v1/cases", """
                {"category": "pothole", "description": "A hole on Wensan Road",
                 "location": {"type": "Point", "coordinates": [120.15, 30.25]}}""").tenant(tenant));
        String id = reported.json().path("id").asText();

        WebClient dispatcher = WebClient.signedIn(operator, tenant, "dispatcher", "");
        // The map draws what anyone may read: the roads are not published yet.
        String unpublished = dispatcher.get("/ops/cases/" + id).body();
        assertThat(count(unpublished, "class=\"area\"")).isEqualTo(1);
        assertThat(count(unpublished, "class=\"road\"")).isZero();
        ok(operator.put("/sharing/v1/datasets/Road", "{\"owner\": \"planning\", \"title\": \"Roads\", \"published\": true}")
                .tenant(tenant));

        HttpResponse<String> page = dispatcher.get("/ops/cases/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        // The place is in the middle of the drawing, inside the one district near it, on the one published road.
        assertThat(html).contains("<svg id=\"case-map\" viewBox=\"0 0 480 320\"").contains("cx=\"240.0\" cy=\"160.0\"");
        assertThat(count(html, "class=\"area\"")).isEqualTo(1);
        assertThat(count(html, "class=\"road\"")).isEqualTo(1);
        assertThat(html).contains(">West &lt;Lake&gt; &amp; Hills</text>").doesNotContain("Far District").doesNotContain("West <Lake>");
        // The road runs east–west through the place: its line is drawn at the place's height.
        assertThat(html).containsPattern(Pattern.compile("class=\"road\" d=\"M-?\\d+\\.\\d 160\\.0 L\\d+\\.\\d 160\\.0\""));
        assertThat(html).contains("href=\"/ops?at=30.250000,120.150000\"");
        // Roads published on a 1 km grid are drawn as the public gets them: the line moves off the place's height.
        ok(operator.put("/sharing/v1/datasets/Road", """
                {"owner": "planning", "title": "Roads", "published": true, "openData": {"gridMeters": 1000}}""").tenant(tenant));
        String coarse = dispatcher.get("/ops/cases/" + id).body();
        assertThat(count(coarse, "class=\"road\"")).isEqualTo(1);
        assertThat(coarse).doesNotContainPattern(Pattern.compile("class=\"road\" d=\"M-?\\d+\\.\\d 160\\.0 L"));
        // No map library is loaded for it, and the page still offers what the dispatcher may do now.
        assertThat(html).doesNotContain("leaflet.js").contains("data-action=\"register\"").contains("A hole on Wensan Road");

        // A case where no district is drawn: the place alone.
        Api.Response elsewhere = ok(operator.post("/cases/v1/cases", """
                {"category": "pothole", "description": "Out of town", "location": {"type": "Point", "coordinates": [110.5, 25.5]}}""")
                .tenant(tenant));
        String alone = dispatcher.get("/ops/cases/" + elsewhere.json().path("id").asText()).body();
        assertThat(alone).contains("cx=\"240.0\" cy=\"160.0\"");
        assertThat(count(alone, "class=\"area\"") + count(alone, "class=\"road\"")).isZero();
        assertThat(dispatcher.get("/ops/cases/20000101-999999").statusCode()).isEqualTo(404);
    }

    private void entity(String tenant, String body) {
        Api.Response created = operator.post("/ngsi-ld/v1/entities", body).contentType("application/json").tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    private static Api.Response ok(Api.Request request) {
        Api.Response response = request.send();
        assertThat(response.status()).as(response.toString()).isBetween(200, 204);
        return response;
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    @Test
    void theOperationsNavLinksOnlyToPagesThatOpenForTheViewer() {
        String tenant = TestServer.newTenant();
        ok(operator.put("/admin/v1/departments/water", "{\"name\": \"Water\"}").tenant(tenant));
        WebClient citizen = WebClient.signedIn(operator, tenant, "citizen", "");
        WebClient dispatcher = WebClient.signedIn(operator, tenant, "dispatcher", "");
        List<String> citizens = navLinks(citizen);
        List<String> dispatchers = navLinks(dispatcher);
        // A citizen has the case board, not the city's data (the map, the indicators, the catalogue answer 403).
        assertThat(citizens).contains("/ops/cases").doesNotContain("/ops", "/ops/indicators", "/ops/data");
        assertThat(dispatchers).contains("/ops", "/ops/cases", "/ops/indicators", "/ops/data");
        for (String link : citizens) {
            assertThat(citizen.get(link).statusCode()).as("the citizen's link " + link).isEqualTo(200);
        }
        for (String link : dispatchers) {
            assertThat(dispatcher.get(link).statusCode()).as("the dispatcher's link " + link).isEqualTo(200);
        }
        assertThat(citizen.get("/ops").statusCode()).isEqualTo(403);
        // Signing in with no page asked for leads each to a page that opens for them.
        // (A page asked for that is not one of this site's counts as none.)
        assertThat(signedInLandsAt(tenant, "citizen", "")).isEqualTo("/ops/cases");
        assertThat(signedInLandsAt(tenant, "citizen", "//elsewhere.example/ops")).isEqualTo("/ops/cases");
        assertThat(signedInLandsAt(tenant, "citizen", "/ops/cases?show=overdue")).isEqualTo("/ops/cases?show=overdue");
        assertThat(signedInLandsAt(tenant, "dispatcher", "")).isEqualTo("/ops");
    }

    /** Where signing in leads, through the sign-in form opened for that page (the form carries the page it was given). */
    private String signedInLandsAt(String tenant, String role, String next) {
        String name = "landing-" + role + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        WebClient.account(operator, tenant, role, "", name);
        WebClient browser = new WebClient(operator.base(), "en");
        Matcher carried = Pattern.compile("name=\"next\" value=\"([^\"]*)\"").matcher(
                browser.get("/sign-in?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8)).body());
        assertThat(carried.find()).as("the sign-in form carries the page to go to").isTrue();
        HttpResponse<String> in = browser.signIn(java.util.Map.of("username", name, "password", WebClient.PASSWORD,
                "tenant", tenant, "next", carried.group(1).replace("&amp;", "&")));
        assertThat(in.statusCode()).isEqualTo(303);
        return in.headers().firstValue("Location").orElseThrow();
    }

    /** The links into the operations centre in the case board's header and nav, as the viewer gets them. */
    private static List<String> navLinks(WebClient viewer) {
        HttpResponse<String> board = viewer.get("/ops/cases");
        assertThat(board.statusCode()).isEqualTo(200);
        // The page's header (its nav, to the portal and the operations centre) and the operations centre's own nav.
        String header = board.body().substring(0, board.body().indexOf("<main"));
        String subnav = board.body().substring(board.body().indexOf("<nav class=\"subnav\""));
        String nav = header + subnav.substring(0, subnav.indexOf("</nav>"));
        List<String> links = new java.util.ArrayList<>();
        Matcher link = Pattern.compile("<a [^>]*href=\"(/ops[^\"]*)\"").matcher(nav);
        while (link.find()) {
            links.add(link.group(1).replace("&amp;", "&"));
        }
        return links;
    }
}
