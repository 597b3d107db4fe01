package dev.selfheal.evidence;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.sandbox.GitHubFixtures;
import dev.selfheal.test.SelfhealTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The operators' file drop: a good file (comments, blank lines, owner/repo and bare ids) is re-fetched,
 * re-collected and handed to direct:detection-run-completed, then moved to .done/; a bad file and a mixed file go to
 * .error/ with <name>.errors naming each bad line and why; a file with a bad line is not processed at all (so
 * dropping it again once fixed handles each run once), while a run GitHub cannot return is reported alone.
 */
@SelfhealTest
class InboxFileDropTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("selfheal.github.api-url", github::baseUrl);
        r.add("selfheal.outbox.evidence.poll-delay", () -> "600s");
    }

    static final String REPO = "octo-org/octo-repo";

    @Autowired
    CamelContext camel;
    @Autowired
    SelfhealProperties properties;

    MockEndpoint runCompleted;

    @BeforeEach
    void setUp() throws Exception {
        if (camel.hasEndpoint("mock:run-completed") == null) {
            AdviceWith.adviceWith(camel, "evidence-inbox", a -> a
                    .interceptSendToEndpoint("direct:detection-run-completed")
                    .skipSendToOriginalEndpoint().to("mock:run-completed"));
        }
        runCompleted = camel.getEndpoint("mock:run-completed", MockEndpoint.class);
        runCompleted.reset();
        github.resetAll();
        for (long id : new long[] {9_300_000_001L, 9_300_000_002L, 9_300_000_003L}) {
            github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + id)).willReturn(okJson(
                    GitHubFixtures.workflowRun(github.baseUrl(), REPO, id, 1, 5, "CI", "failure",
                            Instant.parse("2025-11-14T01:00:00Z"), Instant.parse("2025-11-14T01:05:00Z")).toString())));
            github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + id + "/artifacts"))
                    .willReturn(okJson("{\"total_count\":0,\"artifacts\":[]}")));
            github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/" + id + "/logs"))
                    .willReturn(aResponse().withStatus(200).withBody(GitHubFixtures.logsZip(
                            java.util.Map.of("build", "ok"), Instant.parse("2025-11-14T01:00:00Z")))));
        }
        github.stubFor(get(urlPathEqualTo("/repos/" + REPO + "/actions/runs/9300000404")).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/json").withBody("{\"message\":\"Not Found\"}")));
    }

    Path drop(String name, String content) throws Exception {
        Path inbox = properties.inboxDir();
        Files.createDirectories(inbox);
        // written beside the inbox and moved in, as an operator's editor would not; readLock covers that case
        Path tmp = Files.createTempFile(inbox.getParent(), "drop", ".tmp");
        Files.writeString(tmp, content);
        return Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Done for one whole file (the split's per-line exchanges come from the same route and are not counted). */
    NotifyBuilder fileDone() {
        return new NotifyBuilder(camel).fromRoute("evidence-inbox")
                .filter(e -> e.getProperty(Exchange.SPLIT_INDEX) == null).whenDone(1).create();
    }

    @Test
    void goodFileIsReprocessedAndMovedToDone() throws Exception {
        NotifyBuilder done = fileDone();
        drop("good.txt", "# re-run after the outage\n\n" + REPO + " 9300000001\n9300000002\n");
        assertThat(done.matches(60, TimeUnit.SECONDS)).isTrue();

        Path inbox = properties.inboxDir();
        assertThat(inbox.resolve(".done/good.txt")).exists();
        assertThat(inbox.resolve("good.txt")).doesNotExist();
        assertThat(inbox.resolve(".error/good.txt.errors")).doesNotExist();
        List<Exchange> handed = runCompleted.getExchanges();
        assertThat(handed).hasSize(2);
        assertThat(handed).allSatisfy(e -> assertThat(e.getProperty("repository")).isEqualTo(REPO));
        ObjectMapper mapper = new ObjectMapper();
        List<Long> ids = handed.stream().map(e -> {
            try {
                JsonNode run = mapper.readTree(e.getMessage().getBody(String.class));
                return run.get("id").asLong();
            } catch (Exception x) {
                throw new AssertionError(x);
            }
        }).toList();
        assertThat(ids).containsExactlyInAnyOrder(9_300_000_001L, 9_300_000_002L);
        github.verify(1, getRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/runs/9300000001")));
        github.verify(1, getRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/runs/9300000002/logs")));
        assertThat(properties.reportsDir().resolve("2025-11-14/artifacts/9300000001/metadata.json")).exists();
    }

    @Test
    void badFileGoesToErrorWithReasons() throws Exception {
        NotifyBuilder done = fileDone();
        drop("bad.txt", "not a run\nocto-org/octo-repo abc\n");
        assertThat(done.matches(60, TimeUnit.SECONDS)).isTrue();

        Path inbox = properties.inboxDir();
        assertThat(inbox.resolve(".error/bad.txt")).exists();
        String errors = Files.readString(inbox.resolve(".error/bad.txt.errors"));
        assertThat(errors).contains("line 1: \"not a run\"").contains("line 2:");
        assertThat(runCompleted.getExchanges()).isEmpty();
        github.verify(0, getRequestedFor(urlPathMatching("/repos/.*")));
    }

    @Test
    void aFileWithABadLineIsNotProcessedAtAll() throws Exception {
        NotifyBuilder done = fileDone();
        drop("mixed.txt", REPO + " 9300000003\nrubbish line\n" + REPO + " 9300000002\n");
        assertThat(done.matches(60, TimeUnit.SECONDS)).isTrue();

        Path inbox = properties.inboxDir();
        assertThat(inbox.resolve(".error/mixed.txt")).exists();
        String errors = Files.readString(inbox.resolve(".error/mixed.txt.errors"));
        assertThat(errors).contains("line 2: \"rubbish line\"").contains("nothing in this file was processed");
        assertThat(errors).doesNotContain("line 1").doesNotContain("line 3");
        // fixing the line and dropping the file again handles every run once, not the good lines twice
        assertThat(runCompleted.getExchanges()).isEmpty();
        github.verify(0, getRequestedFor(urlPathMatching("/repos/.*")));
    }

    @Test
    void aRunThatCannotBeFetchedIsReportedAndTheOthersAreHandled() throws Exception {
        NotifyBuilder done = fileDone();
        drop("unfetchable.txt", REPO + " 9300000003\n" + REPO + " 9300000404\n");
        assertThat(done.matches(60, TimeUnit.SECONDS)).isTrue();

        Path inbox = properties.inboxDir();
        assertThat(inbox.resolve(".error/unfetchable.txt")).exists();
        String errors = Files.readString(inbox.resolve(".error/unfetchable.txt.errors"));
        assertThat(errors).contains("line 2: " + REPO + " 9300000404: the run could not be fetched again");
        assertThat(errors).doesNotContain("line 1");
        assertThat(runCompleted.getExchanges()).hasSize(1);
        github.verify(1, getRequestedFor(urlPathEqualTo("/repos/" + REPO + "/actions/runs/9300000003/logs")));
    }
}
