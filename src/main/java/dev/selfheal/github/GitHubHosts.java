package dev.selfheal.github;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Where our calls may go. The token travels only to the configured API (same scheme, host, port and path
 * prefix), so a {@code Link: rel="next"} naming another host ends paging instead of leaking it; downloads
 * follow GitHub's 302 only to the configured storage hosts ({@code selfheal.github.download-hosts}) or the API's
 * own host.
 */
final class GitHubHosts {

    private final URI api;
    private final String apiPath;
    private final List<String> downloadHosts;

    GitHubHosts(URI api, List<String> downloadHosts) {
        this.api = api;
        String path = api.getRawPath() == null ? "" : api.getRawPath();
        this.apiPath = path.endsWith("/") ? path : path + "/";
        this.downloadHosts = downloadHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** True when {@code url} is under the configured API base URL. */
    boolean withinApi(String url) {
        URI u = parse(url);
        if (u == null || u.getHost() == null) {
            return false;
        }
        String path = u.getRawPath() == null ? "/" : u.getRawPath();
        return api.getScheme().equalsIgnoreCase(u.getScheme()) && api.getHost().equalsIgnoreCase(u.getHost())
                && port(api) == port(u) && (path + "/").startsWith(apiPath);
    }

    /** True when a download may be fetched from {@code url} (https storage host, or the API's own host). */
    boolean downloadAllowed(String url) {
        URI u = parse(url);
        if (u == null || u.getHost() == null) {
            return false;
        }
        if (api.getHost().equalsIgnoreCase(u.getHost()) && port(api) == port(u)
                && api.getScheme().equalsIgnoreCase(u.getScheme())) {
            return true;
        }
        if (!"https".equalsIgnoreCase(u.getScheme())) {
            return false;
        }
        String host = u.getHost().toLowerCase(Locale.ROOT);
        String hostPort = host + ":" + port(u);
        for (String allowed : downloadHosts) {
            String name = allowed.contains(":") ? hostPort : host;
            if (allowed.startsWith("*.") ? name.endsWith(allowed.substring(1)) : name.equals(allowed)) {
                return true;
            }
        }
        return false;
    }

    /** The host (and port) of a URL for a log line (never the whole URL: it may carry a signature). */
    static String hostOf(String url) {
        URI u = parse(url);
        return u == null || u.getHost() == null ? "(unparseable URL)"
                : u.getPort() == -1 ? u.getHost() : u.getHost() + ":" + u.getPort();
    }

    private static URI parse(String url) {
        try {
            return url == null ? null : URI.create(url);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
