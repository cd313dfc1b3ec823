package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * The indicators page: a city-wide hourly trend from the sensors' history, with the national limit drawn, shown only to
 * those whose grants reach the data; device health per type.
 */
class IndicatorPagesTest {
    private final Api operator = TestServer.api();
    private final String tenant = TestServer.newTenant();

    private WebClient signedIn(String department) {
        return WebClient.signedIn(operator, tenant, "staff", department);
    }

    @Test
    void theCitysHourlyAirQualityIsChartedForThoseWhoMayReadIt() {
        operator.put("/admin/v1/departments/ecology", "{\"name\": \"Ecology\"}").tenant(tenant).send();
        operator.put("/admin/v1/departments/transport", "{\"name\": \"Transport\"}").tenant(tenant).send();
        Instant hourAgo = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
        for (int station = 1; station <= 2; station++) {
            String id = "urn:ngsi-ld:AirQualityObserved:ip-" + station;
            Api.Response created = operator.post("/ngsi-ld/v1/entities", """
                    {"id": "%s", "type": "AirQualityObserved", "pm25": {"type": "Property", "value": %d, "observedAt": "%s"}}"""
                    .formatted(id, 60 + station * 20, hourAgo.plusSeconds(600))).tenant(tenant).send();
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
        // Two stations in the same hour: 80 and 100, a mean of 90 over the grade II limit of 75.
        assertThat(operator.put("/sharing/v1/datasets/AirQualityObserved", "{\"owner\": \"ecology\", \"title\": \"Air\"}")
                .tenant(tenant).send().status()).isIn(200, 201);
        String key = "ipkey" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(operator.post("/iot/services", "{\"services\": [{\"apikey\": \"" + key + "\", \"entity_type\": \"AirQualityObserved\"}]}")
                .tenant(tenant).send().status()).isEqualTo(201);
        assertThat(operator.post("/iot/devices", "{\"devices\": [{\"device_id\": \"ip-aq-9\", \"apikey\": \"" + key + "\"}]}")
                .tenant(tenant).send().status()).isEqualTo(201);

        String owner = signedIn("ecology").get("/ops/indicators").body();
        String air = section(owner, "pm25");
        assertThat(air).contains("id=\"chart-pm25\"").contains("<td>90.00</td><td>80.00</td><td>100</td>").contains("class=\"limit\"");
        assertThat(owner).contains("<tr data-type=\"AirQualityObserved\"><th scope=\"row\">AirQualityObserved</th><td class=\"num\">1</td>");

        String other = signedIn("transport").get("/ops/indicators").body();
        assertThat(section(other, "pm25")).doesNotContain("chart-pm25").contains("Nothing to show");
    }

    private static String section(String page, String key) {
        int start = page.indexOf("data-trend=\"" + key + "\"");
        assertThat(start).as(page).isPositive();
        return page.substring(start, page.indexOf("</section>", start));
    }
}
