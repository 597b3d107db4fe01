package dev.selfheal.api;

import dev.selfheal.security.ManagementRole;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * API keys in {@code api_keys}. A key reads {@code shk_<key id>_<secret>}: the key id finds the row, the whole
 * key is checked against its bcrypt encoding (as management passwords are). A key is shown once, when created;
 * it can expire and be revoked, and its last use is kept (to the minute). The bootstrap key (any text of 24
 * characters or more) gets a key id derived from its SHA-256.
 */
public class ApiKeys {

    public record ApiKey(String keyId, String name, ManagementRole role, String createdBy, Instant createdAt,
            Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {
    }

    /** A new key: its row and the key itself, which exists nowhere else. */
    public record Created(ApiKey key, String secret) {
    }

    public static final String BOOTSTRAP_NAME = "bootstrap";
    private static final Logger LOG = LoggerFactory.getLogger("selfheal.api");
    private static final Pattern KEY = Pattern.compile("shk_([a-z0-9]{12})_[A-Za-z0-9]{32}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_KEY_LENGTH = 256;
    private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    private final JdbcTemplate jdbc;
    private final PasswordEncoder encoder;
    private final SecureRandom random = new SecureRandom();
    /** Keys already checked against their bcrypt encoding: key id -> SHA-256 of the key (bcrypt is slow by design). */
    private final Map<String, String> verified = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastUsedWritten = new ConcurrentHashMap<>();

    public ApiKeys(JdbcTemplate jdbc, PasswordEncoder encoder) {
        this.jdbc = jdbc;
        this.encoder = encoder;
    }

    public Created create(String name, ManagementRole role, Duration validFor, String createdBy) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiProblem.badRequest("name must be 1-64 letters, digits or _.@-");
        }
        String keyId = randomText("abcdefghijklmnopqrstuvwxyz0123456789", 12);
        String secret = "shk_" + keyId + "_" + randomText(ALPHABET, 32);
        Instant expires = validFor == null ? null : Instant.now().plus(validFor);
        jdbc.update("INSERT INTO api_keys (key_id, name, key_hash, role, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                keyId, name, encoder.encode(secret), role.dbName(), createdBy,
                expires == null ? null : Timestamp.from(expires));
        LOG.info("API key {} ({}, {}) created by {}{}", keyId, name, role.dbName(), createdBy,
                expires == null ? "" : ", expires " + expires);
        return new Created(find(keyId).orElseThrow(), secret);
    }

    public List<ApiKey> list() {
        return jdbc.query("SELECT * FROM api_keys ORDER BY created_at, key_id", (rs, i) -> row(rs));
    }

    public Optional<ApiKey> find(String keyId) {
        return jdbc.query("SELECT * FROM api_keys WHERE key_id = ?", (rs, i) -> row(rs), keyId).stream().findFirst();
    }

    /** Revokes the key; false when there is no such key or it was revoked already. */
    public boolean revoke(String keyId, String by) {
        int n = jdbc.update("UPDATE api_keys SET revoked_at = now() WHERE key_id = ? AND revoked_at IS NULL", keyId);
        verified.remove(keyId);
        if (n > 0) {
            LOG.info("API key {} revoked by {}", keyId, by);
        }
        return n > 0;
    }

    /** The key a bearer token is, when it exists, is not revoked or expired and matches its encoding. */
    public Optional<ApiKey> authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_KEY_LENGTH) {
            return Optional.empty();
        }
        String keyId = keyIdOf(presented);
        List<Object[]> rows = jdbc.query("SELECT key_hash FROM api_keys WHERE key_id = ? AND revoked_at IS NULL "
                + "AND (expires_at IS NULL OR expires_at > now())", (rs, i) -> new Object[] {rs.getString(1)}, keyId);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        String digest = sha256(presented);
        if (!digest.equals(verified.get(keyId))) {
            if (!encoder.matches(presented, (String) rows.get(0)[0])) {
                return Optional.empty();
            }
            verified.put(keyId, digest);
        }
        markUsed(keyId);
        return find(keyId);
    }

    private void markUsed(String keyId) {
        Instant now = Instant.now();
        Instant last = lastUsedWritten.get(keyId);
        if (last == null || last.plus(LAST_USED_GRANULARITY).isBefore(now)) {
            lastUsedWritten.put(keyId, now);
            jdbc.update("UPDATE api_keys SET last_used_at = now() WHERE key_id = ?", keyId);
        }
    }

    /**
     * The bootstrap admin key: stored hashed on first start. A revoked bootstrap key stays revoked (an admin's
     * revocation is not undone by the environment still holding it).
     */
    public void ensureBootstrap(String key) {
        if (key.length() < 24 || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalStateException("selfheal.api.bootstrap-key (SELFHEAL_API_BOOTSTRAP_KEY) must be 24 to "
                    + MAX_KEY_LENGTH + " characters long");
        }
        String keyId = keyIdOf(key);
        Optional<ApiKey> existing = find(keyId);
        if (existing.isPresent()) {
            if (existing.get().revokedAt() != null) {
                LOG.warn("API bootstrap key {} was revoked: it stays revoked (unset SELFHEAL_API_BOOTSTRAP_KEY)", keyId);
            }
            return;
        }
        jdbc.update("INSERT INTO api_keys (key_id, name, key_hash, role, created_by) VALUES (?, ?, ?, 'admin', ?)",
                keyId, BOOTSTRAP_NAME, encoder.encode(key), "SELFHEAL_API_BOOTSTRAP_KEY");
        LOG.info("API bootstrap key {} (admin) stored hashed from SELFHEAL_API_BOOTSTRAP_KEY", keyId);
    }

    static String keyIdOf(String presented) {
        Matcher m = KEY.matcher(presented);
        return m.matches() ? m.group(1) : sha256(presented).substring(0, 12);
    }

    private static ApiKey row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ApiKey(rs.getString("key_id"), rs.getString("name"), ManagementRole.of(rs.getString("role")),
                rs.getString("created_by"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("revoked_at")),
                instant(rs.getTimestamp("last_used_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private String randomText(String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
