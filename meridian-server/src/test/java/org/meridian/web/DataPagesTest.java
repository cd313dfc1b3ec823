package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Governed sharing as a department meets it in the operations centre: the catalogue says what it may read, a request is
 * filed from the page, the owner decides it on theirs, the reader's access follows, and the auditor sees it all in the
 * ledger, whose chain the page verifies.
 */
class DataPagesTest {
    private final Api operator = TestServer.api();
    private final String suffix = UUID.randomUUID().toString().substring(0, 6);
    private final String owner = "dp-owner-" + suffix;
    private final String reader = "dp-reader-" + suffix;
    private final String type = "DpGauge" + suffix.replace("-", "");
    private final String entity = "urn:ngsi-ld:" + type + ":one";

    private WebClient signedIn(String role, String department) {
        return WebClient.signedIn(operator, "", role, department);
    }

    private void city() {
        operator.put("/admin/v1/departments/" + owner, "{\"name\": \"Gauge owners\"}").send();
        operator.put("/admin/v1/departments/" + reader, "{\"name\": \"Gauge readers\"}").send();
        Api.Response created = operator.post("/ngsi-ld/v1/entities", """
                {"id": "%s", "type": "%s", "level": {"type": "Property", "value": 3.5},
                 "secretNote": {"type": "Property", "value": "owner only"}}""".formatted(entity, type)).send();
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Api.Response dataset = operator.put("/sharing/v1/datasets/" + type, "{\"owner\": \"" + owner + "\", \"title\": \"Gauges\"}").send();
        assertThat(dataset.status()).as(dataset.toString()).isIn(200, 201);
    }

    private static String row(String page, String type) {
        int start = page.indexOf("data-dataset=\"" + type + "\"");
        assertThat(start).as("the catalogue lists " + type).isPositive();
        return page.substring(start, page.indexOf("</tr>", start));
    }

    @Test
    void aRequestFiledOnThePageIsDecidedByTheOwnerAndTheReadersAccessFollows() {
        city();
        WebClient readerStaff = signedIn("staff", reader);
        WebClient ownerAdmin = signedIn("department-admin", owner);

        String before = row(readerStaff.get("/ops/data").body(), type);
        assertThat(before).contains("No access").contains("level").contains("/ops/data/requests/new?type=" + type);
        assertThat(readerStaff.get("/ops/entities/" + entity).statusCode()).isEqualTo(404);

        // The form: a reason is needed, and what was typed comes back with the error next to its field.
        HttpResponse<String> form = readerStaff.get("/ops/data/requests/new?type=" + type);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("value=\"level\"").contains("value=\"secretNote\"");
        String csrf = WebClient.csrf(form.body());
        String until = LocalDate.now().plusDays(30).toString();
        HttpResponse<String> empty = readerStaff.post("/ops/data/requests", Map.of("_csrf", csrf, "type", type, "department", reader,
                "attributes", "level", "purpose", " ", "until", until));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("id=\"purpose-error\"").contains("Say what the data is for").contains("value=\"" + until + "\"");
        HttpResponse<String> past = readerStaff.post("/ops/data/requests", Map.of("_csrf", csrf, "type", type, "department", reader,
                "purpose", "x", "until", "2001-01-01"));
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(past.body()).contains("id=\"until-error\"");

        HttpResponse<String> filed = readerStaff.post("/ops/data/requests", Map.of("_csrf", csrf, "type", type, "department", reader,
                "attributes", "level", "purpose", "<b>flood</b> forecasts", "until", until));
        assertThat(filed.statusCode()).as(filed.body()).isEqualTo(303);
        assertThat(row(readerStaff.get("/ops/data").body(), type)).contains("Requested, awaiting decision");

        // The owner's page: the request to decide, its purpose escaped.
        String ownerPage = ownerAdmin.get("/ops/data/requests").body();
        Matcher request = Pattern.compile("id=\"request-([0-9a-f-]{36})\"").matcher(ownerPage);
        assertThat(request.find()).as(ownerPage).isTrue();
        String id = request.group(1);
        assertThat(ownerPage).contains("&lt;b&gt;flood&lt;/b&gt; forecasts").doesNotContain("<b>flood</b>");
        String ownerCsrf = WebClient.csrf(ownerPage);

        // The reader may not decide its own request; a refusal needs a reason.
        HttpResponse<String> self = readerStaff.post("/ops/data/requests/" + id + "/decision",
                Map.of("_csrf", WebClient.csrf(readerStaff.get("/ops/data/requests").body()), "decision", "grant"));
        assertThat(self.statusCode()).isEqualTo(403);
        HttpResponse<String> bare = ownerAdmin.post("/ops/data/requests/" + id + "/decision",
                Map.of("_csrf", ownerCsrf, "decision", "refuse", "reason", ""));
        assertThat(bare.statusCode()).isEqualTo(400);
        assertThat(bare.body()).contains("id=\"reason-error-" + id + "\"").contains("A refusal says why");

        HttpResponse<String> granted = ownerAdmin.post("/ops/data/requests/" + id + "/decision",
                Map.of("_csrf", ownerCsrf, "decision", "grant"));
        assertThat(granted.statusCode()).isEqualTo(303);
        assertThat(row(readerStaff.get("/ops/data").body(), type)).contains("Granted").contains("level");
        HttpResponse<String> shown = readerStaff.get("/ops/entities/" + entity);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.body()).contains(">level<").doesNotContain("secretNote");
        assertThat(readerStaff.get("/ops/data/requests").body()).contains("id=\"grants-held\"");

        // Revoked on the owner's page: the reader sees nothing again at once.
        String given = ownerAdmin.get("/ops/data/requests").body();
        Matcher grant = Pattern.compile("/ops/data/grants/([0-9a-f-]{36})/revocation").matcher(given);
        assertThat(grant.find()).isTrue();
        HttpResponse<String> revoked = ownerAdmin.post("/ops/data/grants/" + grant.group(1) + "/revocation", Map.of("_csrf", ownerCsrf));
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(readerStaff.get("/ops/entities/" + entity).statusCode()).isEqualTo(404);

        // The auditor reads the request, the grant and the revocation in the ledger and verifies the chain.
        WebClient auditor = signedIn("auditor", "");
        HttpResponse<String> ledger = auditor.get("/ops/data/ledger?verify=yes");
        assertThat(ledger.statusCode()).isEqualTo(200);
        assertThat(ledger.body()).contains("The chain is intact").contains("request " + id).contains("may no longer read");
        assertThat(readerStaff.get("/ops/data/ledger").statusCode()).isEqualTo(403);
    }
}
