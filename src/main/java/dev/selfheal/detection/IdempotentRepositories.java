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

    /** The processor name of the once-per-attempt keys (a poll's page claims them in one statement too). */
    public static final String RUN_ATTEMPTS = "run-attempts";

    /** X-GitHub-Delivery ids of webhook deliveries already handled. */
    @Bean
    JdbcMessageIdRepository githubDeliveries(DataSource dataSource) {
        return repository(dataSource, "github-deliveries");
    }

    /** owner/repo#run_id#run_attempt already handed to the retry engine, by webhook, poll or inbox. */
    @Bean
    JdbcMessageIdRepository runAttempts(DataSource dataSource) {
        return repository(dataSource, RUN_ATTEMPTS);
    }

    static JdbcMessageIdRepository repository(DataSource dataSource, String processor) {
        JdbcMessageIdRepository repo = new CheckAndRecordInOneStatement(dataSource, processor);
        repo.setCreateTableIfNotExists(false);
        // two instances racing on the same key: the loser's insert is a no-op instead of an error
        repo.setInsertString("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) "
                + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
        return repo;
    }

    /**
     * camel-sql's add() asks "seen?" and then inserts: two instances receiving the same delivery at the same moment
     * both see "not yet" and both go on. Here the insert alone decides: the one whose row went in handles the
     * message; the other's insert does nothing (the unique key waits for the first to commit) and it is a duplicate.
     */
    static final class CheckAndRecordInOneStatement extends JdbcMessageIdRepository {

        CheckAndRecordInOneStatement(DataSource dataSource, String processor) {
            super(dataSource, processor);
        }

        @Override
        public boolean add(String key) {
            return insert(key) == 1;
        }
    }
}
