package org.meridian.cases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.InTenant;
import org.meridian.testing.TestServer;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Open311 GeoReport v2 as a city app uses it: every JSON answer is checked against the GeoReport v2 schema
 * (src/test/resources/open311, written from the specification), every XML answer against its JSON twin, and every
 * refusal is the Open311 error list. The reporting app is a machine client with an API key; readers are anyone.
 */
class Open311Test {
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    private final Api operator = TestServer.api();
    private final Api anyone = operator.anonymous();
    private final String tenant = TestServer.newTenant();
    private final InTenant city = new InTenant(operator, tenant);
    private String apiKey;

    @BeforeEach
    void aCityWithPublicServicesAndAnApp() {
        for (String department : List.of("roads", "lighting")) {
            city.ok(operator.put("/admin/v1/departments/" + department, "{\"name\": \"" + department + "\"}"));
        }
        city.ok(operator.put("/cases/v1/categories/pothole", """
                {"name": "坑洼 Pothole", "kind": "event", "parent": "roads-class", "description": "A hole in the road surface",
                 "limits": {"normal": {"dispatched": 2}},
                 "questions": [
                   {"code": "depth", "datatype": "number", "required": true, "description": "How deep, in cm", "order": 1},
                   {"code": "lane", "datatype": "singlevaluelist", "required": false, "description": "Where on the road", "order": 2,
                    "choices": [{"key": "car", "name": "车道 Carriageway"}, {"key": "bike", "name": "非机动车道 Cycle lane"}]},
                   {"code": "hazards", "datatype": "multivaluelist", "required": false, "description": "What else", "order": 3,
                    "choices": [{"key": "water", "name": "Water"}, {"key": "glass", "name": "Glass"}, {"key": "night", "name": "Unlit"}]}]}"""));
        city.ok(operator.put("/cases/v1/categories/roads-class", "{\"name\": \"道路交通 Roads\", \"kind\": \"event\", \"public\": false}"));
        city.ok(operator.put("/cases/v1/categories/street-light", "{\"name\": \"路灯 Street light\", \"kind\": \"component\"}"));
        city.ok(operator.put("/cases/v1/categories/internal-audit", "{\"name\": \"Internal\", \"kind\": \"event\", \"public\": false}"));
        city.ok(operator.put("/cases/v1/routing", "{\"category\": \"pothole\", \"lead\": \"roads\"}"));
        city.ok(operator.put("/cases/v1/routing", "{\"category\": \"street-light\", \"lead\": \"lighting\"}"));
        JsonNode client = city.ok(operator.post("/admin/v1/clients", "{\"id\": \"app-" + tenant + "\", \"role\": \"system\"}"));
        apiKey = client.path("apiKey").asText();
    }

    private String path(String resource) {
        return "/open311/v2/" + resource + (resource.contains("?") ? "&" : "?") + "jurisdiction_id=" + tenant;
    }

