package dev.selfheal.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Management logins stored hashed in {@code management_users}. At start the first admin is made sure of: with
 * a configured password it is (re)set to it; without one and no admin yet, a random password is generated and
 * printed once, as Spring Boot does for its default user.
 */
public class ManagementUsers implements UserDetailsService {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementUsers.class);

    private final JdbcTemplate jdbc;
    private final PasswordEncoder encoder;

    public ManagementUsers(JdbcTemplate jdbc, PasswordEncoder encoder) {
        this.jdbc = jdbc;
        this.encoder = encoder;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        List<UserDetails> found = jdbc.query(
                "SELECT username, password_hash, role, enabled FROM management_users WHERE username = ?",
                (rs, i) -> User.withUsername(rs.getString(1)).password(rs.getString(2))
                        .authorities(ManagementRole.of(rs.getString(3)).authorities())
                        .disabled(!rs.getBoolean(4)).build(),
                username);
        if (found.isEmpty()) {
            throw new UsernameNotFoundException("no such management user");
        }
        return found.get(0);
    }

    /** Creates or replaces a login; the password is stored only as its encoding. */
    public void save(String username, String password, ManagementRole role) {
        jdbc.update("""
                INSERT INTO management_users (username, password_hash, role) VALUES (?, ?, ?)
                ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
                    enabled = true, updated_at = now()""", username, encoder.encode(password), role.dbName());
    }

    void ensureFirstAdmin(ManagementProperties properties) {
        String user = properties.adminUser();
        if (properties.hasAdminPassword()) {
            List<String> hash = jdbc.queryForList(
                    "SELECT password_hash FROM management_users WHERE username = ?", String.class, user);
            if (hash.isEmpty() || !encoder.matches(properties.adminPassword(), hash.get(0))) {
                save(user, properties.adminPassword(), ManagementRole.ADMIN);
                LOG.info("Management login '{}' (admin) set from selfheal.management.admin-password", user);
            }
            return;
        }
        Integer admins = jdbc.queryForObject("SELECT count(*) FROM management_users WHERE role = 'admin'",
                Integer.class);
        if (admins != null && admins > 0) {
            return;
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        save(user, password, ManagementRole.ADMIN);
        // printed once, like Spring Boot's "Using generated security password": it is stored only hashed
        LOG.warn("""

                Using generated management password for '{}': {}
                It is shown only this once. Set SELFHEAL_MANAGEMENT_ADMIN_PASSWORD to choose it.
                """, user, password);
    }
}
