package dev.selfheal.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium and chromium-driver (.ci/run installs them) driven by Selenium, with a new empty profile and
 * nothing that reaches the network on its own. Screenshots are kept under target/dashboard-screenshots/ (the
 * dashboard's) and wherever a test names.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

    public final ChromeDriver driver;
    private final Path profile;

    public HeadlessChromium() throws IOException {
        profile = Files.createTempDirectory("selfheal-test-chromium");
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1400,2400");
        // the system driver, so Selenium Manager never tries to download one
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
        driver = new ChromeDriver(service, options);
    }

    /**
     * Waits until the dashboard's script has drawn everything (it marks the body). A body found while the page
     * still changes (a login's redirect, a reload) may be gone when it is read: looked for again then.
     */
    public void awaitRendered() {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> "true".equals(
                d.findElement(org.openqa.selenium.By.tagName("body")).getAttribute("data-rendered")));
    }

    /** Per chart id: how many non-empty data points its series hold, and its category axis labels. */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> charts() {
        return (Map<String, Map<String, Object>>) driver.executeScript("""
                const out = {};
                for (const [id, c] of Object.entries(window.dashboardCharts)) {
                  const o = c.getOption();
                  const points = o.series.map(s => s.data.filter(v => v !== null && v !== undefined && v !== 0).length)
                      .reduce((a, b) => a + b, 0);
                  const labels = [].concat(...[].concat(o.xAxis || [], o.yAxis || []).map(a => a.data || []));
                  out[id] = { points: points, labels: labels };
                }
                return out;""");
    }

    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path target = SCREENSHOTS.resolve(name);
        Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return target;
    }

    public List<String> texts(String css) {
        return driver.findElements(org.openqa.selenium.By.cssSelector(css)).stream().map(e -> e.getText()).toList();
    }

    @Override
    public void close() {
        driver.quit();
        try (var walk = Files.walk(profile)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind is harmless
        }
    }
}