    /** A GET by anyone, in both formats: the JSON checked against the schema's definition, the XML against the JSON. */
    private JsonNode read(String resource, String format, String definition, String root, String item) {
        Api.Response json = anyone.get(path(resource.replace("{f}", "json"))).send();
        assertThat(json.status()).as(json.toString()).isEqualTo(200);
        assertThat(json.header("Content-Type")).startsWith("application/json");
        valid(json.json(), definition);
        Api.Response xml = anyone.get(path(resource.replace("{f}", "xml"))).send();
        assertThat(xml.status()).as(xml.toString()).isEqualTo(200);
        assertThat(xml.header("Content-Type")).startsWith("text/xml");
        assertThat(xml.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        assertThat(fromXml(xml.body(), root, item)).as("the XML says what the JSON says").isEqualTo(texts(json.json()));
        return json.json();
    }

    private static void valid(JsonNode answer, String definition) {
        Schema schema = SCHEMAS.getSchema(SchemaLocation.of("classpath:open311/georeport-v2.json#/definitions/" + definition));
        assertThat(schema.validate(answer)).as("%s against %s", answer, definition).isEmpty();
    }

    private Api.Response post(String form) {
        return anyone.postForm(path("requests.json"), form).send();
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private int publicRequests() {
        return anyone.get(path("requests.json")).send().json().size();
    }

    @Test
    void discoveryServicesAndDefinitionsFollowTheSpec() {
        JsonNode discovery = read("discovery.{f}", "json", "discovery", "discovery", null);
        assertThat(discovery.path("endpoints").get(0).path("url").asText()).endsWith("/open311/v2");

        JsonNode services = read("services.{f}", "json", "services", "services", "service");
        assertThat(services).extracting(s -> s.path("service_code").asText()).as("public categories only")
                .containsExactly("pothole", "street-light");
        JsonNode pothole = services.get(0);
        assertThat(pothole.path("metadata").asBoolean()).isTrue();
        assertThat(pothole.path("group").asText()).as("its top-level class").isEqualTo("道路交通 Roads");
        assertThat(services.get(1).path("metadata").asBoolean()).isFalse();

        JsonNode definition = read("services/pothole.{f}", "json", "service_definition", "service_definition", null);
        assertThat(definition.path("attributes")).extracting(a -> a.path("code").asText()).containsExactly("depth", "lane", "hazards");
        assertThat(definition.path("attributes").get(1).path("values").get(0).path("name").asText()).isEqualTo("车道 Carriageway");

        for (String missing : List.of("services/internal-audit.json", "services/nothing.xml", "requests/20990101-000001.json",
                "tokens/abc.json", "nowhere.json")) {
            Api.Response refused = anyone.get(path(missing)).send();
            assertThat(refused.status()).as(missing + ": " + refused).isEqualTo(404);
            if (missing.endsWith(".json")) {
                valid(refused.json(), "errors");
            } else {
                assertThat(refused.body()).contains("<errors><error><code>404</code><description>");
            }
        }
        Api.Response elsewhere = anyone.get("/open311/v2/services.json?jurisdiction_id=no-such-city").send();
        assertThat(elsewhere.status()).isEqualTo(404);
        valid(elsewhere.json(), "errors");
    }

    @Test
    void anAppReportsAndAnyoneFollowsItToClosureWithoutSeeingWhoReported() {
        String description = "<b>深坑</b> & <script>alert(1)</script>\nnear the bus stop";
        Api.Response created = post("api_key=" + encoded(apiKey) + "&service_code=pothole&lat=30.2741&long=120.1551"
                + "&address_string=" + encoded("文三路 12号") + "&description=" + encoded(description)
                + "&attribute[depth]=12.5&attribute[lane]=car&attribute[hazards][]=water&attribute[hazards][]=night"
                + "&first_name=" + encoded("小明") + "&last_name=Wang&phone=13800000000&email=ming%40example.cn"
                + "&media_url=" + encoded("https://photos.example.cn/p/1.jpg"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        valid(created.json(), "created");
        String id = created.json().get(0).path("service_request_id").asText();

        // The people working the case see the answers and who to call back; the public faces never do.
        Api dispatcher = city.person("dispatcher", "", "dispatcher");
        JsonNode detail = city.ok(dispatcher.get("/cases/v1/cases/" + id));
        JsonNode reported = detail.path("events").get(0).path("data");
        assertThat(reported.path("answers").path("depth").asText()).isEqualTo("12.5");
        assertThat(reported.path("answers").path("hazards").toString()).isEqualTo("[\"water\",\"night\"]");
        assertThat(reported.path("contact").path("phone").asText()).isEqualTo("13800000000");
        assertThat(detail.path("source").asText()).isEqualTo("open311");

        JsonNode listed = read("requests/" + id + ".{f}", "json", "requests", "service_requests", "request");
        JsonNode request = listed.get(0);
        assertThat(request.path("description").asText()).as("exactly as given").isEqualTo(description);
        assertThat(request.path("status").asText()).isEqualTo("open");
        assertThat(request.path("address").asText()).isEqualTo("文三路 12号");
        assertThat(request.path("media_url").asText()).isEqualTo("https://photos.example.cn/p/1.jpg");
        assertThat(request.path("requested_datetime").asText()).endsWith("+08:00");
        assertThat(request.toString()).doesNotContain("13800000000", "ming@", "小明", "app-" + tenant);
        String xml = anyone.get(path("requests/" + id + ".xml")).send().body();
        assertThat(xml).contains("&lt;script&gt;").doesNotContain("<script>");

        Api roads = city.person("roads-staff", "roads", "staff");
        city.ok(dispatcher.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"register\"}"));
        city.ok(dispatcher.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"dispatch\"}"));
        request = read("requests/" + id + ".{f}", "json", "requests", "service_requests", "request").get(0);
        assertThat(request.path("agency_responsible").asText()).isEqualTo("roads");
        assertThat(request.path("expected_datetime").asText()).as("the stage's deadline").isNotEmpty();
        assertThat(request.path("status_notes").asText()).isEqualTo("Sent to roads (派遣)");
        city.ok(roads.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"accept\", \"note\": \"crew at 3pm, call 13900000000\"}"));
        city.ok(roads.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"handle\", "
                + "\"result\": \"Filled with asphalt; Mr Li at No. 12 complained again\", \"publicNote\": \"Filled with asphalt\"}"));
        city.ok(dispatcher.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"check\", \"passed\": true}"));
        city.ok(dispatcher.post("/cases/v1/cases/" + id + "/actions", "{\"action\": \"close\"}"));
        request = read("requests/" + id + ".{f}", "json", "requests", "service_requests", "request").get(0);
        assertThat(request.path("status").asText()).isEqualTo("closed");
        assertThat(request.toString()).as("departments' notes to each other stay inside").doesNotContain("13900000000");

