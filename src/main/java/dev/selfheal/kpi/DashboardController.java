package dev.selfheal.kpi;

import dev.selfheal.reports.ReportFolders;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Observer dashboard on the management port (registered in the management context by
 * {@link DashboardManagementConfiguration}, so the management login guards it; the viewer role is enough):
 * {@code /dashboard} (the page), {@code /dashboard/data.json} ({@code ?days=1..90&repository=owner/repo}),
 * {@code /dashboard/echarts.min.js} (from the WebJar) and {@code /dashboard/reports/...} (the evidence and audit
 * tickets the runs table links to, read from the reports root and nowhere else).
 */
@RestController
// the component scan of the main (public) context skips it: only the management server serves it
@Conditional(ManagementChildContext.class)
public class DashboardController {

    private static final Logger LOG = LoggerFactory.getLogger("selfheal.kpi");

    private final DashboardData data;
    private final DashboardPage page;
    private final ReportFolders folders;

    public DashboardController(DashboardData data, DashboardPage page, ReportFolders folders) {
        this.data = data;
        this.page = page;
        this.folders = folders;
    }

    @GetMapping(value = {"/dashboard", "/dashboard/"}, produces = MediaType.TEXT_HTML_VALUE)
    public String dashboard() {
        return page.live();
    }

    @GetMapping(value = "/dashboard/data.json", produces = MediaType.APPLICATION_JSON_VALUE)
    public String data(@RequestParam(required = false) Integer days, @RequestParam(required = false) String repository) {
        return page.json(data.build(days, repository));
    }

    @GetMapping(value = "/dashboard/echarts.min.js", produces = "text/javascript")
    public ResponseEntity<byte[]> echarts() {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(java.time.Duration.ofDays(1))).body(page.echarts());
    }

    /** A file or folder of the reports root; anything resolving outside it, or a symbolic link, is not served. */
    @GetMapping("/dashboard/reports/**")
    public ResponseEntity<?> report(HttpServletRequest request) throws IOException {
        String relative = request.getRequestURI().substring(request.getContextPath().length()
                + "/dashboard/reports/".length());
        Path root = folders.root();
        Path target = root.resolve(java.net.URLDecoder.decode(relative, java.nio.charset.StandardCharsets.UTF_8))
                .normalize();
        // the real path too: a linked folder inside the root must not lead outside it
        if (!target.startsWith(root) || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                || Files.isSymbolicLink(target) || !target.toRealPath().startsWith(root.toRealPath())) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body("no such report file");
        }
        if (Files.isDirectory(target)) {
            try (Stream<Path> list = Files.list(target)) {
                return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(list.map(p -> p.getFileName()
                        + (Files.isDirectory(p) ? "/" : "")).sorted().collect(Collectors.joining("\n", "", "\n")));
            }
        }
        String name = target.getFileName().toString();
        MediaType type = name.endsWith(".md") || name.endsWith(".log") || name.endsWith(".txt") ? MediaType.TEXT_PLAIN
                : name.endsWith(".json") ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_OCTET_STREAM;
        return ResponseEntity.ok().contentType(type).body(Files.readAllBytes(target));
    }

    /** Bad input is refused with what is wrong; the service goes on. */
    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<String> refused(IllegalArgumentException e) {
        LOG.debug("dashboard request refused: {}", e.getMessage());
        return ResponseEntity.badRequest().contentType(MediaType.TEXT_PLAIN).body(e.getMessage());
    }
}
