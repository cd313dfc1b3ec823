package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * Signing in at the pages, over HTTP as a browser does it: the session cookie's flags, the way back after signing in
 * (never to another site), CSRF tokens and Origin on every change the cookie carries, the cookie and the bearer token
 * kept apart, signing out, the language switch, and the pages' security headers.
 */
class BrowserSessionTest {
    private final Api operator = TestServer.api();

    /** A dispatcher of the default tenant (the tenant the pages serve). */
    private String dispatcher() {
        String name = "web-dispatcher-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Api.Response made = operator.post("/admin/v1/users", "{\"username\": \"" + name + "\", \"password\": \"a-test-password-1\", "
                + "\"roles\": [{\"department\": \"\", \"role\": \"dispatcher\"}]}").send();
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        return name;
    }

    private WebClient browser() {
        return new WebClient(operator.base(), "zh-CN,zh;q=0.9");
    }

    @Test
    void signingInSetsASafeCookieAndComesBackOnlyToThisSite() {
        String name = dispatcher();
        WebClient browser = browser();
        HttpResponse<String> away = browser.get("/ops/cases");
        assertThat(away.statusCode()).isEqualTo(303);
        assertThat(away.headers().firstValue("Location")).hasValue("/sign-in?next=%2Fops%2Fcases");

        HttpResponse<String> forged = browser.post("/sign-in", Map.of("username", name, "password", "a-test-password-1"));
        assertThat(forged.statusCode()).as("a sign-in form not of this site's page").isEqualTo(400);
        assertThat(forged.headers().allValues("Set-Cookie")).noneMatch(cookie -> cookie.startsWith("meridian_session="));
        HttpResponse<String> wrong = browser.signIn(Map.of("username", name, "password", "not-it", "next", "/ops/cases"));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("用户名或密码不正确").contains("value=\"" + name + "\"").contains("aria-invalid=\"true\"");

        HttpResponse<String> in = browser.signIn(Map.of("username", name, "password", "a-test-password-1", "next",
                "//evil.example/x"));
        assertThat(in.statusCode()).isEqualTo(303);
        assertThat(in.headers().firstValue("Location")).as("another site is never where sign-in leads").hasValue("/ops");
        String setCookie = in.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("meridian_session=")).findFirst()
                .orElseThrow();
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Lax").contains("Path=/");

