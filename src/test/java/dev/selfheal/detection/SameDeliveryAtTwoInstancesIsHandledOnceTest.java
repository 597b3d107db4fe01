package dev.selfheal.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.test.SelfhealTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two instances receive the same X-GitHub-Delivery at the same moment: the delivery check and its record are one
 * statement, so exactly one instance handles it. The other instance is played by a second connection whose
 * record is not yet committed when this one checks.
 */
@SelfhealTest
class SameDeliveryAtTwoInstancesIsHandledOnceTest {

    @Autowired
    DataSource dataSource;

    @Test
    void theInstanceThatCommitsSecondSeesADuplicate() throws Exception {
        JdbcMessageIdRepository deliveries = IdempotentRepositories.repository(dataSource, "github-deliveries");
        String delivery = UUID.randomUUID().toString();
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement("INSERT INTO camel_messageprocessed "
                    + "(processorname, messageid, createdat) VALUES ('github-deliveries', ?, ?)")) {
                insert.setString(1, delivery);
                insert.setTimestamp(2, new Timestamp(System.currentTimeMillis()));
                insert.executeUpdate();
            }
            // this instance checks while the other's record is in flight: it must wait for it, not say "new"
            CompletableFuture<Boolean> mine = CompletableFuture.supplyAsync(() -> deliveries.add(delivery));
            Thread.sleep(300); // let this instance reach the database while the other's transaction is still open
            other.commit();
            assertThat(mine.get(10, TimeUnit.SECONDS)).as("handled by this instance too").isFalse();
        }
        assertThat(deliveries.add(UUID.randomUUID().toString())).as("a new delivery is new").isTrue();
    }
}
