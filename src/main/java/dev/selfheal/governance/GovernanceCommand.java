package dev.selfheal.governance;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar selfheal.jar docs generate} and
 * {@code java -jar selfheal.jar observe-report --window-days 7 --observer-run-id ID}: the service's context
 * without its web servers and with no route started (nothing is polled or re-run), the documents written as
 * the daily route writes them, then the links checked. Other {@code --name=value} arguments are Spring
 * properties (for example {@code --spring.datasource.url=...}). Exit codes: 0 written and every link resolves,
 * 1 a link leads nowhere, 2 usage or input error.
 */
public final class GovernanceCommand {

    public static final String DOCS = "docs";
    public static final String OBSERVE = "observe-report";

    private GovernanceCommand() {
    }

    public static boolean handles(String first) {
        return DOCS.equals(first) || OBSERVE.equals(first);
    }

    /** Runs the command of {@code args} (its name first) in a context {@code start} makes from Spring arguments. */
    public static int run(String[] args, Function<String[], ConfigurableApplicationContext> start, PrintStream out,
            PrintStream err) {
        List<String> spring = new ArrayList<>();
        List<String> own = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--") && args[i].contains("=") && !args[i].startsWith("--window-days")
                    && !args[i].startsWith("--observer-run-id")) {
                spring.add(args[i]);
            } else {
                own.add(args[i]);
            }
        }
        Integer days = null;
        String runId = null;
        if (DOCS.equals(args[0])) {
            if (!own.equals(List.of("generate"))) {
                return usage(err, "give 'docs generate'");
            }
        } else {
            for (int i = 0; i < own.size(); i++) {
                String a = own.get(i);
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < own.size() ? own.get(++i) : null;
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                if ("--window-days".equals(name) && value != null && value.matches("\\d{1,3}")
                        && Integer.parseInt(value) >= 1) {
                    days = Integer.parseInt(value);
                } else if ("--observer-run-id".equals(name) && value != null) {
                    runId = value;
                } else {
                    return usage(err, "unknown or incomplete argument " + a);
                }
            }
            if (runId == null) {
                return usage(err, "--observer-run-id ID is required");
            }
            try {
                GovernanceDocs.checkRunId(runId);
            } catch (IllegalArgumentException e) {
                return usage(err, e.getMessage());
            }
        }
        try (ConfigurableApplicationContext context = start.apply(spring.toArray(String[]::new))) {
            GovernanceDocs docs = context.getBean(GovernanceDocs.class);
            GovernanceDocs.Generated generated = DOCS.equals(args[0]) ? docs.generate()
                    : docs.observerSummary(days == null ? context.getEnvironment()
                            .getProperty("selfheal.kpi.window-days", Integer.class, 7) : days, runId);
            generated.files().forEach(f -> out.println("written " + f));
            generated.brokenLinks().forEach(b -> err.println("broken link " + b));
            return generated.brokenLinks().isEmpty() ? 0 : 1;
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } catch (java.io.IOException e) {
            err.println("selfheal " + args[0] + ": " + e.getMessage());
            return 2;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("selfheal: " + problem + " (usage: docs generate | observe-report --window-days N "
                + "--observer-run-id ID)");
        return 2;
    }
}
