package dev.selfheal.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The kill switch's engaged state is an open row of the shared test database: one left by a test that crashed
 * (or engaged on the way out) would start the next test class's service with every action stopped.
 */
public final class OpenKillSwitch {

    private OpenKillSwitch() {
    }

    /** Closes any open engagement, before the service of a test class starts. */
    public static void releaseInDatabase() {
        ExternalPostgres.ensureDatabase();
        try (Connection c = DriverManager.getConnection(ExternalPostgres.jdbcUrl(), "postgres", "")) {
            c.createStatement().executeUpdate("DO $$ BEGIN IF to_regclass('phase4_withheld_writes') IS NOT NULL THEN "
                    + "UPDATE phase4_killswitch_log SET released_at = now(), released_by = 'test set-up' "
                    + "WHERE released_at IS NULL; END IF; END $$");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
