package dev.selfheal.detection;

import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * camel-sql's JDBC idempotent repositories (table {@code camel_messageprocessed}, created by Flyway): what was
 * handled survives a restart and is shared by every instance on the same database.
 */
@Configuration(proxyBeanMethods = false)
public class IdempotentRepositories {

    /** X-GitHub-Delivery ids of webhook deliveries already handled. */
    @Bean
    JdbcMessageIdRepository githubDeliveries(DataSource dataSource) {
        return repository(dataSource, "github-deliveries");
    }

    /** owner/repo#run_id#run_attempt already handed to the retry engine, by webhook, poll or inbox. */
    @Bean
    JdbcMessageIdRepository runAttempts(DataSource dataSource) {
        return repository(dataSource, "run-attempts");
    }

    private static JdbcMessageIdRepository repository(DataSource dataSource, String processor) {
        JdbcMessageIdRepository repo = new JdbcMessageIdRepository(dataSource, processor);
        repo.setCreateTableIfNotExists(false);
        // two instances racing on the same key: the loser's insert is a no-op instead of an error
        repo.setInsertString("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) "
                + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
        return repo;
    }
}
