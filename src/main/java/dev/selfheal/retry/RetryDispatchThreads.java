package dev.selfheal.retry;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The threads route retry-dispatch sends a claimed batch's re-runs on, side by side: each re-run is a wait on
 * GitHub, and one after the other they capped the dispatch at one POST's round trip (about 50 a second). Order
 * within a batch does not matter (each run is its own); the batch is claimed in due order and the next claim waits
 * for the whole batch. The CI guard's hourly budget stays exact: it counts rows from their claim, before any send.
 * A Camel thread-pool profile (the route names it), not an executor bean: Camel owns and stops the threads, and
 * Spring's own task executor, which backs on the absence of any executor bean, is left alone.
 */
@Configuration(proxyBeanMethods = false)
public class RetryDispatchThreads {

    public static final String PROFILE = "retryDispatchPool";

    @Bean
    CamelContextConfiguration retryDispatchProfile(@Value("${selfheal.retry.dispatch-threads:8}") int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("selfheal.retry.dispatch-threads must be at least 1, was " + threads);
        }
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                ThreadPoolProfile profile = new ThreadPoolProfile(PROFILE);
                profile.setPoolSize(threads);
                profile.setMaxPoolSize(threads);
                // the split hands over one claim (20 at most) and waits for it: the queue never holds more
                profile.setMaxQueueSize(1_000);
                camel.getExecutorServiceManager().registerThreadPoolProfile(profile);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }
}