        HttpResponse<String> board = browser.get("/ops/cases");
        assertThat(board.statusCode()).isEqualTo(200);
        assertThat(board.body()).contains("<html lang=\"zh-CN\">").contains(name);
        assertThat(board.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(board.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void aChangeCarriedByTheCookieNeedsThePagesTokenAndOrigin() {
        String name = dispatcher();
        WebClient browser = browser();
        browser.signIn(Map.of("username", name, "password", "a-test-password-1"));
        String csrf = WebClient.csrf(browser.get("/ops/cases").body());

        HttpResponse<String> forged = browser.post("/sign-out", Map.of());
        assertThat(forged.statusCode()).as("no token: another site's form").isEqualTo(403);
        assertThat(forged.body()).contains("CSRF");
        HttpResponse<String> elsewhere = browser.post("/sign-out", Map.of("_csrf", csrf), Map.of("Origin", "https://evil.example"));
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        HttpResponse<String> guessed = browser.post("/sign-out", Map.of("_csrf", csrf.substring(1) + "A"));
        assertThat(guessed.statusCode()).isEqualTo(403);
        assertThat(browser.get("/ops/cases").statusCode()).as("still signed in: none of those got through").isEqualTo(200);

        // Scripts send the token as a header.
        HttpResponse<String> out = browser.post("/sign-out", Map.of(), Map.of("X-CSRF-Token", csrf));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(browser.get("/ops/cases").statusCode()).as("signed out").isEqualTo(303);
    }

    @Test
    void theCookieIsNotABearerTokenNorABearerTokenACookie() {
        String name = dispatcher();
        WebClient browser = browser();
        browser.signIn(Map.of("username", name, "password", "a-test-password-1"));
        String cookie = browser.cookies().getCookieStore().getCookies().stream().filter(c -> c.getName().equals("meridian_session"))
                .map(HttpCookie::getValue).findFirst().orElseThrow();
        Api.Response asBearer = operator.anonymous().get("/cases/v1/cases").header("Authorization", "Bearer " + cookie).send();
        assertThat(asBearer.status()).isEqualTo(401);

        String bearer = operator.as(name, "a-test-password-1").authorization().substring("Bearer ".length());
        WebClient other = browser();
        HttpResponse<String> withBearerCookie = other.get("/ops/cases", Map.of("Cookie", "meridian_session=" + bearer));
        assertThat(withBearerCookie.statusCode()).as("an access token in the cookie is not a sign-in").isEqualTo(303);
    }

    @Test
    void aFormSentAfterTheSignInEndedIsKeptThroughSigningInAgainAndSentThen() {
        Api.Response category = operator.put("/cases/v1/categories/web-session-test", "{\"name\": \"Test\", \"kind\": \"event\", "
                + "\"parent\": \"city\", \"public\": true, \"limits\": {}}").send();
        assertThat(category.status()).as(category.toString()).isIn(200, 201);
        Api.Response reported = operator.post("/cases/v1/cases", "{\"category\": \"web-session-test\", \"description\": \"x\", "
                + "\"location\": {\"type\": \"Point\", \"coordinates\": [120.1, 30.2]}}").send();
        String number = reported.json().path("id").asText();
        String name = dispatcher();
        WebClient browser = browser();
        browser.signIn(Map.of("username", name, "password", "a-test-password-1"));
        String csrf = WebClient.csrf(browser.get("/ops/cases/" + number).body());
        // The sign-in ends (here: signed out elsewhere, as an expiry would), and a long note is sent after it.
        browser.post("/sign-out", Map.of("_csrf", csrf));
        String note = "巡查发现 <b>井盖</b> 已更换 & checked twice";
        HttpResponse<String> ended = browser.post("/ops/cases/" + number + "/actions", Map.of("_csrf", csrf, "action", "note", "text", note));
        assertThat(ended.statusCode()).isEqualTo(401);
        assertThat(ended.body()).contains("id=\"draft-kept\"").contains("name=\"draft.text\"")
                .contains("value=\"巡查发现 &lt;b").contains("已更换 &amp; checked twice\"").doesNotContain("value=\"巡查发现 <b")
                .doesNotContain("draft._csrf");
        HttpResponse<String> again = browser.signIn(Map.of("username", name, "password", "a-test-password-1",
                "resubmit", "/ops/cases/" + number + "/actions", "draft.action", "note", "draft.text", note));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("action=\"/ops/cases/" + number + "/actions\"").contains("巡查发现 &lt;b").doesNotContain("<b>井盖");
        String fresh = WebClient.csrf(again.body());
        assertThat(fresh).isNotEqualTo(csrf);
        HttpResponse<String> sent = browser.post("/ops/cases/" + number + "/actions", Map.of("_csrf", fresh, "action", "note", "text", note));
        assertThat(sent.statusCode()).isEqualTo(303);
        assertThat(operator.get("/cases/v1/cases/" + number).send().body()).contains("已更换 & checked twice");
    }

    @Test
    void theLanguageFollowsTheBrowserUntilTheSwitchChoosesAndStaysChosen() {
        WebClient english = new WebClient(operator.base(), "en-GB,en;q=0.9,zh;q=0.5");
        assertThat(english.get("/portal").body()).contains("<html lang=\"en\">").contains("Report a problem");
        WebClient chinese = new WebClient(operator.base(), "de-DE,de;q=0.9");
        assertThat(chinese.get("/portal").body()).as("Chinese when the browser names none of ours").contains("<html lang=\"zh-CN\">")
                .contains("我要反映问题");
        HttpResponse<String> switched = chinese.get("/language?to=en&back=%2Fportal%2Freport");
        assertThat(switched.statusCode()).isEqualTo(303);
        assertThat(switched.headers().firstValue("Location")).hasValue("/portal/report");
        assertThat(chinese.get("/portal").body()).contains("<html lang=\"en\">");
        assertThat(chinese.get("/language?to=zh-CN&back=https%3A%2F%2Fevil.example").headers().firstValue("Location")).hasValue("/ops");
        assertThat(chinese.get("/language?to=fr").statusCode()).isEqualTo(400);
    }
}
