package dev.selfheal.kpi;

import dev.selfheal.reports.ReportFolders;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Puts the dashboard's controller on the management server (port 8081), next to actuator and Hawtio, and not on
 * the public port that serves only the webhook. Listed in
 * META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
// the component scan finds this class in the main context too: it applies only in the management child
@Conditional(ManagementChildContext.class)
public class DashboardManagementConfiguration {

    @Bean
    DashboardController dashboardController(DashboardData data, DashboardPage page, ReportFolders folders) {
        return new DashboardController(data, page, folders);
    }
}
