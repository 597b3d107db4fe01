package dev.selfheal.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * What a caller on the internet can send to the public port: a wrong content type, an oversized or endless
 * body, a slow trickle, bytes that are not UTF-8, deeply nested JSON. Each is refused with a 4xx before it is
 * read whole or parsed, never a 5xx, never the caller's text in our log, and a signed delivery still gets
 * through while slow senders hang on.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {"selfheal.webhook.max-body=256KB", "selfheal.webhook.max-buffered=1MB",
        "selfheal.webhook.read-timeout=3s", "server.tomcat.connection-timeout=2s"})
class WebhookRefusesBeforeReadingTest extends CoreLoopTest {

    /** Sends raw bytes and reads the status line; the socket's own time-out bounds the wait. */
    String raw(String head, byte[] body, Duration wait) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) wait.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException e) {
                    // the server may answer and close before the whole body is sent: that is the point
                }
            }
            out.flush();
            return readAnswer(socket.getInputStream());
        }
    }

    static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        try {
            while ((n = in.read(buf)) != -1) {
                answer.write(buf, 0, n);
                if (answer.toString(StandardCharsets.ISO_8859_1).contains("}")) {
                    break;
                }
            }
        } catch (IOException e) {
            // reset after the answer was written
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    static String head(String contentType, long contentLength, String extra) {
        return "POST /webhooks/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType + "\r\n"
                + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n"
                        : "Transfer-Encoding: chunked\r\n")
                + "X-GitHub-Event: workflow_run\r\nX-GitHub-Delivery: " + UUID.randomUUID() + "\r\n" + extra + "\r\n";
    }

    @Test
    void formAndMultipartBodiesAre415AndNotParsed(CapturedOutput log) throws Exception {
        byte[] form = "payload=%7B%7D&x=1%0AFORGED+LOG+LINE".getBytes(StandardCharsets.US_ASCII);
        String formAnswer = raw(head("application/x-www-form-urlencoded", form.length, ""), form, Duration.ofSeconds(5));
        byte[] multipart = ("--b\r\nContent-Disposition: form-data; name=\"payload\"\r\n\r\nFORGED LOG LINE\r\n--b--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        String multipartAnswer = raw(head("multipart/form-data; boundary=b", multipart.length, ""), multipart,
                Duration.ofSeconds(5));

        assertThat(formAnswer).startsWith("HTTP/1.1 415");
        assertThat(multipartAnswer).startsWith("HTTP/1.1 415");
        assertThat(log.getAll()).doesNotContain("FORGED");
    }

    @Test
    void declaredOversizeIs413BeforeAnyByteIsRead() throws Exception {
        long started = System.nanoTime();
        String answer = raw(head("application/json", 200L * 1024 * 1024, ""), null, Duration.ofSeconds(5));

        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void chunkedBodyPastTheLimitIs413() throws Exception {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 8; i++) { // 512 KB against a 256 KB limit
            chunks.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunks.write(chunk);
            chunks.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunks.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        String answer = raw(head("application/json", -1, "X-Hub-Signature-256: sha256=00\r\n"), chunks.toByteArray(),
                Duration.ofSeconds(5));

        assertThat(answer).startsWith("HTTP/1.1 413").doesNotContain("xxxx");
    }

    @Test
    void slowSendersDoNotStarveASignedDelivery() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            // 20 x 200 KB declared would be 4 MB against a 1 MB budget: memory is reserved as bytes arrive
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write(head("application/json", 200_000, "").getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().write('{');
                s.getOutputStream().flush();
                slow.add(s);
            }
            String body = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";
            long started = System.nanoTime();
            HttpResponse<String> ping = github.deliver(port, "ping", body, GitHubStandIn.sign(body,
                    GitHubStandIn.SECRET), UUID.randomUUID().toString());

            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            // and the trickling ones are cut off: 408 within the read time-out (3 s) plus one read (2 s)
            Socket first = slow.get(0);
            first.setSoTimeout(8_000);
            assertThat(readAnswer(first.getInputStream())).startsWith("HTTP/1.1 408");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void unsignedNonUtf8Is401() throws Exception {
        byte[] latin1 = "{\"zen\":\"caf\u00e9 \u00ff\u00fe\"}".getBytes(StandardCharsets.ISO_8859_1);
        String answer = raw(head("application/json", latin1.length, ""), latin1, Duration.ofSeconds(5));

        assertThat(answer).startsWith("HTTP/1.1 401").contains("missing X-Hub-Signature-256");
    }

    @Test
    void signedDeepNestingIs400NotA5xx() {
        String deep = "{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000);

        HttpResponse<String> answer = github.deliver(port, "workflow_run", deep,
                GitHubStandIn.sign(deep, GitHubStandIn.SECRET), UUID.randomUUID().toString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("malformed JSON").doesNotContain("Exception");
    }
}
