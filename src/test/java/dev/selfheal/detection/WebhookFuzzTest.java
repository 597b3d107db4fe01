package dev.selfheal.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.CoreLoopTest;
import dev.selfheal.test.GitHubStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

/**
 * 10,000 generated deliveries (jqwik generators): random content types, bodies of random bytes, JSON-ish text
 * and deep nesting, random signatures and events, a tenth of them signed with the real secret. None unsigned is
 * accepted, none is answered with a 5xx, and the service's memory stays bounded.
 */
class WebhookFuzzTest extends CoreLoopTest {

    static final int DELIVERIES = 10_000;

    record Delivery(String contentType, byte[] body, String event, String signature, boolean signed) {
    }

    static Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(4_096);
        Arbitrary<byte[]> jsonish = Arbitraries.strings().withChars("{}[]\":,0123456789abc \\\n\u00e9\u0000")
                .ofMaxLength(2_000).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> nested = Arbitraries.integers().between(1, 5_000)
                .map(n -> ("[".repeat(n) + "]".repeat(n)).getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> events = Arbitraries.of("{\"action\":\"completed\",\"workflow_run\":{\"id\":1},"
                + "\"repository\":{\"full_name\":\"octo-org/octo-repo\"}}", "{\"zen\":\"x\"}", "[]", "null", "\"\"",
                "{\"workflow_run\":null}").map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, raw), net.jqwik.api.Tuple.of(3, jsonish),
                net.jqwik.api.Tuple.of(1, nested), net.jqwik.api.Tuple.of(2, events));
    }

    static Arbitrary<Delivery> deliveries() {
        Arbitrary<String> types = Arbitraries.of("application/json", "application/json; charset=utf-8",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain",
                "application/xml", "APPLICATION/JSON", "application/json;charset=latin1", "*/*", "");
        Arbitrary<String> events = Arbitraries.of("workflow_run", "ping", "workflow_job", "push", "",
                "workflow_run\t", "%0d%0a");
        Arbitrary<String> signatures = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(80),
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(h -> "sha256=" + h));
        Arbitrary<Boolean> signed = Arbitraries.integers().between(1, 10).map(i -> i == 1);
        return Combinators.combine(types, bodies(), events, signatures, signed).as(Delivery::new);
    }

    static String sign(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(GitHubStandIn.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    static long rssKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    @Test
    void noGeneratedDeliveryIsAcceptedUnsignedOrAnsweredWithA5xx() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/webhooks/github");
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        long rssBefore = rssKiB();
        long peak = rssBefore;

        List<Delivery> sample = deliveries().sampleStream().limit(DELIVERIES).toList();
        for (int i = 0; i < sample.size(); i++) {
            Delivery d = sample.get(i);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
                    .header("X-GitHub-Delivery", "fuzz-" + i + "-" + System.nanoTime());
            if (!d.contentType().isEmpty()) {
                request.header("Content-Type", d.contentType());
            }
            if (!d.event().isEmpty() && d.event().chars().noneMatch(Character::isISOControl)) {
                request.header("X-GitHub-Event", d.event());
            }
            String signature = d.signed() ? sign(d.body()) : d.signature();
            if (!signature.isEmpty()) {
                request.header("X-Hub-Signature-256", signature);
            }
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            statuses.merge(answer.statusCode(), 1, Integer::sum);
            if (answer.statusCode() >= 500) {
                problems.add("5xx " + answer.statusCode() + " for " + describe(d) + ": " + answer.body());
            }
            if (!d.signed() && answer.statusCode() < 300) {
                problems.add("accepted unsigned: " + answer.statusCode() + " for " + describe(d));
            }
            if (answer.body().contains("Exception") || answer.body().contains("\tat ")) {
                problems.add("stack trace in the answer for " + describe(d));
            }
            if (i % 500 == 0) {
                peak = Math.max(peak, rssKiB());
            }
        }

        System.out.println("Webhook fuzz: " + DELIVERIES + " deliveries, statuses " + statuses + ", RSS "
                + rssBefore / 1024 + " -> peak " + peak / 1024 + " MiB");
        assertThat(problems).isEmpty();
        assertThat(statuses.keySet()).contains(401, 415);
        assertThat(peak - rssBefore).as("RSS growth in KiB").isLessThan(300 * 1024);
    }

    static String describe(Delivery d) {
        return d.contentType() + " body " + d.body().length + " bytes, event '" + d.event() + "', signed " + d.signed();
    }
}
