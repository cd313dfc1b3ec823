package org.meridian.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs) for the page tests. Where
 * they are missing the tests are skipped, saying so; with {@code MERIDIAN_TEST_BROWSER=required} (CI) they fail.
 */
public final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Where the tests leave their screenshots (README shows copies of them from docs/screenshots). */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A new browser with an empty profile (no cookies), speaking the language, with a window of the size. */
    public static Browser open(String language, int width, int height) throws java.io.IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present) {
            if ("required".equals(System.getenv("MERIDIAN_TEST_BROWSER"))) {
                throw new IllegalStateException("Chromium and chromedriver are needed: apt-get install chromium chromium-driver");
            }
            Assumptions.abort("no Chromium here (apt-get install chromium chromium-driver): the page tests are skipped");
        }
        Path profile = Files.createTempDirectory("meridian-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Background networking off: this machine's network is closed, and Chromium would keep trying Google's hosts.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--lang=" + language);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public WebDriverWait waiting(int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds));
    }

    /** Saves what the browser shows as target/screenshots/{name}.png. */
    public void screenshot(String name) throws java.io.IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** axe-core's rules, as its Java binding bundles them (read once). */
    private static String axe;

    /**
     * What axe-core (the accessibility engine browsers' own audits use) finds wrong on the page as shown, against
     * WCAG 2.1 A and AA: one line per rule broken, with the elements that break it. Empty: nothing found.
     */
    @SuppressWarnings("unchecked")
    public java.util.List<String> accessibilityProblems() throws java.io.IOException {
        synchronized (Browser.class) {
            if (axe == null) {
                try (var in = Browser.class.getResourceAsStream("/axe.min.js")) {
                    axe = new String(java.util.Objects.requireNonNull(in, "axe.min.js on the test class path").readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        driver.executeScript(axe);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        Object result = driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then(function (r) { done(r.violations.map(function (v) { return v.id + ' (' + v.impact + '): ' + v.help + ' at '"
                + " + v.nodes.slice(0, 5).map(function (n) { return n.target.join(' '); }).join(', '); })); })"
                + ".catch(function (e) { done(['axe failed: ' + e]); });");
        return (java.util.List<String>) result;
    }

    @Override
    public void close() {
        driver.quit();
        TestServer.deleteRecursively(profile);
    }
}
