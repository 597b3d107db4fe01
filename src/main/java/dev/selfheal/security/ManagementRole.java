package dev.selfheal.security;

import java.util.List;
import java.util.Locale;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A management login's role; each includes the ones before it (an operator may also view). */
public enum ManagementRole {
    VIEWER, OPERATOR, ADMIN;

    public static ManagementRole of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Spring Security authorities: ROLE_VIEWER for a viewer; ROLE_VIEWER and ROLE_OPERATOR for an operator... */
    public List<GrantedAuthority> authorities() {
        return java.util.Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal())
                .map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r.name())).toList();
    }

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
