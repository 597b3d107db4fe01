package dev.selfheal;

import dev.selfheal.api.ApiKeyCommand;
import dev.selfheal.retry.ClassifyCommand;
import dev.selfheal.sandbox.DemoReset;
import org.springframework.boot.SpringApplication;
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
        // `java -jar selfheal.jar apikey create|list|revoke ...`: API keys in the service's database
        if (args.length > 0 && ApiKeyCommand.NAME.equals(args[0])) {
            ApiKeyCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(SelfhealApplication.class, args);
    }
}
