package dev.selfheal.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * GET /api/v1/docs: Swagger UI for the API, from its WebJar (no CDN). The page and its two assets are the only
 * things the public port serves without a key: static, bounded, no data (per-address rate limit still applies).
 * The page asks for an API key first and sends it with every request Swagger UI makes, the OpenAPI document's
 * fetch included, so the API's description stays behind a key like the API itself.
 */
@RestController
public class ApiDocsController {

    /** The assets the page loads: nothing else of the WebJar is served, so no path reaches the class path. */
    static final Map<String, MediaType> ASSETS = Map.of(
            "swagger-ui-bundle.js", MediaType.valueOf("text/javascript"),
            "swagger-ui.css", MediaType.valueOf("text/css"));

    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Selfheal API v1</title>
            <link rel="stylesheet" href="/api/v1/docs/swagger-ui.css">
            <style>body{margin:0;font-family:sans-serif} #key{padding:12px 20px;background:#f5f5f5;border-bottom:1px solid #ddd}
            #key input{width:28em;font-family:monospace}</style></head>
            <body>
            <form id="key"><label>API key (viewer or above) <input id="apikey" type="password" autocomplete="off"
              placeholder="shk_..." required></label> <button type="submit">Load the API</button>
              <span id="note">The key stays in this tab (session storage) and is sent as Authorization: Bearer.</span></form>
            <div id="swagger-ui"></div>
            <script src="/api/v1/docs/swagger-ui-bundle.js"></script>
            <script>
            function load(key) {
              window.ui = SwaggerUIBundle({
                url: '/api/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
                requestInterceptor: function (req) { req.headers['Authorization'] = 'Bearer ' + key; return req; }
              });
            }
            document.getElementById('key').addEventListener('submit', function (e) {
              e.preventDefault();
              var key = document.getElementById('apikey').value.trim();
              sessionStorage.setItem('selfheal-api-key', key);
              load(key);
            });
            var kept = sessionStorage.getItem('selfheal-api-key');
            if (kept) { load(kept); }
            </script></body></html>
            """;

    private final String webjarRoot;

    public ApiDocsController() {
        this.webjarRoot = "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";
    }

    @GetMapping(value = "/api/v1/docs", produces = MediaType.TEXT_HTML_VALUE)
    public ResponseEntity<String> page() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(PAGE);
    }

    @GetMapping("/api/v1/docs/{asset}")
    public ResponseEntity<byte[]> asset(@PathVariable String asset) throws IOException {
        MediaType type = ASSETS.get(asset);
        if (type == null) {
            return ResponseEntity.notFound().build();
        }
        try (InputStream in = new ClassPathResource(webjarRoot + asset).getInputStream()) {
            return ResponseEntity.ok().contentType(type).cacheControl(CacheControl.maxAge(java.time.Duration.ofDays(1)))
                    .body(in.readAllBytes());
        }
    }

    static String swaggerUiVersion() {
        try (InputStream in = new ClassPathResource("META-INF/maven/org.webjars/swagger-ui/pom.properties")
                .getInputStream()) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("the swagger-ui WebJar is not on the class path", e);
        }
    }
}
