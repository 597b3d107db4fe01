package dev.selfheal.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/ops/OPS_HEALTH_KPI.md quotes every KPI query exactly as the service runs it, with its explanation. */
class KpiDefinitionsAreDocumentedTest {

    @Test
    void everyNamedQueryIsQuotedInTheKpiDocument() throws Exception {
        String doc = Files.readString(Path.of("docs/ops/OPS_HEALTH_KPI.md"));
        var definitions = KpiQueries.load();
        assertThat(definitions).containsKeys("rollup_day", "window_summary", "daily_trend", "retry_efficacy",
                "killswitch_time", "duration_percentiles");
        definitions.values().forEach(q -> {
            assertThat(doc).as(q.name()).contains("### `" + q.name() + "`");
            assertThat(doc).as(q.name() + " SQL").contains("```sql\n" + q.sql() + "\n```");
            assertThat(doc).as(q.name() + " description").contains(q.description());
        });
    }
}
