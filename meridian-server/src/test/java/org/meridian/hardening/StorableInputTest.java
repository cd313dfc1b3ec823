package org.meridian.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Text and dates PostgreSQL cannot hold as given are refused with 400 and the place of the offending value, on every
 * write route, before anything is written; nothing is stored changed.
 */
class StorableInputTest {
    private final Api api = TestServer.api();
    private final String tenant = TestServer.newTenant();

    private Api.Response create(String body) {
        return api.post("/ngsi-ld/v1/entities", body).tenant(tenant).send();
    }

    @Test
    void theNulCharacterIsRefusedWithItsPlaceOnEveryWriteRoute() {
        Api.Response created = create("{\"id\": \"urn:ngsi-ld:Road:1\", \"type\": \"Road\", \"name\": \"Ring\\u0000Road\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(created.errorType()).isEqualTo("BadRequestData");
        assertThat(created.json().path("detail").asText()).contains("/name").contains("U+0000");
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Road:1").tenant(tenant).send().status()).isEqualTo(404);

        assertThat(create("{\"id\": \"urn:ngsi-ld:Road:2\", \"type\": \"Road\", \"name\": \"Ring Road\"}").status()).isEqualTo(201);
        Api.Response patched = api.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:Road:2/attrs",
                "{\"name\": \"x\\u0000\"}").tenant(tenant).send();
        assertThat(patched.status()).isEqualTo(400);
        Api.Response batch = api.post("/ngsi-ld/v1/entityOperations/upsert", """
                [{"id": "urn:ngsi-ld:Road:3", "type": "Road"},
                 {"id": "urn:ngsi-ld:Road:4", "type": "Road", "a\\u0000b": 1}]""").tenant(tenant).send();
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.json().path("detail").asText()).contains("member name").contains("/1/a");
        Api.Response subscription = api.post("/ngsi-ld/v1/subscriptions", """
                {"type": "Subscription", "entities": [{"type": "Road"}], "description": "\\u0000",
                 "notification": {"endpoint": {"uri": "http://127.0.0.1:9/notify"}}}""").tenant(tenant).send();
        assertThat(subscription.status()).isEqualTo(400);
        Api.Response context = api.post("/ngsi-ld/v1/jsonldContexts", "{\"@context\": {\"x\": \"urn:x\\u0000\"}}").send();
        assertThat(context.status()).isEqualTo(400);

