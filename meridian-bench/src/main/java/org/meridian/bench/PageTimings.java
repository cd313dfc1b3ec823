package org.meridian.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages as a person meets them, timed in a real headless Chromium (Debian's chromium and chromium-driver) against a
 * running node: each page's first render (Navigation Timing: response, DOM ready, load; for the map, until its layers
 * are drawn), ten loads each after a warm-up; then the map dragged around the city twenty times with every layer on,
 * counting the frames that took longer than 50 ms (stalls) and timing the layer reads it made. Run:
 * {@code bench/run pages [sensors]} (starts a demo city of that many sensors).
 */
final class PageTimings {
    private static final int LOADS = 10;

    private final String base;
    private final ChromeDriver driver;

    private PageTimings(String base, ChromeDriver driver) {
        this.base = base;
        this.driver = driver;
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        Path profile = Files.createTempDirectory("meridian-bench-chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1600,1000", "--lang=zh-CN");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            new PageTimings(base, driver).run(args[1], args[2]);
        } finally {
            driver.quit();
        }
    }

    private void run(String user, String password) {
        driver.get(base + "/sign-in");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form.form button[type=submit]")).click();
        driver.get(base + "/ops/cases");
        List<WebElement> cards = driver.findElements(By.cssSelector("a.case-card"));
        String oneCase = cards.isEmpty() ? null : cards.getFirst().getAttribute("href").replace(base, "");
        System.out.printf("%-28s %22s %22s %22s%n", "page (" + LOADS + " loads)", "response p50/max ms", "DOM ready p50/max ms",
                "drawn p50/max ms");
        for (String page : new String[] {"/portal", "/portal/report?category=pothole", "/portal/nearby?latitude=30.27&longitude=120.15",
                "/ops/cases", oneCase, "/ops/indicators", "/ops/data", "/ops"}) {
            if (page != null) {
                time(page);
            }
        }
        pan();
    }

    private void time(String page) {
        boolean map = page.equals("/ops");
        driver.get(base + page);
        if (map) {
            drawn();
        }
        List<double[]> loads = new ArrayList<>();
        for (int i = 0; i < LOADS; i++) {
            driver.get(base + page);
            double drawnAt = map ? drawn() : Double.NaN;
            List<?> navigation = (List<?>) ((JavascriptExecutor) driver).executeScript("const n = performance.getEntriesByType('navigation')[0];"
                    + " return [n.responseEnd, n.domContentLoadedEventEnd, n.loadEventEnd];");
            double load = ((Number) navigation.get(2)).doubleValue();
            loads.add(new double[] {((Number) navigation.get(0)).doubleValue(), ((Number) navigation.get(1)).doubleValue(),
                    map ? drawnAt : load});
        }
        System.out.printf(Locale.ROOT, "%-28s %22s %22s %22s%n", page.length() > 28 ? page.substring(0, 28) : page, stat(loads, 0),
                stat(loads, 1), stat(loads, 2));
    }

    /** Waits until every layer the map shows is drawn; the moment since the navigation began, in ms. */
    private double drawn() {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return Array.from(document.querySelectorAll('.layer-toggle:checked')).every(t =>"
                        + " document.getElementById('count-' + t.value).hasAttribute('data-drawn'));")));
        return ((Number) ((JavascriptExecutor) driver).executeScript("return performance.now();")).doubleValue();
    }

    /** The map dragged with no layer on (what the map itself and the browser cost), then with every layer on. */
    private void pan() {
        driver.get(base + "/ops");
        drawn();
        for (boolean on : new boolean[] {false, true}) {
            for (WebElement toggle : driver.findElements(By.cssSelector(".layer-toggle"))) {
                if (toggle.isSelected() != on) {
                    toggle.click();
                }
            }
            drawn();
            drag(on ? "every layer on" : "no layer on (the districts and roads only)");
        }
    }

    private void drag(String layers) {
        JavascriptExecutor js = driver;
        js.executeScript("performance.clearResourceTimings(); window.__frames = []; let last = performance.now();"
                + " (function frame(now) { window.__frames.push(now - last); last = now; if (!window.__stop) requestAnimationFrame(frame); })"
                + "(performance.now());");
        WebElement map = driver.findElement(By.id("city-map"));
        Actions actions = new Actions(driver);
        int[][] moves = {{200, 0}, {0, 150}, {-200, 0}, {0, -150}};
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            int[] move = moves[i % moves.length];
            actions.moveToElement(map).clickAndHold().moveByOffset(move[0] / 4, move[1] / 4).moveByOffset(move[0] / 4, move[1] / 4)
                    .moveByOffset(move[0] / 4, move[1] / 4).moveByOffset(move[0] / 4, move[1] / 4).release().perform();
            if (i == 9) {
                js.executeScript("document.querySelector('.leaflet-control-zoom-in').click();");
            }
            sleep(400);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<?> frames = (List<?>) js.executeScript("window.__stop = true; return window.__frames;");
        double[] gaps = frames.stream().mapToDouble(f -> ((Number) f).doubleValue()).skip(1).sorted().toArray();
        long stalls = Arrays.stream(gaps).filter(gap -> gap > 50).count();
        List<?> reads = (List<?>) js.executeScript("return performance.getEntriesByType('resource')"
                + ".filter(r => r.name.includes('/ops/map/layer')).map(r => r.duration);");
        double[] durations = reads.stream().mapToDouble(r -> ((Number) r).doubleValue()).sorted().toArray();
        Object counts = js.executeScript("return Array.from(document.querySelectorAll('.layer-count')).map(c => c.id.substring(6) + '=' + c.textContent).join(' ');");
        js.executeScript("window.__stop = false;");
        System.out.printf(Locale.ROOT, "%nmap drag, 20 drags and a zoom in %.1f s, %s (%s)%n", seconds, layers, counts);
        System.out.printf(Locale.ROOT, "  frames %d, longest %.0f ms, p99 %.0f ms, frames over 50 ms (stalls): %d%n", gaps.length,
                gaps.length == 0 ? 0 : gaps[gaps.length - 1], percentile(gaps, 0.99), stalls);
        System.out.printf(Locale.ROOT, "  layer reads during it: %d, p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", durations.length,
                percentile(durations, 0.5), percentile(durations, 0.99), durations.length == 0 ? 0 : durations[durations.length - 1]);
    }

    private static String stat(List<double[]> loads, int column) {
        double[] values = loads.stream().mapToDouble(load -> load[column]).sorted().toArray();
        return String.format(Locale.ROOT, "%.0f / %.0f", percentile(values, 0.5), values[values.length - 1]);
    }

    private static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
