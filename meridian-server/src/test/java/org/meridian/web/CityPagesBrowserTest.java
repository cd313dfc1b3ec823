package org.meridian.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meridian.app.MeridianServer;
import org.meridian.sim.DemoCity;
import org.meridian.testing.Browser;
import org.meridian.testing.TestServer;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The pages in a real headless Chromium, as the people of the demo city use them: a citizen reports a pothole on the
 * portal (in Chinese, the default), the dispatcher signs in, sees the city on the map with live updates, registers and
 * dispatches the case, the transport bureau accepts and handles it, the dispatcher checks and closes it, the citizen
 * rates it with the follow code, and the satisfaction KPI on the operations centre changes. Screenshots of the main
 * pages go to target/screenshots.
 */
@Tag("slow")
class CityPagesBrowserTest {
    @TempDir
    Path data;

    @Test
    void aReportGoesFromTheCitizenThroughTheDepartmentsToARatingAndTheKpis() throws Exception {
        try (MeridianServer server = TestServer.startOwn(data, Map.of());
             DemoCity city = DemoCity.start(new DemoCity.Options(7, 60, 60, 1, "http://127.0.0.1:" + server.port(),
                     "tcp://127.0.0.1:" + server.mqttPort(), data, TestServer.demoDirectory(server)));
             Browser citizen = Browser.open("zh-CN", 420, 1000);
             Browser dispatcher = Browser.open("zh-CN", 1400, 900);
             Browser transport = Browser.open("en", 1280, 900)) {
            String base = "http://127.0.0.1:" + server.port();

            // The citizen reports, on a phone-sized window, in Chinese.
            WebDriver phone = citizen.driver();
            phone.get(base + "/portal");
            assertThat(phone.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("zh-CN");
            citizen.screenshot("portal");
            audit(citizen, "portal");
            phone.findElement(By.cssSelector("a.button.big")).click();
            new Select(phone.findElement(By.id("category"))).selectByValue("pothole");
            citizen.waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.id("answer-lane")));
            String description = "井盖旁路面塌陷 <script>alert(1)</script>";
            phone.findElement(By.id("description")).sendKeys(description);
            submit(phone, phone.findElement(By.cssSelector("form.form button[type=submit]")));
            // Without a place the form comes back with the reason next to the field, and what was typed kept.
            assertThat(phone.findElement(By.id("place-error")).getText()).contains("地图");
            assertThat(phone.findElement(By.id("description")).getAttribute("value")).isEqualTo(description);
            citizen.waiting(10).until(driver -> !driver.findElements(By.cssSelector("#picker .leaflet-interactive, #picker canvas")).isEmpty());
            phone.findElement(By.id("picker")).click();
            assertThat(phone.findElement(By.id("latitude")).getAttribute("value")).matches("30\\.\\d+");
            double latitude = Double.parseDouble(phone.findElement(By.id("latitude")).getAttribute("value"));
            double longitude = Double.parseDouble(phone.findElement(By.id("longitude")).getAttribute("value"));
            String reportedAt = "latitude=" + phone.findElement(By.id("latitude")).getAttribute("value") + "&longitude="
                    + phone.findElement(By.id("longitude")).getAttribute("value");
            new Select(phone.findElement(By.id("answer-lane"))).selectByIndex(1);
            phone.findElement(By.id("photo")).sendKeys(photo().toString());
            citizen.screenshot("report-form");
            audit(citizen, "report-form");
            phone.findElement(By.cssSelector("form.form button[type=submit]")).click();
            String number = citizen.waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.id("case-number"))).getText();
            String code = phone.findElement(By.id("follow-code")).getText();
            assertThat(number).matches("\\d{8}-\\d{6}");
            assertThat(code).matches("[0-9A-Z]{5}-[0-9A-Z]{5}");
            citizen.screenshot("report-received");
            audit(citizen, "report-received");

            // The dispatcher signs in on the way to the operations centre and sees the city, updating live.
            WebDriver desk = dispatcher.driver();
            desk.get(base + "/ops");
            assertThat(desk.getCurrentUrl()).contains("/sign-in");
            audit(dispatcher, "sign-in");
            signIn(desk, "dispatcher");
            dispatcher.waiting(20).until(driver -> number(driver, "count-AirQualityObserved") > 0);
            int drawn = drawn(desk, "count-AirQualityObserved");
            dispatcher.waiting(30).until(driver -> drawn(driver, "count-AirQualityObserved") > drawn);
            String satisfactionBefore = desk.findElement(By.cssSelector("[data-kpi=satisfactionRate] .figure")).getText();
            dispatcher.screenshot("ops-map");
            audit(dispatcher, "ops-map");
            // A sensor's dot on the map, clicked, opens its page (the dots are drawn on a canvas: where one is comes from
            // the map's own projection of a point its layer read returned).
            Object clicked = ((org.openqa.selenium.JavascriptExecutor) desk).executeAsyncScript(
                    "var done = arguments[arguments.length - 1]; var e = document.getElementById('city-map'); var m = e.meridianMap;"
                    + " var b = m.getBounds(); fetch('/ops/map/layer?type=FloodMonitoring&zoom=' + Math.round(m.getZoom()) + '&bbox='"
                    + " + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].join(',')).then(r => r.json()).then(d => {"
                    + " var p = m.latLngToContainerPoint([d.points[0].lat, d.points[0].lon]); var s = m.getSize();"
                    + " done([Math.round(p.x - s.x / 2), Math.round(p.y - s.y / 2)]); }).catch(x => done(String(x)));");
            assertThat(clicked).as("a water level sensor in view").isInstanceOf(java.util.List.class);
            java.util.List<?> offset = (java.util.List<?>) clicked;
            int dx = ((Number) offset.get(0)).intValue();
            int dy = ((Number) offset.get(1)).intValue();
            // The dot is painted there: by the map's worker, and by the page itself in a browser that cannot paint in one.
            dispatcher.waiting(10).until(driver -> dotPainted(driver, dx, dy));
            assertThat(desk.findElement(By.cssSelector("canvas.dot-layer")).getAttribute("data-painter")).isEqualTo("worker");
            var painterless = dispatcher.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                    Map.of("source", "delete window.OffscreenCanvas;"));
            desk.navigate().refresh();
            dispatcher.waiting(20).until(driver -> dotPainted(driver, dx, dy));
            assertThat(((org.openqa.selenium.JavascriptExecutor) desk).executeScript("return typeof OffscreenCanvas;")).isEqualTo("undefined");
            assertThat(desk.findElement(By.cssSelector("canvas.dot-layer")).getAttribute("data-painter")).isEqualTo("page");
            dispatcher.driver().executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", painterless.get("identifier")));
            new org.openqa.selenium.interactions.Actions(desk).moveToElement(desk.findElement(By.id("city-map")),
                    ((Number) offset.get(0)).intValue(), ((Number) offset.get(1)).intValue()).click().perform();
            dispatcher.waiting(10).until(driver -> driver.getCurrentUrl().contains("/ops/entities/")
                    || driver.getCurrentUrl().contains("/ops/cases/"));
            desk.get(base + "/ops/entities/urn:ngsi-ld:AirQualityObserved:air-00001");
            assertThat(desk.findElement(By.id("history-chart")).isDisplayed()).as("the day's chart of a sensor").isTrue();
            dispatcher.screenshot("ops-entity");
            audit(dispatcher, "ops-entity");
            desk.get(base + "/ops/indicators");
            assertThat(desk.findElement(By.id("chart-pm25")).isDisplayed()).as("the city's air over the last day").isTrue();
            assertThat(desk.findElements(By.cssSelector("#device-health tbody tr"))).isNotEmpty();
            dispatcher.screenshot("ops-indicators");
            audit(dispatcher, "ops-indicators");
            desk.get(base + "/ops/data");
            assertThat(desk.findElements(By.cssSelector("#catalogue tbody tr"))).hasSizeGreaterThan(5);
            dispatcher.screenshot("ops-data");
            audit(dispatcher, "ops-data");

            desk.get(base + "/ops/cases");
            submit(desk, desk.findElement(By.cssSelector("a.case-card[data-case='" + number + "']")));
            assertThat(desk.findElement(By.cssSelector(".description")).getText()).as("text shown as typed, never run")
                    .isEqualTo(description);
            act(desk, "register", Map.of());
            act(desk, "dispatch", Map.of("lead", "transport"));
            assertThat(desk.findElement(By.id("case-state")).getText()).isEqualTo("已派遣");
            assertThat(desk.findElements(By.cssSelector("form[data-action=accept]"))).as("only the department accepts").isEmpty();
            dispatcher.screenshot("ops-case");
            audit(dispatcher, "ops-case");
            // The case's place, drawn by the server, links to the city map opened close up there (the whole city is zoom 12).
            String caseUrl = desk.getCurrentUrl();
            submit(desk, desk.findElement(By.cssSelector(".place-map figcaption a")));
            dispatcher.waiting(20).until(driver -> ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                    "var m = document.getElementById('city-map').meridianMap; return m ? [m.getCenter().lat, m.getCenter().lng, m.getZoom()] : null;")
                    instanceof java.util.List<?> center && ((Number) center.get(2)).intValue() == 16 && Math.abs(((Number) center.get(0)).doubleValue() - latitude) < 1e-4
                    && Math.abs(((Number) center.get(1)).doubleValue() - longitude) < 1e-4);
            desk.get(caseUrl);

            // The transport bureau (in English) finds it on its workbench, accepts and handles it.
            WebDriver bureau = transport.driver();
            bureau.get(base + "/sign-in");
            signIn(bureau, "transport");
            bureau.get(base + "/ops/cases?show=mine");
            assertThat(bureau.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
            transport.screenshot("ops-workbench");
            audit(transport, "ops-workbench");
            submit(bureau, bureau.findElement(By.cssSelector("a.case-card[data-case='" + number + "']")));
            act(bureau, "accept", Map.of());
            act(bureau, "handle", Map.of("result", "Patched the road surface"));
            assertThat(bureau.findElement(By.id("case-state")).getText()).isEqualTo("Handled");

            desk.navigate().refresh();
            act(desk, "check", Map.of());
            act(desk, "close", Map.of());
            assertThat(desk.findElement(By.id("case-state")).getText()).isEqualTo("已结案");

            // The citizen follows the case by its number and rates it.
            phone.get(base + "/portal/cases/" + number);
            assertThat(phone.findElement(By.id("case-state")).getText()).isEqualTo("已结案");
            phone.findElement(By.cssSelector("input[name=satisfaction][value=satisfied]")).click();
            phone.findElement(By.cssSelector("input[name=solved][value=yes]")).click();
            submit(phone, phone.findElement(By.cssSelector("form[action$='/rating'] button[type=submit]")));
            assertThat(citizen.waiting(10).until(ExpectedConditions.presenceOfElementLocated(By.id("rated"))).getText()).contains("满意");
            citizen.screenshot("case-rated");
            audit(citizen, "case-rated");
            phone.get(base + "/portal/nearby?" + reportedAt);
            assertThat(phone.findElements(By.cssSelector("#nearby-reports li"))).isNotEmpty();
            audit(citizen, "portal-nearby");

            // A department administrator's other pages: its data requests and administration, audited too.
            for (String page : java.util.List.of("/ops/data/requests", "/ops/admin/people", "/ops/admin/keys", "/ops/admin/cases",
                    "/ops/admin/calendar", "/ops/admin/devices", "/ops/indicators")) {
                bureau.get(base + page);
                assertThat(bureau.findElement(By.tagName("h1")).getText()).as(page).isNotBlank();
                audit(transport, page);
            }
            bureau.get(base + "/ops/admin/people");
            transport.screenshot("ops-admin");

            desk.get(base + "/ops");
            String satisfactionAfter = desk.findElement(By.cssSelector("[data-kpi=satisfactionRate] .figure")).getText();
            assertThat(satisfactionBefore).isEqualTo("—");
            assertThat(satisfactionAfter).isEqualTo("100%");
            assertThat(problems).as("WCAG 2.1 A/AA problems axe-core finds on the main pages").isEmpty();
        }
    }

    /** What the accessibility audit found, page by page (checked at the end, all at once). */
    private final Map<String, java.util.List<String>> problems = new java.util.LinkedHashMap<>();

    private void audit(Browser browser, String page) throws java.io.IOException {
        java.util.List<String> found = browser.accessibilityProblems();
        if (!found.isEmpty()) {
            problems.put(page, found);
        }
    }

    private static void signIn(WebDriver driver, String username) {
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(org.meridian.app.DemoDirectory.PASSWORD);
        driver.findElement(By.cssSelector("form.form button[type=submit]")).click();
        // The click does not wait for the sign-in's redirect: a navigation started before it lands would lose to it.
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(10))
                .until(d -> !d.getCurrentUrl().contains("/sign-in"));
    }

    /** Opens the action's form on the case page, fills it and sends it. */
    private static void act(WebDriver driver, String action, Map<String, String> fields) {
        WebElement form = driver.findElement(By.cssSelector("form[data-action='" + action + "']"));
        WebElement details = form.findElement(By.xpath(".."));
        if (details.getAttribute("open") == null) {
            details.findElement(By.tagName("summary")).click();
        }
        fields.forEach((name, value) -> {
            WebElement field = form.findElement(By.name(name));
            if (field.getTagName().equals("select")) {
                new Select(field).selectByValue(value);
            } else {
                field.sendKeys(value);
            }
        });
        submit(driver, form.findElement(By.cssSelector("button[type=submit]")));
    }

    /**
     * Clicks a form's button (or a link) and waits for the next page: the old document is marked, and the wait ends once a loaded
     * document without the mark is there (asking the old form whether it is stale races the navigation in Chromium).
     */
    private static void submit(WebDriver driver, WebElement button) {
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("document.documentElement.dataset.leaving = 'yes'");
        button.click();
        new org.openqa.selenium.support.ui.WebDriverWait(driver, java.time.Duration.ofSeconds(10))
                .ignoring(org.openqa.selenium.WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                        "return document.readyState === 'complete' && !document.documentElement.dataset.leaving")));
    }

    /**
     * Whether a water level sensor's dot is painted at this offset from the map's centre: the pixel there has one of the
     * colours of a graded sensor (painted at 95 % over the map, so within a few steps of it). The districts' blue is
     * not one of them; the roads' grey is near the grey of a silent sensor, but the demo's sensors are not silent here.
     */
    private static boolean dotPainted(WebDriver driver, int dx, int dy) {
        try {
            WebElement map = driver.findElement(By.id("city-map"));
            BufferedImage shot = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    map.getScreenshotAs(org.openqa.selenium.OutputType.BYTES)));
            int rgb = shot.getRGB(shot.getWidth() / 2 + dx, shot.getHeight() / 2 + dy);
            return java.util.stream.IntStream.of(0x1a7f37, 0xbf8700, 0xd1242f, 0x82071e, 0x8c959f).anyMatch(colour ->
                    Math.abs((rgb >> 16 & 0xff) - (colour >> 16 & 0xff)) <= 24 && Math.abs((rgb >> 8 & 0xff) - (colour >> 8 & 0xff)) <= 24
                            && Math.abs((rgb & 0xff) - (colour & 0xff)) <= 24);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static int number(WebDriver driver, String id) {
        String text = driver.findElement(By.id(id)).getText().strip();
        return text.isEmpty() ? 0 : Integer.parseInt(text);
    }

    private static int drawn(WebDriver driver, String id) {
        String drawn = driver.findElement(By.id(id)).getAttribute("data-drawn");
        return drawn == null ? 0 : Integer.parseInt(drawn);
    }

    /** A small PNG, as a phone's photo of the pothole. */
    private Path photo() throws java.io.IOException {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = image.createGraphics();
        graphics.setColor(java.awt.Color.DARK_GRAY);
        graphics.fillRect(0, 0, 320, 240);
        graphics.setColor(java.awt.Color.BLACK);
        graphics.fillOval(100, 80, 120, 80);
        graphics.dispose();
        Path file = data.resolve("pothole.png");
        javax.imageio.ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