        // FixMyStreet-style updates: one per public step, ids stable, status in the extended vocabulary.
        JsonNode updates = read("servicerequestupdates.{f}", "json", "updates", "service_request_updates", "request_update");
        List<String> statuses = new ArrayList<>();
        updates.forEach(update -> {
            if (update.path("service_request_id").asText().equals(id)) {
                statuses.add(update.path("status").asText());
            }
        });
        assertThat(statuses).containsExactly("open", "open", "action_scheduled", "in_progress", "fixed", "closed");
        assertThat(updates.toString()).as("what staff chose to tell the public, not their own notes")
                .contains("Handled (处置完成): Filled with asphalt").doesNotContain("13900000000", "Mr Li");
        assertThat(anyone.get(path("servicerequestupdates.json")).send().json()).as("the same ids on every poll")
                .extracting(u -> u.path("update_id").asText()).containsExactlyElementsOf(
                        iterable(updates).stream().map(u -> u.path("update_id").asText()).toList());

        // The app sends its citizen's comment: a note from the reporter, once per update_id, never shown to the public.
        String comment = "api_key=" + encoded(apiKey) + "&service_request_id=" + id + "&update_id=fms-77&status=OPEN"
                + "&updated_datetime=2026-12-05T10:00:00%2B08:00&description=" + encoded("还是有积水 still a puddle, call 13700000000");
        Api.Response noted = anyone.postForm(path("servicerequestupdates.json"), comment).send();
        assertThat(noted.status()).as(noted.toString()).isEqualTo(200);
        assertThat(noted.json().get(0).path("update_id").asText()).startsWith(id + "-");
        Api.Response again = anyone.postForm(path("servicerequestupdates.json"), comment).send();
        assertThat(again.status()).as("the same update_id twice").isEqualTo(400);
        valid(again.json(), "errors");
        assertThat(anyone.postForm(path("servicerequestupdates.json"), comment.replace(id, "20990101-000001")).send().status())
                .isEqualTo(404);
        assertThat(city.ok(dispatcher.get("/cases/v1/cases/" + id)).path("events").toString()).contains("still a puddle");
        assertThat(anyone.get(path("servicerequestupdates.json")).send().body()).doesNotContain("13700000000");

