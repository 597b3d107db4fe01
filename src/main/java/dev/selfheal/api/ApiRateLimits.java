package dev.selfheal.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Token buckets per API key and per client address: each holds a minute's allowance and refills continuously.
 * A request that finds its bucket empty is answered 429 with the seconds until one token is back.
 */
@Component
public class ApiRateLimits {

    /** What a bucket said about one request, for the X-RateLimit-* headers. */
    public record Decision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {
    }

    // at most this many client addresses are remembered; past it, full buckets (idle clients) are dropped
    private static final int MAX_IPS = 10_000;

    private final ApiProperties properties;
    private final Map<String, Bucket> keys = new ConcurrentHashMap<>();
    private final Map<String, Bucket> ips = new ConcurrentHashMap<>();

    public ApiRateLimits(ApiProperties properties) {
        this.properties = properties;
    }

    public Decision takeForKey(String keyId) {
        return keys.computeIfAbsent(keyId, k -> new Bucket(properties.perKeyPerMinute())).take(System.nanoTime());
    }

    public Decision takeForAddress(String address) {
        if (ips.size() > MAX_IPS) {
            long now = System.nanoTime();
            ips.values().removeIf(b -> b.isFull(now));
        }
        return ips.computeIfAbsent(address, k -> new Bucket(properties.perIpPerMinute())).take(System.nanoTime());
    }

    static final class Bucket {
        private final int perMinute;
        private final double perNano;
        private double tokens;
        private long at;

        Bucket(int perMinute) {
            this.perMinute = perMinute;
            this.perNano = perMinute / 60e9;
            this.tokens = perMinute;
            this.at = System.nanoTime();
        }

        synchronized Decision take(long now) {
            tokens = Math.min(perMinute, tokens + (now - at) * perNano);
            at = now;
            long resetSeconds = (long) Math.ceil((perMinute - tokens) / perNano / 1e9);
            if (tokens >= 1) {
                tokens -= 1;
                return new Decision(true, perMinute, (int) tokens, resetSeconds, 0);
            }
            long retryAfter = Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e9));
            return new Decision(false, perMinute, 0, resetSeconds, retryAfter);
        }

        synchronized boolean isFull(long now) {
            return tokens + (now - at) * perNano >= perMinute;
        }
    }
}
