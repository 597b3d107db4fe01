package dev.selfheal.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;

/**
 * The embedded server's superuser password: kept in a 0600 file beside its data, set on the role with
 * scram-sha-256, and required of every connection by the server's {@code pg_hba.conf} (initdb leaves it "trust").
 */
final class EmbeddedPassword {

    private static final String HBA = """
            # Written by Selfheal at every start: every connection needs the password in pg.password
            local all all scram-sha-256
            host  all all 127.0.0.1/32 scram-sha-256
            host  all all ::1/128 scram-sha-256
            """;

    private EmbeddedPassword() {
    }

    static String readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        }
        Files.writeString(file, password, StandardCharsets.US_ASCII);
        return password;
    }

    /** Sets the password on the role and makes the server require it (reloaded at once). */
    static void requireIt(EmbeddedPostgres pg, Path dataDir, String password) throws IOException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            // base64url: no quote can end the literal
            s.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
            Path hba = dataDir.resolve("pg_hba.conf");
            Path tmp = dataDir.resolve("pg_hba.conf.tmp");
            Files.writeString(tmp, HBA, StandardCharsets.US_ASCII);
            Files.move(tmp, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("could not require a password of the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
