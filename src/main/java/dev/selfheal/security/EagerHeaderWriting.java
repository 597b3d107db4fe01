package dev.selfheal.security;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.web.header.HeaderWriterFilter;

/**
 * Security headers written before the request goes on, not after the chain returns. The public port's answers
 * (webhook, API) are written by Camel on its own thread: headers added after the chain returned would race that
 * thread's commit on Tomcat's header array (NPE, connection closed without an answer).
 */
public final class EagerHeaderWriting {

    private EagerHeaderWriting() {
    }

    public static Customizer<HeadersConfigurer<HttpSecurity>> eagerly() {
        return h -> h.addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
            @Override
            public <O extends HeaderWriterFilter> O postProcess(O filter) {
                filter.setShouldWriteHeadersEagerly(true);
                return filter;
            }
        });
    }
}
