package dev.selfheal.api;

import dev.selfheal.security.ManagementRole;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/**
 * {@code java -jar selfheal.jar apikey create --role operator --name ci-dashboard [--expires-days 90]},
 * {@code apikey list}, {@code apikey revoke KEY_ID}: API keys managed in the service's database
 * ({@code SPRING_DATASOURCE_URL}, {@code _USERNAME}, {@code _PASSWORD}, as the service reads them), without
 * starting the service. The new key is printed once; only its hash is stored.
 */
public final class ApiKeyCommand {

    public static final String NAME = "apikey";
    static final int OK = 0;
    static final int USAGE = 2;
    static final String USAGE_TEXT = """
            usage: selfheal apikey create --role viewer|operator|admin --name NAME [--expires-days N]
                   selfheal apikey list
                   selfheal apikey revoke KEY_ID
            The database is SPRING_DATASOURCE_URL (with SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD).""";

    private ApiKeyCommand() {
    }

    /** From {@code SelfhealApplication.main} when the first argument is {@code apikey}. */
    public static void main(String[] args) {
        // a command's output is its answer: no framework logging on the console
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        try {
            return execute(List.of(args), out, env);
        } catch (IllegalArgumentException e) {
            err.println("selfheal apikey: " + e.getMessage());
            return USAGE;
        } catch (ApiProblem e) {
            err.println("selfheal apikey: " + e.getMessage());
            return USAGE;
        } catch (RuntimeException e) {
            err.println("selfheal apikey: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return USAGE;
        }
    }

    private static int execute(List<String> args, PrintStream out, Map<String, String> env) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            out.println(USAGE_TEXT);
            return args.isEmpty() ? USAGE : OK;
        }
        String command = args.get(0);
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        switch (command) {
            case "create" -> {
                String role = option(rest, "--role");
                String name = option(rest, "--name");
                String days = option(rest, "--expires-days");
                if (!rest.isEmpty()) {
                    throw new IllegalArgumentException("unexpected " + String.join(" ", rest) + "\n" + USAGE_TEXT);
                }
                if (role == null || name == null) {
                    throw new IllegalArgumentException("create needs --role and --name\n" + USAGE_TEXT);
                }
                ManagementRole r;
                try {
                    r = ManagementRole.of(role);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--role must be viewer, operator or admin");
                }
                Duration validFor = null;
                if (days != null) {
                    int n;
                    try {
                        n = Integer.parseInt(days);
                    } catch (NumberFormatException e) {
                        n = 0;
                    }
                    if (n < 1 || n > 3650) {
                        throw new IllegalArgumentException("--expires-days must be a number from 1 to 3650");
                    }
                    validFor = Duration.ofDays(n);
                }
                ApiKeys.Created created = keys(env).create(name, r, validFor,
                        "cli:" + System.getProperty("user.name", "?"));
                out.println("key id   " + created.key().keyId());
                out.println("name     " + created.key().name() + " (" + created.key().role().dbName() + ")");
                out.println("expires  " + (created.key().expiresAt() == null ? "never" : created.key().expiresAt()));
                out.println("key      " + created.secret());
                out.println("It is shown only this once (stored hashed). Use it as: Authorization: Bearer <key>");
                return OK;
            }
            case "list" -> {
                out.printf("%-12s  %-24s  %-8s  %-20s  %-20s  %-20s%n", "KEY ID", "NAME", "ROLE", "EXPIRES",
                        "REVOKED", "LAST USED");
                for (ApiKeys.ApiKey k : keys(env).list()) {
                    out.printf("%-12s  %-24s  %-8s  %-20s  %-20s  %-20s%n", k.keyId(), k.name(), k.role().dbName(),
                            text(k.expiresAt()), text(k.revokedAt()), text(k.lastUsedAt()));
                }
                return OK;
            }
            case "revoke" -> {
                if (rest.size() != 1) {
                    throw new IllegalArgumentException("revoke needs one KEY_ID\n" + USAGE_TEXT);
                }
                if (!keys(env).revoke(rest.get(0), "cli:" + System.getProperty("user.name", "?"))) {
                    throw new IllegalArgumentException("no such key, or it is revoked already: " + rest.get(0));
                }
                out.println("revoked " + rest.get(0));
                return OK;
            }
            default -> throw new IllegalArgumentException("unknown command " + command + "\n" + USAGE_TEXT);
        }
    }

    private static String text(java.time.Instant at) {
        return at == null ? "-" : at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** Removes {@code --name VALUE} from the arguments and returns VALUE (null when absent). */
    private static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return value;
    }

    private static ApiKeys keys(Map<String, String> env) {
        String url = env.get("SPRING_DATASOURCE_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("SPRING_DATASOURCE_URL is not set (the embedded database is reachable "
                    + "only while the service runs: then create keys with POST /api/v1/keys and an admin key)");
        }
        DriverManagerDataSource db = new DriverManagerDataSource(url, env.getOrDefault("SPRING_DATASOURCE_USERNAME",
                ""), env.getOrDefault("SPRING_DATASOURCE_PASSWORD", ""));
        return new ApiKeys(new JdbcTemplate(db), PasswordEncoderFactories.createDelegatingPasswordEncoder());
    }
}
