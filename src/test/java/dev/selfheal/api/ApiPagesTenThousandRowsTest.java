package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * 10,000 runs walked 100 at a time by following the Link header: every row exactly once, newest first, the
 * filter kept on every page, and no link after the last page.
 */
@SelfhealTest
class ApiPagesTenThousandRowsTest {

    static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Autowired
    JdbcTemplate jdbc;

    final ObjectMapper mapper = new ObjectMapper();

    @Test
    void linkHeadersWalkEveryRowOnce() throws Exception {
        String repo = "page-walk/r" + UUID.randomUUID().toString().substring(0, 8);
        long base = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L) * 100_000;
        jdbc.update("""
                INSERT INTO phase4_metrics (run_id, repository, workflow_name, conclusion, failure_category)
                SELECT ? + g, ?, 'CI', CASE WHEN g % 3 = 0 THEN 'failure' ELSE 'success' END, NULL
                FROM generate_series(1, 10000) g""", base, repo);
        String key = keys.create("page-walker", ManagementRole.VIEWER, null, "test").secret();
        ApiCalls api = new ApiCalls(port);

        List<Long> runIds = new ArrayList<>();
        String next = "/api/v1/runs?repo=" + repo + "&limit=100";
        int pages = 0;
        while (next != null) {
            HttpResponse<String> page = api.get(next, key);
            assertThat(page.statusCode()).isEqualTo(200);
            pages++;
            for (JsonNode item : mapper.readTree(page.body()).path("items")) {
                assertThat(item.path("repository").asText()).isEqualTo(repo);
                runIds.add(item.path("runId").asLong());
            }
            next = page.headers().firstValue("Link").map(l -> {
                Matcher m = NEXT.matcher(l);
                return m.find() ? m.group(1) : null;
            }).orElse(null);
            if (next != null) {
                assertThat(next).startsWith("/api/v1/runs?").contains("repo=" + repo.replace("/", "%2F"))
                        .contains("limit=100");
            }
        }

        assertThat(pages).isEqualTo(100);
        assertThat(runIds).hasSize(10_000);
        Set<Long> distinct = new HashSet<>(runIds);
        assertThat(distinct).hasSize(10_000);
        assertThat(runIds.get(0)).isEqualTo(base + 10_000);
        assertThat(runIds.get(runIds.size() - 1)).isEqualTo(base + 1);
        assertThat(runIds).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        // a filter narrows the walk: a third of the runs failed
        HttpResponse<String> failed = api.get("/api/v1/metrics?repo=" + repo, key);
        JsonNode counts = mapper.readTree(failed.body()).path("items").get(0);
        assertThat(counts.path("runs").asLong()).isEqualTo(10_000);
        assertThat(counts.path("failed").asLong()).isEqualTo(3_333);
    }
}
