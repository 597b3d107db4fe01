package dev.selfheal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SelfhealApplication {

    public static void main(String[] args) {
        SpringApplication.run(SelfhealApplication.class, args);
    }
}
