package dev.selfheal.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.selfheal.test.SelfhealTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * As a GitHub App, each call carries its owner's installation token: fetched with an RS256 JWT from
 * {@code POST /app/installations/{id}/access_tokens} (GitHub's shapes), shared by later calls, fetched again
 * before it expires, and replaced once when GitHub answers 401 (a second 401 is a dead letter).
 */
@SelfhealTest
class GitHubAppInstallationTokensTest {

    static final long APP_ID = 4242;
    static final KeyPair KEYS;
    static final Path PEM;

    static {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KEYS = generator.generateKeyPair();
            // GitHub hands out PKCS#1: the JDK's PKCS#8 without its 26-byte PrivateKeyInfo header
            byte[] pkcs8 = KEYS.getPrivate().getEncoded();
            byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
            PEM = Files.createTempFile("selfheal-app", ".pem");
            Files.writeString(PEM, "-----BEGIN RSA PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs1)
                    + "\n-----END RSA PRIVATE KEY-----\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("selfheal.github.api-url", github::baseUrl);
        registry.add("selfheal.github.token", () -> "");
        registry.add("selfheal.github.app-id", () -> APP_ID);
        registry.add("selfheal.github.app-private-key", PEM::toString);
        registry.add("selfheal.github.installation-ids.expiring-org", () -> 77);
        registry.add("selfheal.github.installation-ids.revoked-org", () -> 88);
        registry.add("selfheal.github.installation-ids.refused-org", () -> 66);
    }

    @Autowired
    ProducerTemplate template;

    final ObjectMapper mapper = new ObjectMapper();

    static String token(char c) {
        return "ghs_" + String.valueOf(c).repeat(36);
    }

    static String accessToken(String token, Instant expiresAt) {
        return "{\"token\":\"" + token + "\",\"expires_at\":\"" + expiresAt.truncatedTo(ChronoUnit.SECONDS)
                + "\",\"permissions\":{\"actions\":\"write\",\"checks\":\"read\",\"issues\":\"write\","
                + "\"metadata\":\"read\"},\"repository_selection\":\"selected\"}";
    }

    Exchange call(String path) {
        return template.send("direct:github-call", e -> e.setProperty(GitHubApi.PATH, path));
    }

    @Test
    void installationIsLookedUpAndItsTokenSharedByLaterCalls() throws Exception {
        github.stubFor(get(urlPathEqualTo("/repos/octo-org/octo-repo/installation")).willReturn(okJson(
                "{\"id\":1234,\"account\":{\"login\":\"octo-org\",\"id\":1,\"type\":\"Organization\"},"
                        + "\"app_id\":4242,\"target_type\":\"Organization\",\"permissions\":{\"actions\":\"write\"}}")));
        github.stubFor(post(urlPathEqualTo("/app/installations/1234/access_tokens")).willReturn(aResponse()
                .withStatus(201).withHeader("Content-Type", "application/json")
                .withBody(accessToken(token('a'), Instant.now().plusSeconds(3600)))));
        github.stubFor(get(urlPathEqualTo("/repos/octo-org/octo-repo/actions/runs/1")).willReturn(okJson("{\"id\":1}")));

        assertThat(call("/repos/octo-org/octo-repo/actions/runs/1").getProperty(GitHubApi.STATUS)).isEqualTo(200);
        assertThat(call("/repos/octo-org/octo-repo/actions/runs/1").getProperty(GitHubApi.STATUS)).isEqualTo(200);

        github.verify(1, postRequestedFor(urlPathEqualTo("/app/installations/1234/access_tokens")));
        List<LoggedRequest> calls = github.findAll(getRequestedFor(urlPathEqualTo("/repos/octo-org/octo-repo/actions/runs/1")));
        assertThat(calls).hasSize(2).allSatisfy(r ->
                assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + token('a')));
        // the look-up and the token request are signed by the App: RS256 over our key, issued by the App id
        for (LoggedRequest asApp : List.of(
                github.findAll(getRequestedFor(urlPathEqualTo("/repos/octo-org/octo-repo/installation"))).get(0),
                github.findAll(postRequestedFor(urlPathEqualTo("/app/installations/1234/access_tokens"))).get(0))) {
            String jwt = asApp.getHeader("Authorization").substring("Bearer ".length());
            String[] parts = jwt.split("\\.");
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(KEYS.getPublic());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
            JsonNode header = mapper.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
            assertThat(header.path("alg").asText()).isEqualTo("RS256");
            assertThat(claims.path("iss").asText()).isEqualTo(String.valueOf(APP_ID));
            long now = Instant.now().getEpochSecond();
            assertThat(claims.path("iat").asLong()).isLessThanOrEqualTo(now);
            assertThat(claims.path("exp").asLong()).isGreaterThan(now).isLessThanOrEqualTo(claims.path("iat").asLong() + 600);
        }
    }

    @Test
    void tokenAboutToExpireIsFetchedAgain() {
        // two minutes left: inside the refresh margin, so every call asks for a new one
        github.stubFor(post(urlPathEqualTo("/app/installations/77/access_tokens")).willReturn(aResponse()
                .withStatus(201).withHeader("Content-Type", "application/json")
                .withBody(accessToken(token('e'), Instant.now().plusSeconds(120)))));
        github.stubFor(get(urlPathEqualTo("/repos/expiring-org/app/actions/runs/2")).willReturn(okJson("{\"id\":2}")));

        call("/repos/expiring-org/app/actions/runs/2");
        call("/repos/expiring-org/app/actions/runs/2");

        github.verify(2, postRequestedFor(urlPathEqualTo("/app/installations/77/access_tokens")));
        github.verify(0, getRequestedFor(urlPathEqualTo("/repos/expiring-org/app/installation")));
    }

    @Test
    void refusedTokenIsReplacedAndTheCallSentOnceMore() {
        github.stubFor(post(urlPathEqualTo("/app/installations/88/access_tokens")).inScenario("revoked")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody(accessToken(token('r'), Instant.now().plusSeconds(3600)))));
        github.stubFor(post(urlPathEqualTo("/app/installations/88/access_tokens")).inScenario("revoked")
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody(accessToken(token('n'), Instant.now().plusSeconds(3600)))));
        github.stubFor(get(urlPathEqualTo("/repos/revoked-org/app/actions/runs/3"))
                .withHeader("Authorization", equalTo("Bearer " + token('r')))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\","
                                + "\"status\":\"401\"}")));
        github.stubFor(get(urlPathEqualTo("/repos/revoked-org/app/actions/runs/3"))
                .withHeader("Authorization", equalTo("Bearer " + token('n'))).willReturn(okJson("{\"id\":3}")));

        Exchange out = call("/repos/revoked-org/app/actions/runs/3");

        assertThat(out.getProperty(GitHubDeadLetter.FAILURE)).isNull();
        assertThat(out.getProperty(GitHubApi.STATUS)).isEqualTo(200);
        assertThat(out.getMessage().getBody(String.class)).contains("\"id\":3");
        github.verify(2, postRequestedFor(urlPathEqualTo("/app/installations/88/access_tokens")));
        assertThat(github.findAll(getRequestedFor(urlPathEqualTo("/repos/revoked-org/app/actions/runs/3"))))
                .extracting(r -> r.getHeader("Authorization"))
                .containsExactly("Bearer " + token('r'), "Bearer " + token('n'));
    }

    @Test
    void secondRefusalIsADeadLetterNotALoop() {
        github.stubFor(post(urlPathEqualTo("/app/installations/66/access_tokens")).willReturn(aResponse()
                .withStatus(201).withHeader("Content-Type", "application/json")
                .withBody(accessToken(token('x'), Instant.now().plusSeconds(3600)))));
        github.stubFor(get(urlPathEqualTo("/repos/refused-org/app/actions/runs/4")).willReturn(aResponse()
                .withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Bad credentials\",\"status\":\"401\"}")));

        Exchange out = call("/repos/refused-org/app/actions/runs/4");

        @SuppressWarnings("unchecked")
        Map<String, Object> failure = out.getProperty(GitHubDeadLetter.FAILURE, Map.class);
        assertThat(failure).containsEntry("status", 401);
        github.verify(2, getRequestedFor(urlPathEqualTo("/repos/refused-org/app/actions/runs/4")));
        github.verify(2, postRequestedFor(urlPathEqualTo("/app/installations/66/access_tokens")));
    }
}
