package dev.selfheal.detection;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.config.SelfhealProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts {@link WebhookAdmission} in front of the webhook path only, before every other filter. */
@Configuration(proxyBeanMethods = false)
public class WebhookAdmissionConfiguration {

    @Bean
    FilterRegistrationBean<WebhookAdmission> webhookAdmission(SelfhealProperties properties,
            WebhookProperties limits, DatabaseReachability database, ObjectMapper mapper) {
        FilterRegistrationBean<WebhookAdmission> registration = new FilterRegistrationBean<>(
                new WebhookAdmission(properties, limits, database, mapper));
        registration.addUrlPatterns("/webhooks/github");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
