package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * The citizen portal over HTTP: a report checked field by field with the reasons shown beside them and what was typed
 * kept (escaped), photos checked for what they are, a case number and follow code given, following with them from
 * another device, and a wrong code told apart from nothing.
 */
class PortalTest {
    private static final Pattern NUMBER = Pattern.compile("id=\"case-number\">([^<]+)<");
    private static final Pattern CODE = Pattern.compile("id=\"follow-code\">([^<]+)<");
    private static final Api OPERATOR = TestServer.api();

    @BeforeAll
    static void aPublicCategory() {
        Api.Response category = OPERATOR.put("/cases/v1/categories/portal-bench", """
                {"name": "长椅损坏 Broken bench", "kind": "component", "parent": "public-facilities", "public": true,
                 "limits": {"normal": {"dispatched": 2}},
                 "questions": [{"code": "seats", "datatype": "number", "required": true, "description": "几个座位 How many seats", "order": 1}]}""")
                .send();
        assertThat(category.status()).as(category.toString()).isIn(200, 201);
    }

    private static WebClient citizen() {
        return new WebClient(OPERATOR.base(), "zh-CN");
    }

    @Test
    void aReportIsCheckedFieldByFieldAndWhatWasTypedIsKeptEscaped() {
        WebClient phone = citizen();
        String typed = "<img src=x onerror=alert(1)> 长椅断了";
        HttpResponse<String> refused = phone.postMultipart("/portal/report", Map.of("category", "portal-bench", "description", typed,
                "latitude", "91", "longitude", "120.1", "phone", "call me"), "photo", "bench.png", "image/png", "not a png".getBytes());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body())
                .contains("id=\"place-error\"").contains("id=\"phone-error\"").contains("id=\"photo-error\"")
                .contains("id=\"answer-seats-error\"")
                .as("what was typed comes back, escaped").contains("&lt;img src=x onerror=alert(1)&gt; 长椅断了")
                .doesNotContain("<img src=x");
        HttpResponse<String> noCategory = phone.postMultipart("/portal/report", Map.of("category", "no-such-thing", "description", "x",
                "latitude", "30.2", "longitude", "120.1"), null, null, null, null);
        assertThat(noCategory.body()).contains("id=\"category-error\"");
    }

    @Test
    void aReporterFollowsTheirCaseWithItsNumberAndCodeFromAnyDevice() {
        WebClient phone = citizen();
        HttpResponse<String> received = phone.postMultipart("/portal/report", Map.of("category", "portal-bench", "description",
                "The bench at the bus stop is broken", "latitude", "30.27", "longitude", "120.15", "answer.seats", "3"), "photo",
                "bench.png", "image/png", png());
        assertThat(received.statusCode()).as(received.body()).isEqualTo(200);
        String number = find(NUMBER, received.body());
        String code = find(CODE, received.body());
        String followed = phone.get("/portal/cases/" + number).body();
        assertThat(followed).contains("id=\"case-state\">已受理").contains("The bench at the bus stop");
        Matcher photo = Pattern.compile("src=\"(/portal/cases/" + number + "/photos/[^\"]+)\"").matcher(followed);
        assertThat(photo.find()).as("the reporter sees their photo").isTrue();
        HttpResponse<String> thumbnail = phone.get(photo.group(1));
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(thumbnail.headers().firstValue("Content-Type")).as("thumbnails are JPEG").hasValue("image/jpeg");
        assertThat(citizen().get(photo.group(1)).statusCode()).as("not to a browser without the code").isEqualTo(404);

        WebClient laptop = citizen();
        assertThat(laptop.get("/portal/cases/" + number).body()).as("another device is asked for the code")
                .doesNotContain("id=\"case-state\"").contains("name=\"code\"");
        HttpResponse<String> wrong = laptop.post("/portal/track", Map.of("number", number, "code", "ZZZZZ-ZZZZZ"));
        assertThat(wrong.statusCode()).isEqualTo(404);
        assertThat(wrong.body()).contains("工单号或查询码不正确");
        HttpResponse<String> right = laptop.post("/portal/track", Map.of("number", number, "code", code.toLowerCase().replace("-", " ")));
        assertThat(right.statusCode()).isEqualTo(303);
        assertThat(laptop.get("/portal/cases/" + number).body()).contains("id=\"case-state\"");
        // Not closed yet: nothing to rate, and a rating sent anyway is refused.
        assertThat(laptop.get("/portal/cases/" + number).body()).doesNotContain("/rating");
        assertThat(laptop.post("/portal/cases/" + number + "/rating", Map.of("satisfaction", "satisfied")).statusCode()).isEqualTo(409);
        // The case API shows who reported it as the pseudonym of the code, never the code.
        Api.Response seen = OPERATOR.get("/cases/v1/cases/" + number).send();
        assertThat(seen.body()).doesNotContain(code.replace("-", "")).contains("citizen:");
    }

    private static String find(Pattern pattern, String page) {
        Matcher matcher = pattern.matcher(page);
        assertThat(matcher.find()).as(page).isTrue();
        return matcher.group(1);
    }

    private static byte[] png() {
        try {
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCitizenSeesThePublicReportsNearAPlaceTheNearestFirst() {
        WebClient phone = citizen();
        // Far to the south-west of the rest of the tests' reports: only these two are near.
        String near = number(phone.postMultipart("/portal/report", Map.of("category", "portal-bench", "description", "Bench <b>near</b> the lake",
                "latitude", "29.50100", "longitude", "119.50100", "answer.seats", "2"), null, null, null, null));
        String nearer = number(phone.postMultipart("/portal/report", Map.of("category", "portal-bench", "description", "Bench at the gate",
                "latitude", "29.50010", "longitude", "119.50010", "answer.seats", "4"), null, null, null, null));
        String far = number(phone.postMultipart("/portal/report", Map.of("category", "portal-bench", "description", "Bench far away",
                "latitude", "29.53000", "longitude", "119.50000", "answer.seats", "4"), null, null, null, null));

        HttpResponse<String> page = phone.get("/portal/nearby?latitude=29.5&longitude=119.5");
        assertThat(page.statusCode()).isEqualTo(200);
        String listed = page.body();
        assertThat(listed).contains("一公里内共 2 件").contains("Bench at the gate").contains("Bench &lt;b&gt;near&lt;/b&gt; the lake")
                .doesNotContain("Bench far away").doesNotContain(far);
        assertThat(listed.indexOf("Bench at the gate")).as("the nearest first").isLessThan(listed.indexOf("Bench &lt;b&gt;near"));
        assertThat(listed).contains("data-lat=\"29.5001\"").contains("距离 15 米");
        assertThat(near).isNotEqualTo(nearer);

        HttpResponse<String> nowhere = phone.get("/portal/nearby?latitude=north&longitude=120");
        assertThat(nowhere.statusCode()).isEqualTo(400);
        assertThat(nowhere.body()).contains("id=\"place-error\"").contains("value=\"north\"");
        assertThat(phone.get("/portal/nearby").statusCode()).isEqualTo(200);
    }

    @Test
    void theOpenDataPageListsWhatIsPublishedAndNothingElse() {
        OPERATOR.put("/admin/v1/departments/parks", "{\"name\": \"Parks bureau\"}").send();
        assertThat(OPERATOR.put("/sharing/v1/datasets/PortalBenchStatus", """
                {"owner": "parks", "title": "Benches <i>and</i> seats", "published": true, "updateFrequency": "daily"}""").send().status())
                .isIn(200, 201);
        assertThat(OPERATOR.put("/sharing/v1/datasets/PortalBenchRepairs", """
                {"owner": "parks", "title": "Bench repairs (internal)", "published": false}""").send().status()).isIn(200, 201);
        HttpResponse<String> page = citizen().get("/portal/open-data");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-dataset=\"PortalBenchStatus\"").contains("Benches &lt;i&gt;and&lt;/i&gt; seats")
                .contains("Parks bureau").contains("/open/v1/datasets/PortalBenchStatus/entities")
                .doesNotContain("Bench repairs (internal)");
    }

    private static String number(HttpResponse<String> receipt) {
        java.util.regex.Matcher number = NUMBER.matcher(receipt.body());
        assertThat(number.find()).as(receipt.body()).isTrue();
        return number.group(1);
    }

}
