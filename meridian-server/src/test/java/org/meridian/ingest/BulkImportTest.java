package org.meridian.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/** Department files (CSV in UTF-8 or GBK, GeoJSON) become entities through a stored mapping, with a report. */
class BulkImportTest {
    private static final String HOSPITALS = """
            {"entityType": "Hospital", "id": {"column": "编号", "prefix": "urn:ngsi-ld:Hospital:"},
             "attributes": {"name": {"column": "名称", "type": "Text"}, "beds": {"column": "床位", "type": "Integer"},
                            "emergency": {"column": "急诊", "type": "Boolean"},
                            "refDistrict": {"column": "区", "type": "Relationship", "prefix": "urn:ngsi-ld:District:"}},
             "location": {"longitude": "经度", "latitude": "纬度"},
             "static": {"dataProvider": {"type": "Property", "value": "Health Commission"}}}""";
    private static final String CSV = """
            编号,名称,床位,急诊,区,经度,纬度
            H001,第一人民医院,1200,是,Old-Town,120.161,30.271
            H002,中医院,eight hundred,否,Riverside,120.170,30.260
            ,无编号医院,10,否,Riverside,120.1,30.2
            H003,妇幼保健院,300,否,Riverside,120.180,30.255
            H004,多一列,10,否,Riverside,120.1,30.2,extra
            H005,康复医院,80,否,Riverside,120.19,30.25
            """;

    private final Api api = TestServer.api();
    private String tenant;

    @BeforeEach
    void mapping() {
        tenant = TestServer.newTenant();
        Api.Response saved = api.put("/import/mappings/hospitals", HOSPITALS).tenant(tenant).send();
        assertThat(saved.status()).as(saved.toString()).isEqualTo(201);
    }

