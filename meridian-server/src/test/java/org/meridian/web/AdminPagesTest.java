package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Administration on pages, as a department administrator and an operator meet it: people and their roles, machine
 * clients whose key is shown once and works at once, routing, the working calendar and devices. The pages may do what
 * the admin API lets the signed-in person do, no more.
 */
class AdminPagesTest {
    private final Api operator = TestServer.api();
    private final String suffix = UUID.randomUUID().toString().substring(0, 6);
    private final String department = "ap-" + suffix;

    private WebClient signedIn(String name, String role, String dept) {
        WebClient.account(operator, "", role, dept, name);
        WebClient browser = new WebClient(operator.base(), "en");
        assertThat(browser.signIn(Map.of("username", name, "password", WebClient.PASSWORD)).statusCode()).isEqualTo(303);
        return browser;
    }

    @Test
    void aDepartmentAdministratorAddsAndDisablesPeopleOfTheirDepartmentOnly() {
        operator.put("/admin/v1/departments/" + department, "{\"name\": \"Parks\"}").send();
        operator.put("/admin/v1/departments/other-" + suffix, "{\"name\": \"Other\"}").send();
        WebClient admin = signedIn("ap-admin-" + suffix, "department-admin", department);
        HttpResponse<String> page = admin.get("/ops/admin/people");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-user=\"ap-admin-" + suffix + "\"").doesNotContain("data-user=\"admin\"")
                .contains("<option value=\"" + department + "\"").doesNotContain("<option value=\"other-" + suffix + "\"")
                .doesNotContain("<option value=\"operator\"");
        String csrf = WebClient.csrf(page.body());

