package dev.selfheal.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.config.SelfhealProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * GitHub App authentication. With {@code selfheal.github.app-id} set, every GitHub call carries an installation
 * access token of the owner it concerns (the owner in /repos/{owner}/..., /orgs/{org}/..., /users/{user}/...),
 * so each installation spends its own rate-limit budget. Tokens are fetched with the App's JWT through
 * direct:github-call ({@code POST /app/installations/{id}/access_tokens}), kept per owner and fetched again
 * {@link #REFRESH_BEFORE} before GitHub's {@code expires_at}. Without an App id this step does nothing and
 * {@code selfheal.github.token} is sent.
 */
@Component("gitHubAppTokens")
public class GitHubAppTokens {

    /** Input: the call authenticates as the App itself (its JWT), as the token and installation look-ups do. */
    public static final String AS_APP = "githubAsApp";
    /** Output of {@link #authorize}: the bearer credential GitHubApi sends. */
    public static final String AUTHORIZATION = "githubAuthorization";
    /** Output of {@link #authorize}: whose installation token the call carries. */
    public static final String OWNER = "githubInstallationOwner";
    /** An installation token is replaced this long before it expires (GitHub's last an hour). */
    public static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger("selfheal.github");
    private static final Pattern OWNER_IN_PATH = Pattern.compile("/(?:repos|orgs|users)/([A-Za-z0-9_.-]+)");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record InstallationToken(String token, Instant expiresAt) {
    }

    private final SelfhealProperties.GitHub github;
    private final String baseUrl;
    private final GitHubAppJwt jwt;
    private final ObjectProvider<ProducerTemplate> template;
    private final Map<String, InstallationToken> tokens = new ConcurrentHashMap<>();
    private final Map<String, Long> discovered = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public GitHubAppTokens(SelfhealProperties properties, ObjectProvider<ProducerTemplate> template) {
        this.github = properties.github();
        String url = github.apiUrl().toString();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.template = template;
        // a bad key stops start-up here, naming the property
        this.jwt = github.isApp() ? GitHubAppJwt.load(github.appId(), github.appPrivateKey()) : null;
    }

    /** Route step before each GitHub call: sets {@link #AUTHORIZATION} (nothing without an App). */
    public void authorize(Exchange exchange) {
        exchange.removeProperty(AUTHORIZATION);
        if (jwt == null) {
            return;
        }
        if (exchange.getProperty(AS_APP, false, Boolean.class)) {
            exchange.setProperty(AUTHORIZATION, jwt.sign(Instant.now()));
            return;
        }
        String owner = ownerOf(exchange);
        exchange.setProperty(OWNER, owner);
        exchange.setProperty(AUTHORIZATION, tokenFor(owner, null));
    }

    /** onWhen of routes/error-handling.yaml: GitHub refused (401) an installation token we sent. */
    public boolean isStaleToken(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return jwt != null && e instanceof HttpOperationFailedException http && http.getStatusCode() == 401
                && !exchange.getProperty(AS_APP, false, Boolean.class)
                && exchange.getProperty(OWNER, String.class) != null;
    }

    /** Before the one resend of a call whose token GitHub refused: a fresh token on the message. */
    public void refreshStale(Exchange exchange) {
        String owner = exchange.getProperty(OWNER, String.class);
        String fresh = tokenFor(owner, exchange.getProperty(AUTHORIZATION, String.class));
        exchange.setProperty(AUTHORIZATION, fresh);
        exchange.getMessage().setHeader("Authorization", "Bearer " + fresh);
        LOG.info("GitHub refused the installation token of {} (401): a new one was fetched, the call is sent once more",
                owner);
    }

    /** The owner's valid token; {@code stale} (a token GitHub refused) is replaced even if not yet expired. */
    private String tokenFor(String owner, String stale) {
        synchronized (locks.computeIfAbsent(owner, o -> new Object())) {
            InstallationToken held = tokens.get(owner);
            boolean fresh = held != null && Instant.now().plus(REFRESH_BEFORE).isBefore(held.expiresAt())
                    && !held.token().equals(stale);
            if (fresh) {
                return held.token();
            }
            long installation = installationOf(owner);
            JsonNode answer = callAsApp("POST", "/app/installations/" + installation + "/access_tokens",
                    "installation token of " + owner);
            InstallationToken token = new InstallationToken(answer.path("token").asText(),
                    Instant.parse(answer.path("expires_at").asText()));
            tokens.put(owner, token);
            LOG.info("GitHub App installation {} ({}): installation token {}, valid until {}", installation, owner,
                    held == null ? "fetched" : "renewed", token.expiresAt());
            return token.token();
        }
    }

    /** The configured installation of the owner, else GitHub's answer for a watched repository of it. */
    private long installationOf(String owner) {
        for (Map.Entry<String, Long> e : github.installationIds().entrySet()) {
            if (e.getKey().equalsIgnoreCase(owner)) {
                return e.getValue();
            }
        }
        return discovered.computeIfAbsent(owner.toLowerCase(Locale.ROOT), o -> {
            String repository = github.repositories().stream()
                    .filter(r -> r.toLowerCase(Locale.ROOT).startsWith(o + "/")).findFirst().orElse(null);
            String path = repository != null ? "/repos/" + repository + "/installation" : "/users/" + owner
                    + "/installation";
            long id = callAsApp("GET", path, "installation of " + owner).path("id").asLong();
            LOG.info("GitHub App installation of {} is {} (selfheal.github.installation-ids.{} would skip this look-up)",
                    owner, id, owner);
            return id;
        });
    }

    private JsonNode callAsApp(String method, String path, String what) {
        Exchange out = template.getObject().send("direct:github-call", e -> {
            e.setProperty(AS_APP, true);
            e.setProperty(GitHubApi.METHOD, method);
            e.setProperty(GitHubApi.PATH, path);
        });
        Object failure = out.getProperty(GitHubDeadLetter.FAILURE);
        if (out.getException() != null || GitHubApi.failed(out)) {
            throw new IllegalStateException("GitHub App: cannot get the " + what + " (" + path + "): "
                    + (failure != null ? failure : out.getException()));
        }
        try {
            return MAPPER.readTree(out.getMessage().getBody(String.class));
        } catch (Exception e) {
            throw new IllegalStateException("GitHub App: unreadable answer for the " + what, e);
        }
    }

    /** The owner a call concerns; calls naming none go to the only installation configured or watched. */
    private String ownerOf(Exchange exchange) {
        String url = exchange.getProperty(GitHubApi.PAGE_URL, String.class);
        String path = url != null && url.startsWith(baseUrl) ? url.substring(baseUrl.length())
                : exchange.getProperty(GitHubApi.PATH, String.class);
        Matcher m = OWNER_IN_PATH.matcher(path == null ? "" : path);
        if (m.lookingAt()) {
            return m.group(1);
        }
        if (github.installationIds().size() == 1) {
            return github.installationIds().keySet().iterator().next();
        }
        if (!github.repositories().isEmpty()) {
            return github.repositories().get(0).substring(0, github.repositories().get(0).indexOf('/'));
        }
        throw new IllegalStateException("GitHub App: the call " + path + " names no owner, and no installation is "
                + "configured (selfheal.github.installation-ids) to send it with");
    }
}