    private JsonNode importFile(byte[] body, String contentType) {
        Api.Response response = api.postBytes("/import/hospitals", body, contentType).tenant(tenant).send();
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    @Test
    void aCsvFileBecomesEntitiesAndBadRowsAreReportedWithTheirReasons() {
        JsonNode report = importFile(("\uFEFF" + CSV).getBytes(StandardCharsets.UTF_8), "text/csv");

        assertThat(report.path("rows").asInt()).isEqualTo(6);
        assertThat(report.path("accepted").asInt()).as(report.toString()).isEqualTo(3);
        assertThat(report.path("rejected").asInt()).isEqualTo(3);
        assertThat(report.path("errors").get(2).path("reason").asText()).contains("Unreadable row");
        assertThat(report.path("errors").get(0).path("row").asInt()).isEqualTo(2);
        assertThat(report.path("errors").get(0).path("reason").asText()).contains("床位").contains("eight hundred");
        assertThat(report.path("errors").get(1).path("reason").asText()).contains("编号");

        JsonNode hospital = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Hospital:H001").tenant(tenant).send().json();
        assertThat(hospital.path("name").path("value").asText()).isEqualTo("第一人民医院");
        assertThat(hospital.path("beds").path("value").asInt()).isEqualTo(1200);
        assertThat(hospital.path("emergency").path("value").asBoolean()).isTrue();
        assertThat(hospital.path("refDistrict").path("object").asText()).isEqualTo("urn:ngsi-ld:District:Old-Town");
        assertThat(hospital.path("location").path("value").path("coordinates").toString()).isEqualTo("[120.161,30.271]");
        assertThat(hospital.path("dataProvider").path("value").asText()).isEqualTo("Health Commission");
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Hospital:H002").tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void gbkFilesAreReadInTheirCharsetAndReimportsUpdate() {
        importFile(CSV.getBytes(StandardCharsets.UTF_8), "text/csv");
        String changed = CSV.replace("1200", "1250");
        JsonNode report = importFile(changed.getBytes(Charset.forName("GBK")), "text/csv; charset=GBK");

        assertThat(report.path("accepted").asInt()).isEqualTo(3);
        JsonNode hospital = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Hospital:H001").tenant(tenant).send().json();
        assertThat(hospital.path("name").path("value").asText()).isEqualTo("第一人民医院");
        assertThat(hospital.path("beds").path("value").asInt()).isEqualTo(1250);
        assertThat(api.get("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:Hospital:H001?attrs=beds").tenant(tenant).send().json()
                .path("beds")).extracting(i -> i.path("value").asInt()).containsExactly(1200, 1250);
    }

    @Test
    void geoJsonFeaturesKeepTheirGeometry() {
        String geojson = """
                {"type": "FeatureCollection", "name": "hospitals", "features": [
                  {"type": "Feature", "properties": {"编号": "H010", "名称": "港湾医院", "床位": 150},
                   "geometry": {"type": "Polygon", "coordinates": [[[120.15,30.25],[120.16,30.25],[120.16,30.26],[120.15,30.25]]]}},
                  {"type": "Feature", "properties": {"编号": "H011", "名称": "山南医院", "床位": 90.5},
                   "geometry": {"type": "Point", "coordinates": [120.2, 30.3]}}]}""";
        JsonNode report = importFile(geojson.getBytes(StandardCharsets.UTF_8), "application/geo+json");

        assertThat(report.path("accepted").asInt()).isEqualTo(1);
        assertThat(report.path("errors").get(0).path("reason").asText()).contains("90.5");
        JsonNode hospital = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Hospital:H010").tenant(tenant).send().json();
        assertThat(hospital.path("location").path("value").path("type").asText()).isEqualTo("Polygon");
    }

    @Test
    void badMappingsAndFilesAreRefusedClearly() {
        assertThat(api.put("/import/mappings/x", "{\"entityType\": \"T\"}").tenant(tenant).send().errorType()).isEqualTo("BadRequestData");
        assertThat(api.put("/import/mappings/x", "{\"entityType\": \"T\", \"id\": {\"column\": \"c\"}, \"attributes\": "
                + "{\"a\": {\"column\": \"a\", \"type\": \"Float\"}}}").tenant(tenant).send().errorType()).isEqualTo("BadRequestData");
        assertThat(api.postBytes("/import/nope", CSV.getBytes(StandardCharsets.UTF_8), "text/csv").tenant(tenant).send().status())
                .isEqualTo(404);
        assertThat(api.postBytes("/import/hospitals", new byte[] {1, 2}, "application/zip").tenant(tenant).send().status())
                .isEqualTo(415);
        assertThat(api.postBytes("/import/hospitals", "[1, 2]".getBytes(StandardCharsets.UTF_8), "application/geo+json")
                .tenant(tenant).send().errorType()).isEqualTo("BadRequestData");
        assertThat(api.get("/import/mappings").tenant(tenant).send().json().has("hospitals")).isTrue();
    }

    @Test
    void rowsPostgresqlCannotStoreAreReportedAndTheRestImported() {
        String csv = "编号,名称,床位,急诊,区,经度,纬度\n"
                + "H020,第一医院,10,否,Riverside,120.1,30.2\n"
                + "H021,坏\u0000名,10,否,Riverside,120.1,30.2\n"
                + "H022,第三医院,10,否,Riverside,120.1,30.2\n";
        JsonNode report = importFile(csv.getBytes(StandardCharsets.UTF_8), "text/csv");

        assertThat(report.path("accepted").asInt()).as(report.toString()).isEqualTo(2);
        assertThat(report.path("rejected").asInt()).isEqualTo(1);
        assertThat(report.path("errors").get(0).path("row").asInt()).isEqualTo(2);
        assertThat(report.path("errors").get(0).path("reason").asText()).contains("U+0000");
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Hospital:H022").tenant(tenant).send().status()).isEqualTo(200);
    }

    @Test
    void bytesNotInTheFilesCharsetStopTheImportWithAReportNotReplacementCharacters() {
        byte[] good = "编号,名称,床位,急诊,区,经度,纬度\nH030,第一医院,10,否,Riverside,120.1,30.2\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "H031,X\u00ff,10,否,Riverside,120.1,30.2\n".getBytes(StandardCharsets.UTF_8);
        bad[6] = (byte) 0xFF;
        byte[] file = java.util.Arrays.copyOf(good, good.length + bad.length);
        System.arraycopy(bad, 0, file, good.length, bad.length);

        JsonNode report = importFile(file, "text/csv");

        assertThat(report.path("stopped").asText()).as(report.toString()).contains("not valid UTF-8");
        assertThat(api.get("/ngsi-ld/v1/entities?type=Hospital").tenant(tenant).send().json().toString())
                .doesNotContain("\uFFFD").doesNotContain("H031");
    }
}