        HttpResponse<String> bad = admin.post("/ops/admin/people", Map.of("_csrf", csrf, "username", "X Y", "password", "short",
                "role", "staff", "department", department, "displayName", "kept"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("id=\"username-error\"").contains("id=\"password-error\"").contains("value=\"kept\"")
                .doesNotContain("value=\"short\"");
        HttpResponse<String> elsewhere = admin.post("/ops/admin/people", Map.of("_csrf", csrf, "username", "ap-x-" + suffix,
                "password", "a-long-password-1", "role", "staff", "department", "other-" + suffix));
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(elsewhere.body()).contains("id=\"error-summary\"");

        String clerk = "ap-clerk-" + suffix;
        HttpResponse<String> made = admin.post("/ops/admin/people", Map.of("_csrf", csrf, "username", clerk, "password", "a-long-password-1",
                "role", "staff", "department", department, "displayName", "<i>Clerk</i>"));
        assertThat(made.statusCode()).isEqualTo(303);
        assertThat(admin.get("/ops/admin/people").body()).contains("data-user=\"" + clerk + "\"").contains("&lt;i&gt;Clerk&lt;/i&gt;")
                .contains("Staff · Parks");
        assertThat(new WebClient(operator.base(), "en").signIn(Map.of("username", clerk, "password", "a-long-password-1")).statusCode())
                .isEqualTo(303);

        assertThat(admin.post("/ops/admin/people/" + clerk + "/access", Map.of("_csrf", csrf, "disabled", "yes")).statusCode())
                .isEqualTo(303);
        assertThat(new WebClient(operator.base(), "en").signIn(Map.of("username", clerk, "password", "a-long-password-1")).statusCode())
                .isEqualTo(400);
        // Nor may a department administrator reach the operators' part of the pages.
        assertThat(admin.get("/ops/admin/departments").body()).doesNotContain("action=\"/ops/admin/departments\"");
        HttpResponse<String> calendar = admin.post("/ops/admin/calendar", Map.of("_csrf", csrf, "day", "2030-10-01", "kind", "holiday"));
        assertThat(calendar.statusCode()).isEqualTo(403);
        // Someone who administers nothing does not see the pages at all.
        WebClient staff = signedIn("ap-staff-" + suffix, "staff", department);
        assertThat(staff.get("/ops/admin/people").statusCode()).isEqualTo(403);
    }

    @Test
    void aMachineClientsKeyIsShownOnceAndWorksUntilDisabled() {
        operator.put("/admin/v1/departments/" + department, "{\"name\": \"Parks\"}").send();
        WebClient admin = signedIn("ap-keys-" + suffix, "department-admin", department);
        String csrf = WebClient.csrf(admin.get("/ops/admin/keys").body());
        HttpResponse<String> made = admin.post("/ops/admin/keys", Map.of("_csrf", csrf, "id", "ap-scada-" + suffix, "department", department,
                "role", "system", "description", "Irrigation"));
        assertThat(made.statusCode()).isEqualTo(201);
        Matcher key = Pattern.compile("<code class=\"secret\">([^<]+)</code>").matcher(made.body());
        assertThat(key.find()).as(made.body()).isTrue();
        assertThat(admin.get("/ops/admin/keys").body()).contains("data-client=\"ap-scada-" + suffix + "\"").doesNotContain(key.group(1));

        Api machine = operator.anonymous();
        assertThat(machine.get("/ngsi-ld/v1/types").header("X-API-Key", key.group(1)).send().status()).isEqualTo(200);
        assertThat(admin.post("/ops/admin/keys/ap-scada-" + suffix + "/access", Map.of("_csrf", csrf, "disabled", "yes")).statusCode())
                .isEqualTo(303);
        assertThat(machine.get("/ngsi-ld/v1/types").header("X-API-Key", key.group(1)).send().status()).isEqualTo(401);
    }

    @Test
    void anOperatorRoutesACategorySetsAHolidayAndRemovesADevice() {
        operator.put("/admin/v1/departments/" + department, "{\"name\": \"Parks\"}").send();
        Api.Response category = operator.put("/cases/v1/categories/ap" + suffix.replace("-", ""), """
                {"name": "Fallen tree", "kind": "event", "limits": {"normal": {"dispatched": 4}}}""").send();
        assertThat(category.status()).as(category.toString()).isIn(200, 201);
        WebClient root = signedIn("ap-root-" + suffix, "operator", "");
        String cases = root.get("/ops/admin/cases").body();
        assertThat(cases).contains("Fallen tree").contains("Dispatched 4 h");
        String csrf = WebClient.csrf(cases);
        String code = "ap" + suffix.replace("-", "");
        HttpResponse<String> noLead = root.post("/ops/admin/routing", Map.of("_csrf", csrf, "category", code, "district", "Xihu", "lead", ""));
        assertThat(noLead.statusCode()).isEqualTo(400);
        assertThat(noLead.body()).contains("id=\"lead-error\"").contains("value=\"Xihu\"");
        assertThat(root.post("/ops/admin/routing", Map.of("_csrf", csrf, "category", code, "district", "Xihu", "lead", department))
                .statusCode()).isEqualTo(303);
        Api.Response routing = operator.get("/cases/v1/routing").send();
        assertThat(routing.body()).contains("\"" + code + "\"").contains("\"Xihu\"").contains("\"" + department + "\"");

        HttpResponse<String> day = root.post("/ops/admin/calendar", Map.of("_csrf", csrf, "day", "2031-10-01", "kind", "holiday"));
        assertThat(day.statusCode()).isEqualTo(303);
        assertThat(root.get("/ops/admin/calendar?year=2031").body()).contains("2031-10-01").contains("Public holiday");
        assertThat(operator.get("/cases/v1/calendar/2031").send().body()).contains("2031-10-01");
        HttpResponse<String> noDay = root.post("/ops/admin/calendar", Map.of("_csrf", csrf, "day", "tomorrow", "kind", "holiday"));
        assertThat(noDay.statusCode()).isEqualTo(400);
        assertThat(noDay.body()).contains("id=\"day-error\"");
        root.post("/ops/admin/calendar", Map.of("_csrf", csrf, "day", "2031-10-01", "kind", "ordinary"));
        assertThat(operator.get("/cases/v1/calendar/2031").send().body()).doesNotContain("2031-10-01");

        // Device ids sort first: the page lists devices in order of their ids, a hundred at a time.
        String apiKey = "apkey" + suffix.replace("-", "");
        assertThat(operator.post("/iot/services", "{\"services\": [{\"apikey\": \"" + apiKey + "\", \"entity_type\": \"Gauge\"}]}")
                .send().status()).isEqualTo(201);
        String device = "0000-ap-" + suffix;
        assertThat(operator.post("/iot/devices", "{\"devices\": [{\"device_id\": \"" + device + "\", \"apikey\": \"" + apiKey + "\"}]}")
                .send().status()).isEqualTo(201);
        String listed = root.get("/ops/admin/devices").body();
        assertThat(listed).contains("data-device=\"" + device + "\"");
        assertThat(root.post("/ops/admin/devices/" + device + "/deletion", Map.of("_csrf", csrf)).statusCode()).isEqualTo(303);
        assertThat(operator.get("/iot/devices/" + device).send().status()).isEqualTo(404);
    }
}
