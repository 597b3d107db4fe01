package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.HeadlessChromium;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * GET /api/v1/docs: Swagger UI from its WebJar. The page and its two assets are open (static); nothing else of
 * the WebJar or the class path is reachable; the OpenAPI document stays behind a key. In Chromium, the page asks
 * for a key and then lists the API's endpoints, fetched with that key.
 */
@SelfhealTest
class ApiDocsLoadWithAKeyTest {

    @LocalServerPort
    int port;
    @Autowired
    ApiKeys keys;

    @Test
    void thePageIsOpenTheDescriptionNeedsAKey() throws Exception {
        ApiCalls api = new ApiCalls(port);
        HttpResponse<String> page = api.get("/api/v1/docs", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/api/v1/docs/swagger-ui-bundle.js", "Authorization");
        assertThat(api.get("/api/v1/docs/swagger-ui-bundle.js", null).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/docs/swagger-ui.css", null).statusCode()).isEqualTo(200);
        for (String other : new String[] {"/api/v1/docs/index.html", "/api/v1/docs/..%2F..%2Fapplication.yaml",
                "/api/v1/docs/swagger-initializer.js"}) {
            assertThat(api.get(other, null).statusCode()).as(other).isIn(400, 401, 404);
        }
        assertThat(api.get("/api/v1/openapi.json", null).statusCode()).isEqualTo(401);
        assertThat(api.post("/api/v1/docs", null, "text/plain", "x").statusCode()).isEqualTo(401);
    }

    @Test
    void inChromiumTheKeyLoadsTheEndpoints() throws Exception {
        String viewer = keys.create("docs-viewer", ManagementRole.VIEWER, null, "test").secret();
        try (HeadlessChromium chromium = new HeadlessChromium()) {
            chromium.driver.get("http://127.0.0.1:" + port + "/api/v1/docs");
            chromium.driver.findElement(By.id("apikey")).sendKeys(viewer);
            chromium.driver.findElement(By.cssSelector("#key button[type=submit]")).click();
            new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).until(d ->
                    d.findElements(By.cssSelector(".opblock-summary-path")).size() > 5);
            assertThat(chromium.texts(".opblock-summary-path")).contains("/api/v1/runs", "/api/v1/killswitch", "/api/v1/reprocess");
            Path shot = chromium.screenshot("api-docs.png");
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        }
    }
}
