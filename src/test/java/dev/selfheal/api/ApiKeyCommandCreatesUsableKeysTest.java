package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.ExternalPostgres;
import dev.selfheal.test.SelfhealTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code selfheal apikey create --role operator --name ci-dashboard} prints a key once that the running
 * service accepts with that role; {@code list} shows it without its hash; {@code revoke} ends it; bad input
 * exits 2 naming what is wrong.
 */
@SelfhealTest
class ApiKeyCommandCreatesUsableKeysTest {

    @LocalServerPort
    int port;

    final Map<String, String> env = Map.of("SPRING_DATASOURCE_URL", ExternalPostgres.jdbcUrl(),
            "SPRING_DATASOURCE_USERNAME", "postgres");

    record Outcome(int code, String out, String err) {
    }

    Outcome run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ApiKeyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), environment);
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void createdKeyWorksWithItsRoleUntilRevoked() {
        Outcome created = run(env, "create", "--role", "operator", "--name", "ci-dashboard", "--expires-days", "30");
        assertThat(created.code()).isZero();
        Matcher m = Pattern.compile("key      (shk_([a-z0-9]{12})_[A-Za-z0-9]{32})").matcher(created.out());
        assertThat(m.find()).as(created.out()).isTrue();
        String key = m.group(1);
        String keyId = m.group(2);

        ApiCalls api = new ApiCalls(port);
        assertThat(api.get("/api/v1/runs", key).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/keys", key).statusCode()).isEqualTo(403);

        Outcome list = run(env, "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains(keyId).contains("ci-dashboard").contains("operator")
                .doesNotContain(key).doesNotContain("bcrypt");

        assertThat(run(env, "revoke", keyId).code()).isZero();
        assertThat(api.get("/api/v1/runs", key).statusCode()).isEqualTo(401);
        assertThat(run(env, "revoke", keyId).code()).isEqualTo(2);
    }

    @Test
    void badInputExits2NamingTheProblem() {
        assertThat(run(env, "create", "--role", "root", "--name", "x").err()).contains("--role must be viewer");
        assertThat(run(env, "create", "--role", "viewer").err()).contains("create needs --role and --name");
        assertThat(run(env, "create", "--role", "viewer", "--name", "bad name!").err()).contains("name must be");
        Outcome noDb = run(Map.of(), "list");
        assertThat(noDb.code()).isEqualTo(2);
        assertThat(noDb.err()).contains("SPRING_DATASOURCE_URL is not set");
    }
}
