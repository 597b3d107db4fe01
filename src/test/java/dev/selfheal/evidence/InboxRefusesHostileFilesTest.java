package dev.selfheal.evidence;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.test.SelfhealTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Files dropped into the inbox that must not be acted on: a symbolic link, a file too large to be a list of
 * run ids, a binary file, '.' or '..' as a repository, a repository that is not watched, an endless line.
 * Each is refused with its reason in .error/<name>.errors, GitHub hears nothing, and the file raises one
 * notification however many of its lines were bad.
 */
@SelfhealTest
class InboxRefusesHostileFilesTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("selfheal.github.api-url", github::baseUrl);
        r.add("selfheal.outbox.evidence.poll-delay", () -> "600s");
    }

    @Autowired
    CamelContext camel;
    @Autowired
    SelfhealProperties properties;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void reset() {
        github.resetAll();
    }

    Path inbox() throws Exception {
        return Files.createDirectories(properties.inboxDir());
    }

    Path drop(String name, byte[] content) throws Exception {
        Path tmp = Files.createTempFile(inbox().getParent(), "drop", ".tmp");
        Files.write(tmp, content);
        return Files.move(tmp, inbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    NotifyBuilder fileDone() {
        return new NotifyBuilder(camel).fromRoute("evidence-inbox")
                .filter(e -> e.getProperty(Exchange.SPLIT_INDEX) == null).whenDone(1).create();
    }

    String errorsOf(String name) throws Exception {
        return Files.readString(inbox().resolve(".error/" + name + ".errors"));
    }

    @Test
    void aSymbolicLinkIsRefusedUnread() throws Exception {
        Path outside = Files.createTempFile("outside-the-inbox", ".txt");
        Files.writeString(outside, "octo-org/octo-repo 9300000001\n");
        NotifyBuilder done = fileDone();
        Files.createSymbolicLink(inbox().resolve("link.txt"), outside);

        assertThat(done.matches(60, TimeUnit.SECONDS)).isTrue();
        assertThat(errorsOf("link.txt")).contains("symbolic link");
        assertThat(Files.readString(outside)).isEqualTo("octo-org/octo-repo 9300000001\n");
        github.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aLargeFileIsRefusedUnread() throws Exception {
        NotifyBuilder done = fileDone();
        drop("large.txt", ("octo-org/octo-repo 9300000001\n").repeat(3_000).getBytes(StandardCharsets.US_ASCII));

        assertThat(done.matches(60, TimeUnit.SECONDS)).isTrue();
        assertThat(errorsOf("large.txt")).contains("more than 65536").contains("refused unread");
        github.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aBinaryFileGetsAReason() throws Exception {
        NotifyBuilder done = fileDone();
        drop("image.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, (byte) 0xff});

        assertThat(done.matches(60, TimeUnit.SECONDS)).isTrue();
        assertThat(errorsOf("image.png")).contains("not UTF-8 text");
        assertThat(inbox().resolve(".error/image.png")).exists();
    }

    @Test
    void dotSegmentsUnwatchedRepositoriesAndLongLinesAreRefusedWithOneNotification() throws Exception {
        long before = refusals("many.txt");
        NotifyBuilder done = fileDone();
        drop("many.txt", ("../.. 9300000001\nocto-org/.. 9300000002\nsomeone-else/their-repo 9300000003\n"
                + "octo-org/octo-repo " + "1".repeat(300) + "\n").getBytes(StandardCharsets.US_ASCII));

        assertThat(done.matches(60, TimeUnit.SECONDS)).isTrue();
        String errors = errorsOf("many.txt");
        assertThat(errors).contains("line 1: '.' and '..' are not repository names")
                .contains("line 2: '.' and '..' are not repository names")
                .contains("line 3: someone-else/their-repo is not a watched repository")
                .contains("line 4: longer than 200 characters");
        github.verify(0, anyRequestedFor(anyUrl()));
        assertThat(refusals("many.txt") - before).isEqualTo(1);
    }

    long refusals(String file) {
        return jdbc.queryForObject("SELECT count(*) FROM phase4_events WHERE event_type = 'detection' AND "
                + "payload->>'ruleId' = 'inbox-file-refused' AND payload->>'file' = ?", Long.class, file);
    }
}
