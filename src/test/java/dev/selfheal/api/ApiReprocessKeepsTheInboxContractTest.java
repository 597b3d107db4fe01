package dev.selfheal.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * POST /api/v1/reprocess takes what an inbox file takes, checked by the inbox's parser: a good list is handed to
 * the inbox (the run is fetched again from GitHub, the file ends in .done); a list with a bad line is refused
 * whole with a reason per line, and nothing reaches the inbox or GitHub.
 */
@SelfhealTest
class ApiReprocessKeepsTheInboxContractTest {

    static final String REPO = "octo-org/octo-repo";
    static final long RUN = 9_400_000_001L;

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("selfheal.github.api-url", github::baseUrl);
        r.add("selfheal.outbox.evidence.poll-delay", () -> "600s");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys keys;

    @Autowired
    SelfhealProperties properties;

    final ObjectMapper mapper = new ObjectMapper();

    @Test
    void goodListGoesThroughTheInbox() throws Exception {
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + RUN)).willReturn(okJson(
                GitHubFixtures.workflowRun(github.baseUrl(), REPO, RUN, 1, 5, "CI", "success",
                        Instant.parse("2025-11-14T01:00:00Z"), Instant.parse("2025-11-14T01:05:00Z")).toString())));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + RUN + "/artifacts"))
                .willReturn(okJson("{\"total_count\":0,\"artifacts\":[]}")));
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + RUN + "/logs"))
                .willReturn(aResponse().withStatus(200).withBody(GitHubFixtures.logsZip(
                        java.util.Map.of("build", "ok"), Instant.parse("2025-11-14T01:00:00Z")))));
        String operator = keys.create("reprocessor", ManagementRole.OPERATOR, null, "test").secret();

        HttpResponse<String> r = new ApiCalls(port).post("/api/v1/reprocess", operator, "text/plain",
                "# after the outage\n\n" + REPO + " " + RUN + "\n");

        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode answer = mapper.readTree(r.body());
        assertThat(answer.path("accepted").asInt()).isEqualTo(1);
        String file = answer.path("inboxFile").asText();
        assertThat(file).matches("api-\\d{8}T\\d{6}Z-[a-z0-9]{12}-[0-9a-f]{8}\\.txt");
        Path done = properties.inboxDir().resolve(".done").resolve(file);
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(done) && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
        }
        assertThat(done).exists();
        github.verify(1, getRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + RUN)));
    }

    @Test
    void listWithABadLineIsRefusedWhole() throws Exception {
        github.resetRequests();
        String operator = keys.create("reprocessor-2", ManagementRole.OPERATOR, null, "test").secret();
        ApiCalls api = new ApiCalls(port);

        HttpResponse<String> r = api.post("/api/v1/reprocess", operator, "text/plain",
                REPO + " 9400000002\nevil-org/other 9400000003\n../.. 4\nnot a run\n");

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = mapper.readTree(r.body());
        assertThat(problem.path("errors")).extracting(JsonNode::asText).anySatisfy(e -> assertThat(e)
                .startsWith("line 2: evil-org/other is not a watched repository"))
                .anySatisfy(e -> assertThat(e).startsWith("line 3:"))
                .anySatisfy(e -> assertThat(e).startsWith("line 4:"));

        HttpResponse<String> binary = api.send(api.request("/api/v1/reprocess", operator)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, (byte) 0xfe, 0x31})));
        // the servlet decodes text/plain before the parser sees it: bytes that are not UTF-8 are a 400
        assertThat(binary.statusCode()).isEqualTo(400);
        assertThat(binary.body()).contains("UTF-8");

        Thread.sleep(3_000);
        github.verify(0, anyRequestedFor(anyUrl()));
        try (Stream<Path> files = Files.list(properties.inboxDir())) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }
}
