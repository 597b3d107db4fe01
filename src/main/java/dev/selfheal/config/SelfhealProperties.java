package dev.selfheal.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The configuration contract (README, "Configuration"). Bound and validated at start-up: a bad value stops the
 * service with Spring Boot's binding report naming the property.
 */
@Validated
@ConfigurationProperties("selfheal")
public record SelfhealProperties(
        @Valid @NotNull GitHub github,
        @Valid @NotNull Slack slack,
        @Valid @NotNull Scheduling scheduling,
        @NotNull Path dataDir,
        @NotNull Path configDir,
        @NotNull Path routesDir) {

    public SelfhealProperties(
            @DefaultValue GitHub github,
            @DefaultValue Slack slack,
            @DefaultValue Scheduling scheduling,
            @DefaultValue("./data") Path dataDir,
            @DefaultValue("./config") Path configDir,
            @DefaultValue("./routes") Path routesDir) {
        this.github = github;
        this.slack = slack;
        this.scheduling = scheduling;
        this.dataDir = dataDir;
        this.configDir = configDir;
        this.routesDir = routesDir;
    }

    public record GitHub(
            @NotNull URI apiUrl,
            String token,
            List<@Pattern(regexp = "[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+",
                    message = "must be owner/repo") String> repositories,
            String webhookSecret,
            List<@Pattern(regexp = "(\\*\\.)?[A-Za-z0-9.-]+(:\\d+)?",
                    message = "must be a host name, optionally *.domain, optionally :port") String> downloadHosts,
            @jakarta.validation.constraints.Positive Long appId,
            Path appPrivateKey,
            Map<String, @jakarta.validation.constraints.Positive Long> installationIds) {

        /** Where GitHub sends log and artifact downloads (its 302 Location): its own storage hosts. */
        public static final List<String> GITHUB_STORAGE_HOSTS = List.of("*.actions.githubusercontent.com",
                "*.githubusercontent.com", "*.blob.core.windows.net");

        /**
         * {@code appId} and {@code appPrivateKey} (a PEM file) make Selfheal a GitHub App: it then calls GitHub
         * with installation tokens (one per owner) instead of {@code token}; {@code installationIds} names an
         * owner's installation (else it is looked up).
         */
        @ConstructorBinding
        public GitHub(@DefaultValue("https://api.github.com") URI apiUrl, String token,
                @DefaultValue List<String> repositories, String webhookSecret, List<String> downloadHosts,
                Long appId, Path appPrivateKey, Map<String, Long> installationIds) {
            this.apiUrl = apiUrl;
            this.token = token;
            this.repositories = repositories == null ? List.of() : List.copyOf(repositories);
            this.webhookSecret = webhookSecret;
            this.downloadHosts = downloadHosts == null || downloadHosts.isEmpty() ? GITHUB_STORAGE_HOSTS
                    : List.copyOf(downloadHosts);
            this.appId = appId;
            this.appPrivateKey = appPrivateKey;
            this.installationIds = installationIds == null ? Map.of() : Map.copyOf(installationIds);
        }

        public GitHub(URI apiUrl, String token, List<String> repositories, String webhookSecret,
                List<String> downloadHosts) {
            this(apiUrl, token, repositories, webhookSecret, downloadHosts, null, null, null);
        }

        public GitHub(URI apiUrl, String token, List<String> repositories, String webhookSecret) {
            this(apiUrl, token, repositories, webhookSecret, null);
        }

        public boolean hasToken() {
            return token != null && !token.isBlank();
        }

        public boolean isApp() {
            return appId != null;
        }

        /** GitHub can be called: with the token or as a GitHub App. */
        public boolean hasCredentials() {
            return hasToken() || isApp();
        }
    }

    /**
     * Slack: an incoming webhook, or a bot token and a channel (Web API chat.postMessage), which lets the follow-ups
     * of one problem (repeated, healed, closed) go into the thread of its first message. With both, the bot wins.
     */
    public record Slack(String webhookUrl, String botToken, String channel, @NotNull URI apiUrl) {

        @ConstructorBinding
        public Slack(String webhookUrl, String botToken, String channel,
                @DefaultValue("https://slack.com/api") URI apiUrl) {
            this.webhookUrl = webhookUrl;
            this.botToken = botToken;
            this.channel = channel;
            this.apiUrl = apiUrl;
            if (hasBotToken() && (channel == null || channel.isBlank())) {
                throw new IllegalArgumentException("selfheal.slack.bot-token is set but selfheal.slack.channel is "
                        + "not: name the channel the bot posts to (its id, e.g. C0123ABCD, or #name)");
            }
        }

        public Slack(String webhookUrl) {
            this(webhookUrl, null, null, URI.create("https://slack.com/api"));
        }

        public boolean hasBotToken() {
            return botToken != null && !botToken.isBlank();
        }

        public boolean enabled() {
            return hasBotToken() || webhookUrl != null && !webhookUrl.isBlank();
        }
    }

    /** workflow_dispatch self-triggers: {@code owner/repo:workflow@ref} (workflow = file name or id). */
    public record Scheduling(
            List<@Pattern(regexp = "[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:[^@\\s]+@\\S+",
                    message = "is not owner/repo:workflow@ref (e.g. acme/api:nightly.yml@main)") String> dispatches) {

        public Scheduling(@DefaultValue List<String> dispatches) {
            this.dispatches = dispatches == null ? List.of() : List.copyOf(dispatches);
        }
    }

    /** Root of the auditors' copy: {@code <data-dir>/docs/reports}. */
    public Path reportsDir() {
        return dataDir.resolve("docs").resolve("reports");
    }

    public Path inboxDir() {
        return dataDir.resolve("inbox");
    }
}
