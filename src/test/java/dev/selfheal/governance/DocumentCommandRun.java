package dev.selfheal.governance;

import dev.selfheal.SelfhealApplication;
import dev.selfheal.test.ExternalPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs a document command as {@code java -jar selfheal.jar ...} would (the same context, no web server, no route
 * started) against the test database, with its own data dir and docs dir; {@code seed} writes rows once the
 * context (and so the migrated schema) is there, before the documents are made.
 */
final class DocumentCommandRun {

    final Path dataDir;
    final Path docsDir;
    int exitCode;
    String out;
    String err;

    DocumentCommandRun(Path tmp) {
        this.dataDir = tmp.resolve("data");
        this.docsDir = tmp.resolve("docs-ops-generated");
    }

    DocumentCommandRun run(Consumer<JdbcTemplate> seed, String... command) {
        ExternalPostgres.ensureDatabase();
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--spring.profiles.active=test", "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(),
                "--spring.datasource.username=postgres", "--selfheal.data-dir=" + dataDir,
                "--selfheal.kpi.docs-dir=" + docsDir));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        exitCode = GovernanceCommand.run(args.toArray(String[]::new), springArgs -> {
            var context = SelfhealApplication.documentsContext(springArgs);
            seed.accept(context.getBean(JdbcTemplate.class));
            return context;
        }, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return this;
    }
}
