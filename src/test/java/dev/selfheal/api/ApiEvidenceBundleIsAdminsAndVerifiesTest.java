package dev.selfheal.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.integrity.DaySeals;
import dev.selfheal.integrity.VerifyCommand;
import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.security.ManagementRole;
import dev.selfheal.test.SelfhealTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * GET /api/v1/evidence/bundle: admins only (a viewer or operator key gets 403); the zip it streams is the
 * bundle command's, and selfheal verify checks it as it stands.
 */
@SelfhealTest
class ApiEvidenceBundleIsAdminsAndVerifiesTest {

    @LocalServerPort
    int port;
    @Autowired
    ApiKeys keys;
    @Autowired
    ReportFolders folders;
    @Autowired
    DaySeals seals;

    @Test
    void anAdminGetsAZipThatVerifiesOthersGet403(@TempDir Path out) throws Exception {
        // a finished, sealed day of its own, far in the past so no other test writes into it
        Path day = folders.root().resolve("2001-02-03");
        if (!Files.exists(day.resolve("_seal.json"))) {
            AtomicFiles.write(day.resolve("logs").resolve("retry_log_20010203.log"),
                    "run acme/api#1 re-run 1 requested\n".getBytes(StandardCharsets.UTF_8));
            seals.seal(day);
        }
        ApiCalls api = new ApiCalls(port);
        String admin = keys.create("bundle-admin", ManagementRole.ADMIN, null, "test").secret();
        String operator = keys.create("bundle-operator", ManagementRole.OPERATOR, null, "test").secret();

        assertThat(api.get("/api/v1/evidence/bundle?from=2001-02-03&to=2001-02-03", operator).statusCode())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/evidence/bundle?from=2001-02-03&to=yesterday", admin).statusCode())
                .isEqualTo(400);

        HttpResponse<byte[]> zip = api.send(api.request("/api/v1/evidence/bundle?from=2001-02-03&to=2001-02-03",
                admin), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
        Path file = out.resolve("bundle.zip");
        Files.write(file, zip.body());

        ByteArrayOutputStream said = new ByteArrayOutputStream();
        int exit = VerifyCommand.run(new String[] {file.toString()}, new PrintStream(said, true, StandardCharsets.UTF_8),
                new PrintStream(said, true, StandardCharsets.UTF_8));
        assertThat(exit).as(said.toString(StandardCharsets.UTF_8)).isEqualTo(VerifyCommand.VERIFIED);
    }
}