        // Filters: status, service_code, ids override, the 90-day window.
        assertThat(anyone.get(path("requests.json?status=open")).send().json()).isEmpty();
        assertThat(anyone.get(path("requests.json?status=closed&service_code=pothole")).send().json()).hasSize(1);
        assertThat(anyone.get(path("requests.json?service_code=street-light")).send().json()).isEmpty();
        assertThat(anyone.get(path("requests.json?status=open&service_code=street-light&service_request_id=" + id)).send().json())
                .as("ids override the other filters").hasSize(1);
        assertThat(anyone.get(path("requests.json?page=2")).send().json()).as("the paging extension: past the last page").isEmpty();
        assertThat(anyone.get(path("requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00%2B08:00"))
                .send().json()).isEmpty();
        assertThat(anyone.get(path("requests.json?start_date=&status=")).send().json()).as("empty is absent").hasSize(1);
    }

    @Test
    void badReportsAreRefusedInOpen311sFormatAndStoreNothing() {
        String good = "service_code=pothole&lat=30.27&long=120.15&description=hole&attribute[depth]=5";
        Map<String, Integer> refusals = new java.util.LinkedHashMap<>();
        refusals.put(good, 403);                                                   // no api_key
        refusals.put("api_key=nobody.secret&" + good, 403);                        // a wrong one
        InTenant elsewhere = new InTenant(operator, TestServer.newTenant());
        String otherCitysKey = elsewhere.ok(operator.post("/admin/v1/clients", "{\"id\": \"app-x-" + tenant + "\", \"role\": \"system\"}"))
                .path("apiKey").asText();
        refusals.put("api_key=" + encoded(otherCitysKey) + "&" + good, 403);       // another city's app
        String monitorKey = city.ok(operator.post("/admin/v1/clients", "{\"id\": \"watch-" + tenant + "\", \"role\": \"monitor\"}"))
                .path("apiKey").asText();
        refusals.put("api_key=" + encoded(monitorKey) + "&" + good, 403);          // a monitor reports nothing
        refusals.put("api_key=" + encoded(apiKey) + "&lat=30.27&long=120.15&description=x", 400);           // no service_code
        refusals.put("api_key=" + encoded(apiKey) + "&service_code=internal-audit&lat=30.27&long=120.15&description=x", 404);
        refusals.put("api_key=" + encoded(apiKey) + "&service_code=pothole&lat=30.27&description=x&attribute[depth]=5", 400);
        refusals.put("api_key=" + encoded(apiKey) + "&" + good + "&lat=31", 400);                             // two places
        refusals.put("api_key=" + encoded(apiKey) + "&service_code=pothole&address_string=somewhere&description=x&attribute[depth]=5", 400);
        refusals.put("api_key=" + encoded(apiKey) + "&service_code=pothole&lat=95&long=120&description=x&attribute[depth]=5", 400);
        refusals.put("api_key=" + encoded(apiKey) + "&service_code=pothole&lat=30.27&long=120.15&description=x", 400); // required
        refusals.put("api_key=" + encoded(apiKey) + "&" + good.replace("=5", "=deep"), 400);
        refusals.put("api_key=" + encoded(apiKey) + "&" + good + "&attribute[lane]=sky", 400);
        refusals.put("api_key=" + encoded(apiKey) + "&" + good + "&attribute[colour]=red", 400);
        refusals.put("api_key=" + encoded(apiKey) + "&" + good.replace("description=hole", "description=" + "x".repeat(4001)), 400);
        refusals.put("api_key=" + encoded(apiKey) + "&" + good + "&media_url=javascript:alert(1)", 400);
        int before = publicRequests();
        refusals.forEach((form, status) -> {
            Api.Response refused = post(form);
            assertThat(refused.status()).as(form.substring(0, Math.min(200, form.length())) + ": " + refused).isEqualTo(status);
            valid(refused.json(), "errors");
            assertThat(refused.json().get(0).path("code").asInt()).isEqualTo(status);
        });
        Api.Response json = anyone.post(path("requests.xml"), "{\"service_code\": \"pothole\"}").send();
        assertThat(json.status()).isEqualTo(400);
        assertThat(json.body()).startsWith("<?xml").contains("<errors><error><code>400</code>");
        for (String query : List.of("start_date=yesterday", "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
                "status=pending", "page_size=5000", "service_request_id=1;drop", "page=1001")) {
            Api.Response refused = anyone.get(path("requests.json?" + query)).send();
            assertThat(refused.status()).as(query).isEqualTo(400);
            valid(refused.json(), "errors");
        }
        assertThat(publicRequests()).as("nothing stored").isEqualTo(before);
        assertThat(post("api_key=" + encoded(apiKey) + "&" + good).status()).as("and the good one is taken").isEqualTo(201);
        assertThat(publicRequests()).isEqualTo(before + 1);
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    // ---- XML as JSON: the Spark convention read back, every value as text ----

    private static JsonNode fromXml(String xml, String root, String item) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element element = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                    .getDocumentElement();
            assertThat(element.getNodeName()).isEqualTo(root);
            if (item == null) {
                return object(element);
            }
            ArrayNode items = JsonNodeFactory.instance.arrayNode();
            for (Element child : children(element)) {
                assertThat(child.getNodeName()).isEqualTo(item);
                items.add(object(child));
            }
            return items;
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + xml, e);
        }
    }

    private static final Map<String, String> LISTS = Map.of("attributes", "attribute", "values", "value", "endpoints", "endpoint",
            "formats", "format");

    private static JsonNode object(Element element) {
        List<Element> children = children(element);
        if (children.isEmpty()) {
            return JsonNodeFactory.instance.textNode(element.getTextContent());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Element child : children) {
            if (LISTS.containsKey(child.getNodeName())) {
                ArrayNode list = out.putArray(child.getNodeName());
                children(child).forEach(grandchild -> list.add(object(grandchild)));
            } else {
                out.set(child.getNodeName(), object(child));
            }
        }
        return out;
    }

    private static List<Element> children(Element element) {
        List<Element> children = new ArrayList<>();
        for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child) {
                children.add(child);
            }
        }
        return children;
    }

    /** The JSON with every value as the text XML carries (null: empty). */
    private static JsonNode texts(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(field -> out.set(field.getKey(), texts(field.getValue())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(texts(item)));
            return out;
        }
        return JsonNodeFactory.instance.textNode(node.isNull() ? "" : node.asText());
    }
}
