package dev.selfheal.evidence;

import dev.selfheal.routes.ExchangeProperties;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar selfheal.jar evidence collect --dry-run owner/repo RUN_ID}: what a collection of that run would
 * fetch under {@code selfheal.evidence.artifact-patterns}, listed from GitHub's artifact list; nothing is
 * downloaded. It starts the service's configuration without its web ports, and of its routes only the GitHub calls
 * and {@code evidence-dry-run}, so no poll, consumer or timer runs. (A real collection is the service's job: the
 * inbox file drop.) Exit 0 listed, 1 GitHub refused, 2 usage.
 */
public final class EvidenceCommand {

    public static final String NAME = "evidence";
    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
    private static final List<String> ROUTES = List.of("github-dead-letter", "github-call", "github-list",
            "evidence-dry-run");

    private EvidenceCommand() {
    }

    public static int run(String[] args, Class<?> application) {
        if (args.length != 4 || !"collect".equals(args[0]) || !"--dry-run".equals(args[1])
                || !REPOSITORY.matcher(args[2]).matches() || !args[3].matches("[1-9][0-9]{0,18}")) {
            System.err.println("usage: java -jar selfheal.jar evidence collect --dry-run owner/repo RUN_ID");
            System.err.println("(only the dry run is a command; the service collects runs itself, or from the inbox)");
            return 2;
        }
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .properties("camel.main.auto-startup=false", "spring.main.banner-mode=off")
                .run()) {
            CamelContext camel = ctx.getBean(CamelContext.class);
            for (String route : ROUTES) {
                camel.getRouteController().startRoute(route);
            }
            ProducerTemplate producer = camel.createProducerTemplate();
            Exchange answer = producer.request("direct:evidence-dry-run", ex -> {
                ex.setProperty(ExchangeProperties.REPOSITORY, args[2]);
                ex.setProperty(ExchangeProperties.RUN_ID, Long.parseLong(args[3]));
            });
            if (answer.getException() != null) {
                System.err.println("evidence collect --dry-run: " + answer.getException().getMessage());
                return 1;
            }
            List<?> lines = answer.getMessage().getBody(List.class);
            lines.forEach(System.out::println);
            return lines.stream().anyMatch(l -> l.toString().startsWith("cannot list:")) ? 1 : 0;
        } catch (Exception e) {
            System.err.println("evidence collect --dry-run: " + e.getMessage());
            return 1;
        }
    }
}
