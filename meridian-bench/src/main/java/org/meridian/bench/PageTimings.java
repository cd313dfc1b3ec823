package org.meridian.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * counting the frames that took longer than 50 ms (stalls), the page's long tasks, the layer reads it made, the
 * server's collector pauses and who used the cores. Run: {@code bench/run pages [sensors]} (starts a demo city of that
 * many sensors). MERIDIAN_BENCH_PAGES=drag drags the map only; MERIDIAN_BENCH_PAGES_PROFILE=1 also prints where the
 * page's main thread spent the drag with every layer on (Chromium's sampling profiler, by function).
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
        if ("drag".equals(System.getenv("MERIDIAN_BENCH_PAGES"))) {
            pan();
            return;
        }
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
            boolean profile = on && "1".equals(System.getenv("MERIDIAN_BENCH_PAGES_PROFILE"));
            if (profile) {
                driver.executeCdpCommand("Profiler.enable", Map.of());
                driver.executeCdpCommand("Profiler.setSamplingInterval", Map.of("interval", 1000));
                driver.executeCdpCommand("Profiler.start", Map.of());
            }
            drag(on ? "every layer on" : "no layer on (the districts and roads only)");
            if (profile) {
                printProfile((Map<?, ?>) driver.executeCdpCommand("Profiler.stop", Map.of()).get("profile"));
            }
        }
    }

    private void drag(String layers) {
        JavascriptExecutor js = driver;
        // Frames as [end, gap]; the page's long tasks (its own scripts, layout and painting on the main thread) as [start,
        // duration]: a stall that no long task overlaps was the browser kept from the cores, not the page's work.
        js.executeScript("performance.setResourceTimingBufferSize(10000); performance.clearResourceTimings(); window.__frames = []; window.__long = []; let last = performance.now();"
                + " window.__observer = new PerformanceObserver(list => list.getEntries().forEach(e => window.__long.push([e.startTime, e.duration])));"
                + " window.__observer.observe({type: 'longtask'});"
                + " (function frame(now) { window.__frames.push([now, now - last]); last = now; if (!window.__stop) requestAnimationFrame(frame); })"
                + "(performance.now());");
        WebElement map = driver.findElement(By.id("city-map"));
        CpuAccounting cpu = CpuAccounting.fromEnvironment().withBrowser();
        double[] collectorBefore = CollectorPauses.of(base);
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
        long elapsed = System.nanoTime() - start;
        double seconds = elapsed / 1e9;
        String cpuUse = cpu.report(elapsed);
        double[] collectorAfter = CollectorPauses.of(base);
        List<double[]> frames = pairs(js.executeScript("window.__stop = true; window.__observer.disconnect(); return window.__frames;"));
        List<double[]> longTasks = pairs(js.executeScript("return window.__long;"));
        double[] gaps = frames.stream().skip(1).mapToDouble(f -> f[1]).sorted().toArray();
        long stalls = Arrays.stream(gaps).filter(gap -> gap > 50).count();
        List<double[]> readSpans = pairs(js.executeScript("return performance.getEntriesByType('resource')"
                + ".filter(r => r.name.includes('/ops/map/layer')).map(r => [r.startTime, r.duration]);"));
        double[] durations = readSpans.stream().mapToDouble(r -> r[1]).sorted().toArray();
        List<double[]> stalled = frames.stream().skip(1).filter(f -> f[1] > 50).map(f -> new double[] {f[0] - f[1], f[1]}).toList();
        long withLongTask = stalled.stream().filter(stall -> longTasks.stream().anyMatch(task -> overlap(stall, task))).count();
        long withRead = stalled.stream().filter(stall -> readSpans.stream().anyMatch(read -> overlap(stall, read))).count();
        double longTotal = longTasks.stream().mapToDouble(t -> t[1]).sum();
        double longMax = longTasks.stream().mapToDouble(t -> t[1]).max().orElse(0);
        Object counts = js.executeScript("return Array.from(document.querySelectorAll('.layer-count')).map(c => c.id.substring(6) + '=' + c.textContent).join(' ');");
        js.executeScript("window.__stop = false;");
        System.out.printf(Locale.ROOT, "%nmap drag, 20 drags and a zoom in %.1f s, %s (%s)%n", seconds, layers, counts);
        System.out.printf(Locale.ROOT, "  frames %d, longest %.0f ms, p99 %.0f ms, frames over 50 ms (stalls): %d%n", gaps.length,
                gaps.length == 0 ? 0 : gaps[gaps.length - 1], percentile(gaps, 0.99), stalls);
        System.out.printf(Locale.ROOT, "  layer reads during it: %d, p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", durations.length,
                percentile(durations, 0.5), percentile(durations, 0.99), durations.length == 0 ? 0 : durations[durations.length - 1]);
        System.out.printf(Locale.ROOT, "  the page's long tasks: %d, %.0f ms in all, longest %.0f ms; stalls during one: %d of %d,"
                + " during a layer read: %d%n", longTasks.size(), longTotal, longMax, withLongTask, stalled.size(), withRead);
        String pauses = CollectorPauses.between(collectorBefore, collectorAfter);
        if (!pauses.isEmpty()) {
            System.out.println("  the server's collector during it: " + pauses);
        }
        if (!cpuUse.isEmpty()) {
            System.out.println("  cores used during it: " + cpuUse);
        }
    }

    /** The page's main thread by function, self time (sampled), the 25 largest. */
    private static void printProfile(Map<?, ?> profile) {
        List<?> nodes = (List<?>) profile.get("nodes");
        List<?> samples = (List<?>) profile.get("samples");
        List<?> deltas = (List<?>) profile.get("timeDeltas");
        Map<Long, String> names = new java.util.HashMap<>();
        for (Object each : nodes) {
            Map<?, ?> node = (Map<?, ?>) each;
            Map<?, ?> frame = (Map<?, ?>) node.get("callFrame");
            String url = String.valueOf(frame.get("url"));
            String function = String.valueOf(frame.get("functionName"));
            names.put(((Number) node.get("id")).longValue(), (function.isEmpty() ? "(anonymous)" : function)
                    + (url.isEmpty() ? "" : " " + url.substring(url.lastIndexOf('/') + 1) + ":" + (((Number) frame.get("lineNumber")).intValue() + 1)));
        }
        Map<String, Double> self = new java.util.HashMap<>();
        double total = 0;
        // A sample's time is the gap to the next one.
        for (int i = 0; i + 1 < samples.size(); i++) {
            double micros = ((Number) deltas.get(i + 1)).doubleValue();
            self.merge(names.get(((Number) samples.get(i)).longValue()), micros, Double::sum);
            total += micros;
        }
        System.out.printf(Locale.ROOT, "  where the page's main thread went during it (self time, of %.1f s sampled):%n", total / 1e6);
        self.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(25).forEach(entry ->
                System.out.printf(Locale.ROOT, "    %7.0f ms  %s%n", entry.getValue() / 1000, entry.getKey()));
    }

    private static List<double[]> pairs(Object list) {
        return ((List<?>) list).stream().map(pair -> ((List<?>) pair).stream().mapToDouble(n -> ((Number) n).doubleValue()).toArray())
                .toList();
    }

    /** Whether two spans, each [start, duration] in ms, share a moment. */
    private static boolean overlap(double[] a, double[] b) {
        return a[0] < b[0] + b[1] && b[0] < a[0] + a[1];
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