        assertThat(api.get("/ngsi-ld/v1/entities?type=Road").tenant(tenant).send().json()).hasSize(1);
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Road:2").tenant(tenant).send().json().path("name").path("value")
                .asText()).isEqualTo("Ring Road");
    }

    @Test
    void aLoneSurrogateIsRefusedNotStoredAsAQuestionMark() {
        Api.Response created = create("{\"id\": \"urn:ngsi-ld:Road:\\ud800\", \"type\": \"Road\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(created.json().path("detail").asText()).contains("surrogate").contains("/id");
        assertThat(create("{\"id\": \"urn:ngsi-ld:Road:?\", \"type\": \"Road\"}").status())
                .as("no stored '?' stands in the way").isEqualTo(201);
        assertThat(create("{\"id\": \"urn:ngsi-ld:Road:\\ud83d\\ude97\", \"type\": \"Road\"}").status())
                .as("a whole pair is a character like any other").isEqualTo(201);
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedNotReplaced() {
        byte[] body = "{\"id\": \"urn:ngsi-ld:Road:5\", \"type\": \"Road\", \"name\": \"Xx\"}".getBytes(StandardCharsets.UTF_8);
        body[body.length - 4] = (byte) 0xC3;
        body[body.length - 3] = (byte) 0x28;
        Api.Response created = api.postBytes("/ngsi-ld/v1/entities", body, "application/json").tenant(tenant).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(created.json().path("detail").asText()).contains("UTF-8");
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Road:5").tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void aBodyInAnotherCharsetIsReadInItAndAnUnknownCharsetIs415() {
        byte[] gbk = "{\"id\": \"urn:ngsi-ld:Road:6\", \"type\": \"Road\", \"name\": \"环城路\"}".getBytes(java.nio.charset.Charset.forName("GBK"));
        assertThat(api.postBytes("/ngsi-ld/v1/entities", gbk, "application/json; charset=GBK").tenant(tenant).send().status())
                .isEqualTo(201);
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Road:6").tenant(tenant).send().json().path("name").path("value")
                .asText()).isEqualTo("环城路");

        Api.Response unknown = api.postBytes("/ngsi-ld/v1/entities", gbk, "application/json; charset=klingon").tenant(tenant).send();
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(415);
        assertThat(unknown.errorType()).isEqualTo("UnsupportedMediaType");
    }

    @Test
    void datesOutsideTheSupportedRangeAreRefused() {
        for (String date : new String[] {"+10000-01-01T00:00:00Z", "0000-12-31T23:00:00Z", "-0001-01-01T00:00:00Z"}) {
            Api.Response created = create("{\"id\": \"urn:ngsi-ld:Road:7\", \"type\": \"Road\", \"speed\": {\"type\": \"Property\","
                    + " \"value\": 50, \"observedAt\": \"" + date + "\"}}");
            assertThat(created.status()).as(date + ": " + created).isEqualTo(400);
            assertThat(created.json().path("detail").asText()).contains("years 0001 to 9999");
        }
        Api.Response temporal = api.get("/ngsi-ld/v1/temporal/entities?type=Road&timerel=after&timeAt=%2B99999-01-01T00:00:00Z")
                .tenant(tenant).send();
        assertThat(temporal.status()).as(temporal.toString()).isEqualTo(400);
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Road:7").tenant(tenant).send().status()).isEqualTo(404);
    }

    @Test
    void numbersBeyondWhatPostgresqlCanHoldAreRefused() {
        Api.Response created = create("{\"id\": \"urn:ngsi-ld:Road:8\", \"type\": \"Road\", \"length\": 1e999999}");
        assertThat(created.status()).as(created.toString()).isEqualTo(400);
        assertThat(created.json().path("detail").asText()).contains("/length");
    }

    @Test
    void timestampsComeBackAsTheyWereGiven() {
        assertThat(create("{\"id\": \"urn:ngsi-ld:Road:9\", \"type\": \"Road\", \"speed\": {\"type\": \"Property\","
                + " \"value\": 50, \"observedAt\": \"2018-12-04T12:00:00.000Z\"}, \"limit\": {\"type\": \"Property\","
                + " \"value\": 60, \"observedAt\": \"2018-12-04T20:00:00.50+08:00\"}}").status()).isEqualTo(201);

        var entity = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Road:9").tenant(tenant).send().json();
        assertThat(entity.path("speed").path("observedAt").asText()).isEqualTo("2018-12-04T12:00:00.000Z");
        assertThat(entity.path("limit").path("observedAt").asText()).as("in UTC, with the digits given")
                .isEqualTo("2018-12-04T12:00:00.50Z");
    }

    @Test
    void aHugeNumberIsStoredAndLeftOutOfAggregationsInsteadOfFailingTheWrite() {
        Api.Response created = create("{\"id\": \"urn:ngsi-ld:Road:10\", \"type\": \"Road\", \"load\": {\"type\": \"Property\","
                + " \"value\": 1e200, \"observedAt\": \"2026-01-01T00:10:00Z\"}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(api.patch("/ngsi-ld/v1/entities/urn:ngsi-ld:Road:10/attrs", "{\"load\": {\"type\": \"Property\", \"value\": 4,"
                + " \"observedAt\": \"2026-01-01T00:20:00Z\"}}").tenant(tenant).send().status()).isEqualTo(204);

        Api.Response history = api.get("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:Road:10?attrs=load").tenant(tenant).send();
        assertThat(history.json().path("load")).extracting(i -> i.path("value").asDouble()).containsExactly(1e200, 4.0);
        Api.Response average = api.get("/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:Road:10?attrs=load&options=aggregatedValues"
                + "&aggrMethods=max&aggrPeriodDuration=PT1H&timerel=after&timeAt=2026-01-01T00:00:00Z").tenant(tenant).send();
        assertThat(average.status()).as(average.toString()).isEqualTo(200);
        assertThat(average.body()).contains("4");
    }
}
