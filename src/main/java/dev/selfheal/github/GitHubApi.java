package dev.selfheal.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.config.SelfhealProperties;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The pieces camel-http lacks for GitHub's REST API, called from routes/github.yaml around one camel-http
 * endpoint: standard headers, ETag/If-None-Match per URL, Link pagination and the rate-limit headers.
 *
 * <p>A call is described by exchange properties: {@link #METHOD} (default GET), {@link #PATH} (relative to
 * {@code selfheal.github.api-url}) or {@link #URL} (absolute, as in a Link header), {@link #QUERY} (raw query
 * string) and, for POST/PUT/PATCH, the message body (a String, a JsonNode or anything Jackson can write).
 * Headers already on the message are dropped so nothing internal leaks to GitHub.
 */
@Component("gitHubApi")
public class GitHubApi {

    public static final String METHOD = "githubMethod";
    public static final String PATH = "githubPath";
    public static final String QUERY = "githubQuery";
    /** Output: the absolute URL last called. */
    public static final String URL = "githubUrl";
    /** Paging input: the absolute URL of the page to fetch (set by startPaging/collectPage). */
    public static final String PAGE_URL = "githubPageUrl";
    public static final String STATUS = "githubStatus";
    public static final String NOT_MODIFIED = "githubNotModified";
    public static final String NEXT_URL = "githubNextUrl";
    public static final String ITEMS_FIELD = "githubItemsField";
    public static final String ITEMS = "githubItems";
    public static final String RATE_LIMIT = "githubRateLimit";
    public static final String REDIRECTED = "githubRedirected";
    /** Why paging ended before GitHub's last page (a Link outside the API), for the caller's records. */
    public static final String PAGING_STOPPED = "githubPagingStopped";
    public static final String API_VERSION = "2022-11-28";
    /** Set by the write gate on a write it lets through: why it may go out ({@link GitHubWrites}). */
    public static final String WRITE_PERMIT = "githubWritePermit";
    /** When the write gate gave the permit (an Instant): a write permitted before an engage may go out just after. */
    public static final String WRITE_PERMITTED_AT = "githubWritePermittedAt";
    /**
     * Output of route github-call: the write was not sent (kill switch engaged or observe mode); the value says
     * which. There is no answer and no failure: the caller records what it would have done.
     */
    public static final String WITHHELD = "githubWithheld";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GitHubApi.class);

    private final String baseUrl;
    private final String token;
    private final ObjectMapper mapper;
    private final ETagCache etags = new ETagCache(5_000, 64 * 1024);
    private final AtomicReference<RateLimitStatus> lastRateLimit = new AtomicReference<>();
    private final GitHubHosts hosts;

    private final GitHubWrites writes;
    private final GitHubBudget budget;

    public GitHubApi(SelfhealProperties properties, ObjectMapper mapper, GitHubWrites writes, GitHubBudget budget) {
        this.budget = budget;
        this.writes = writes;
        String url = properties.github().apiUrl().toString();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = properties.github().token();
        this.mapper = mapper;
        this.hosts = new GitHubHosts(URI.create(baseUrl), properties.github().downloadHosts());
    }

    /** Sets the camel-http headers for the call the exchange properties describe. */
    public void prepareRequest(Exchange exchange) throws JsonProcessingException {
        String method = exchange.getProperty(METHOD, "GET", String.class).toUpperCase();
        String url = urlOf(exchange);
        exchange.setProperty(URL, url);
        exchange.setProperty(NEXT_URL, null);
        exchange.removeProperty(GitHubDeadLetter.FAILURE);
        exchange.removeProperty(GitHubRateLimit.LIMITED);
        if (!method.equals("GET")) {
            // counted here, the last step before the call, whatever the route in front of it did
            writes.sent(method, URI.create(url).getRawPath(), exchange.getProperty(WRITE_PERMIT, String.class),
                    exchange.getProperty(WRITE_PERMITTED_AT, java.time.Instant.class));
        }
        exchange.removeProperty(WRITE_PERMIT);
        exchange.removeProperty(WRITE_PERMITTED_AT);
        URI uri = URI.create(url);
        Message in = exchange.getMessage();
        Object body = in.getBody();
        in.removeHeaders("*");
        // the enum camel-http reads: a String would go through Camel's type-converter search on every call
        in.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(method));
        in.setHeader(Exchange.HTTP_URI, uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath());
        in.setHeader(Exchange.HTTP_QUERY, uri.getRawQuery());
        in.setHeader("Accept", "application/vnd.github+json");
        in.setHeader("X-GitHub-Api-Version", API_VERSION);
        in.setHeader("User-Agent", "selfheal");
        // the token goes only to the configured API, whatever URL a page or caller names; a GitHub App's
        // credential (installation token or JWT) was chosen by gitHubAppTokens.authorize
        String credential = exchange.getProperty(GitHubAppTokens.AUTHORIZATION, token, String.class);
        if (credential != null && !credential.isBlank() && hosts.withinApi(url)) {
            in.setHeader("Authorization", "Bearer " + credential);
        }
        if (method.equals("GET") || method.equals("DELETE")) {
            in.setBody(null);
            ETagCache.Entry cached = method.equals("GET") ? etags.get(url) : null;
            if (cached != null) {
                in.setHeader("If-None-Match", cached.etag());
            }
        } else if (body != null) {
            in.setHeader(Exchange.CONTENT_TYPE, "application/json");
            in.setBody(body instanceof String s ? s : mapper.writeValueAsString(body));
        }
    }

    /** The absolute URL of the call: the page being fetched, else base URL + {@link #PATH} + {@link #QUERY}. */
    private String urlOf(Exchange exchange) {
        String url = exchange.getProperty(PAGE_URL, String.class);
        if (url == null) {
            String path = exchange.getProperty(PATH, String.class);
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("a GitHub call needs property " + PATH
                        + " starting with '/', was " + path);
            }
            String query = exchange.getProperty(QUERY, String.class);
            url = baseUrl + path + (query == null || query.isEmpty() ? "" : "?" + query);
        }
        return url;
    }

    /**
     * Reads GitHub's answer: status, rate-limit headers, next page; answers a 304 from the cache and marks it
     * {@link #NOT_MODIFIED} so callers skip re-processing.
     */
    public void readResponse(Exchange exchange) {
        if (failed(exchange)) {
            return;
        }
        Message in = exchange.getMessage();
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String url = exchange.getProperty(URL, String.class);
        exchange.setProperty(STATUS, status);
        recordRateLimit(exchange, in);
        if (status == 304) {
            ETagCache.Entry cached = etags.get(url);
            exchange.setProperty(NOT_MODIFIED, true);
            in.setBody(cached == null ? null : cached.body());
        } else {
            exchange.setProperty(NOT_MODIFIED, false);
            String body = in.getBody(String.class);
            in.setBody(body);
            String etag = in.getHeader("ETag", String.class);
            if (etag != null && "GET".equals(exchange.getProperty(METHOD, "GET", String.class).toUpperCase())) {
                etags.put(url, etag, body);
            }
        }
        String next = status == 304 ? null : LinkHeader.next(in.getHeader("Link", String.class));
        if (next != null && !hosts.withinApi(next)) {
            String why = "Link rel=\"next\" points outside " + baseUrl + " (to " + GitHubHosts.hostOf(next)
                    + "): paging stopped, the token is not sent there";
            exchange.setProperty(PAGING_STOPPED, why);
            LOG.warn("GitHub list {}: {}", exchange.getProperty(PATH, String.class), why);
            next = null;
        }
        exchange.setProperty(NEXT_URL, next);
    }

    /**
     * After the first leg of a download (GitHub answers 302 to a short-lived URL): the second leg goes to the
     * Location without our token (the URL carries its own signature, and our token must not travel to another
     * host). Sets {@link #REDIRECTED} false when GitHub answered 200 directly.
     */
    public void prepareRedirect(Exchange exchange) {
        if (failed(exchange)) {
            exchange.setProperty(REDIRECTED, false);
            return;
        }
        Message in = exchange.getMessage();
        int status = in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String location = in.getHeader("Location", String.class);
        exchange.setProperty(STATUS, status);
        recordRateLimit(exchange, in);
        boolean redirected = status >= 300 && status < 400 && location != null;
        exchange.setProperty(REDIRECTED, redirected);
        if (!redirected) {
            return;
        }
        if (!hosts.downloadAllowed(location)) {
            throw new UntrustedHostException("download redirected to " + GitHubHosts.hostOf(location)
                    + ", which is not in selfheal.github.download-hosts: not followed");
        }
        URI uri = URI.create(location);
        // the 302's own (empty) body stream holds the pooled connection until closed
        if (in.getBody() instanceof java.io.Closeable first) {
            try {
                first.close();
            } catch (java.io.IOException ignored) {
                // nothing to keep from a redirect's body
            }
        }
        in.removeHeaders("*");
        in.setBody(null);
        in.setHeader(Exchange.HTTP_METHOD, HttpMethods.GET);
        in.setHeader(Exchange.HTTP_URI, uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath());
        in.setHeader(Exchange.HTTP_QUERY, uri.getRawQuery());
        in.setHeader("User-Agent", "selfheal");
    }

    /** Before the first page of a list call: {@link #ITEMS_FIELD} names the array in each page (or none). */
    public void startPaging(Exchange exchange) {
        exchange.setProperty(ITEMS, new ArrayList<JsonNode>());
        exchange.setProperty(NEXT_URL, null);
        exchange.removeProperty(PAGING_STOPPED);
        exchange.setProperty(PAGE_URL, urlOf(exchange));
    }

    /** After each page: add its items, and set {@link #PAGE_URL} to the next page (null when done). */
    public void collectPage(Exchange exchange) throws JsonProcessingException {
        @SuppressWarnings("unchecked")
        List<JsonNode> items = exchange.getProperty(ITEMS, List.class);
        String body = failed(exchange) ? null : exchange.getMessage().getBody(String.class);
        // an unchanged page was processed when it first came: its items are not handed out again
        boolean notModified = exchange.getProperty(NOT_MODIFIED, false, Boolean.class);
        if (body != null && !body.isBlank() && !notModified) {
            JsonNode page = mapper.readTree(body);
            String field = exchange.getProperty(ITEMS_FIELD, String.class);
            JsonNode array = field == null ? page : page.path(field);
            array.forEach(items::add);
        }
        // after a dead-lettered page NEXT_URL is null (prepareRequest cleared it), so paging stops
        exchange.setProperty(PAGE_URL, exchange.getProperty(NEXT_URL, String.class));
    }

    /** After the last page: the body is every item of every page. */
    public List<JsonNode> finishPaging(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<JsonNode> items = exchange.getProperty(ITEMS, List.class);
        exchange.removeProperty(PAGE_URL);
        exchange.removeProperty(ITEMS);
        return items;
    }

    private void recordRateLimit(Exchange exchange, Message in) {
        RateLimitStatus status = RateLimitHeaders.read(in::getHeader);
        budget.answered(exchange, status, in.getHeader("X-RateLimit-Resource", String.class),
                in.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class), false);
        if (status != null) {
            lastRateLimit.set(status);
            exchange.setProperty(RATE_LIMIT, status);
        }
    }

    /**
     * The call had no answer because of GitHub itself, not because it was refused: 5xx or no answer after every
     * redelivery, or the rate limit. Trying again later can succeed; a refusal (404, 422, ...) cannot.
     */
    public static boolean unavailable(Exchange exchange) {
        if (exchange.getProperty(GitHubRateLimit.LIMITED, false, Boolean.class)) {
            return true;
        }
        Object failure = exchange.getProperty(GitHubDeadLetter.FAILURE);
        return failure instanceof java.util.Map<?, ?> f
                && ("server_error".equals(f.get("category")) || "network".equals(f.get("category")));
    }

    /** The call was dead-lettered or is waiting for the rate limit: there is no answer to read. */
    public static boolean failed(Exchange exchange) {
        return exchange.getProperty(GitHubDeadLetter.FAILURE) != null
                || exchange.getProperty(GitHubRateLimit.LIMITED, false, Boolean.class);
    }

    /** The last rate-limit answer GitHub gave (for health, metrics and the rate-limit wait). */
    public RateLimitStatus lastRateLimit() {
        return lastRateLimit.get();
    }

    /** ETag entries held, for metrics. */
    public int cachedUrls() {
        return etags.size();
    }
}
