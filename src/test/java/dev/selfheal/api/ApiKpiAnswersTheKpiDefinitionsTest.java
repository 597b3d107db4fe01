package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.kpi.KpiRollup;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * GET /api/v1/kpi answers the KPI definitions the dashboard and the documents use (query window_summary over
 * whole JST days), next to the raw counts; a window that ends before it starts is a 400.
 */
@SelfhealTest
class ApiKpiAnswersTheKpiDefinitionsTest {

    @LocalServerPort
    int port;
    @Autowired
    ApiKeys keys;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KpiRollup rollup;

    @Test
    void theWindowSummaryIsInTheAnswer() throws Exception {
        String repo = "kpi-api/r" + System.nanoTime() % 1_000_000;
        for (int i = 0; i < 4; i++) {
            jdbc.update("INSERT INTO phase4_metrics (run_id, repository, workflow_id, workflow_name, conclusion, "
                    + "status, completed_at, duration_seconds) VALUES (?, ?, 5, 'CI', ?, 'completed', now(), 60)",
                    System.nanoTime(), repo, i == 0 ? "failure" : "success");
        }
        rollup.recomputeAll();
        ApiCalls api = new ApiCalls(port);
        String viewer = keys.create("kpi-viewer", ManagementRole.VIEWER, null, "test").secret();

        String identity = "installation:api-kpi-" + System.nanoTime();
        jdbc.update("INSERT INTO phase4_github_budget (identity, resource, window_reset, rate_limit, min_remaining, "
                + "requests, not_modified, rate_limited, first_seen_at, last_seen_at) VALUES (?, 'core', now() + "
                + "interval '1 hour', 5000, 4900, 7, 3, 0, now(), now())", identity);
        HttpResponse<String> answer = api.get("/api/v1/kpi", viewer);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode kpi = new ObjectMapper().readTree(answer.body()).path("kpi");
        assertThat(kpi.path("fromDay").asText()).isNotBlank();
        JsonNode mine = null;
        for (JsonNode level : kpi.path("windowSummary")) {
            if (repo.equals(level.path("repository").asText())) {
                mine = level;
            }
        }
        assertThat(mine).as("the repository's level in " + kpi).isNotNull();
        assertThat(mine.path("runs").asInt()).isEqualTo(4);
        JsonNode budget = null;
        for (JsonNode row : kpi.path("githubBudget")) {
            if (identity.equals(row.path("identity").asText())) {
                budget = row;
            }
        }
        assertThat(budget).as("the budget row in " + kpi).isNotNull();
        assertThat(budget.path("requests").asInt()).isEqualTo(7);
        assertThat(budget.path("peak_hour_used").asInt()).isEqualTo(100);

        assertThat(api.get("/api/v1/kpi?from=2026-11-20&to=2026-11-10", viewer).statusCode()).isEqualTo(400);
    }
}
