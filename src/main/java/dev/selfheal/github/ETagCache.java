package dev.selfheal.github;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ETag and last body per URL, least recently used first out. A conditional GET answered 304 costs no rate
 * limit; the body is kept only when small, so 100 repositories' run lists do not sit in memory.
 */
final class ETagCache {

    record Entry(String etag, String body) {
    }

    private final int maxEntries;
    private final int maxBodyChars;
    private final Map<String, Entry> entries;

    ETagCache(int maxEntries, int maxBodyChars) {
        this.maxEntries = maxEntries;
        this.maxBodyChars = maxBodyChars;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > ETagCache.this.maxEntries;
            }
        };
    }

    synchronized Entry get(String url) {
        return entries.get(url);
    }

    synchronized void put(String url, String etag, String body) {
        entries.put(url, new Entry(etag, body != null && body.length() <= maxBodyChars ? body : null));
    }

    synchronized int size() {
        return entries.size();
    }
}
