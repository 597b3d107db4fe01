package dev.selfheal;

import dev.selfheal.evidence.EvidenceCommand;
import dev.selfheal.integrity.BundleCommand;
import dev.selfheal.integrity.ImportEvidenceCommand;
import dev.selfheal.integrity.VerifyCommand;
import dev.selfheal.governance.GovernanceCommand;
import dev.selfheal.api.ApiKeyCommand;
import dev.selfheal.retry.ClassifyCommand;
import dev.selfheal.sandbox.DemoReset;
import dev.selfheal.snapshots.SnapshotsCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SelfhealApplication {

    public static void main(String[] args) {
        // `java -jar selfheal.jar classify ...`: the rules tried on a log, without Spring, Camel or a database
        if (args.length > 0 && ClassifyCommand.NAME.equals(args[0])) {
            ClassifyCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // `java -jar selfheal.jar demo reset`: the demo's data removed, so the next start replays it
        if (args.length > 0 && DemoReset.NAME.equals(args[0])) {
            DemoReset.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // `java -jar selfheal.jar snapshots list|diff A B|restore ID`: config/routes snapshots, without Spring
        if (args.length > 0 && SnapshotsCommand.NAME.equals(args[0])) {
            SnapshotsCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // `java -jar selfheal.jar verify <folder>`: an auditor's offline check of copied evidence (docs/ops/AUDIT.md)
        if (args.length > 0 && VerifyCommand.NAME.equals(args[0])) {
            VerifyCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // `java -jar selfheal.jar bundle --from DAY --to DAY out.zip`: sealed days in one reproducible zip
        if (args.length > 0 && BundleCommand.NAME.equals(args[0])) {
            BundleCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // `java -jar selfheal.jar import-evidence DIR`: earlier manual evidence recorded with its hashes
        if (args.length > 0 && ImportEvidenceCommand.NAME.equals(args[0])) {
            ImportEvidenceCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // `java -jar selfheal.jar evidence collect --dry-run owner/repo RUN_ID`: what would be collected, nothing fetched
        if (args.length > 0 && EvidenceCommand.NAME.equals(args[0])) {
            System.exit(EvidenceCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    SelfhealApplication.class));
        }
        // `java -jar selfheal.jar docs generate` / `observe-report ...`: the governance documents, with the
        // service's context but no web server and no route started
        if (args.length > 0 && GovernanceCommand.handles(args[0])) {
            System.exit(GovernanceCommand.run(args, SelfhealApplication::documentsContext, System.out, System.err));
        }
        // `java -jar selfheal.jar apikey create|list|revoke ...`: API keys in the service's database
        if (args.length > 0 && ApiKeyCommand.NAME.equals(args[0])) {
            ApiKeyCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(SelfhealApplication.class, args);
    }

    /** The context a document command runs in: no web servers, no route started, no banner. */
    public static org.springframework.context.ConfigurableApplicationContext documentsContext(String[] args) {
        return new SpringApplicationBuilder(SelfhealApplication.class).web(WebApplicationType.NONE)
                .properties("camel.main.auto-startup=false", "spring.main.banner-mode=off").run(args);
    }
}
