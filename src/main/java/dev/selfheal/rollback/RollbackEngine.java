package dev.selfheal.rollback;

import dev.selfheal.jmx.PlatformMBeans;
import dev.selfheal.config.SelfhealProperties;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.camel.ProducerTemplate;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import javax.management.JMException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The rollback engine's entry point: {@link #request} checks a request and runs route rollback-request with it
 * (routes/rollback.yaml), returning the finished {@link Rollback} (its plan in a dry run). The same operations
 * are the MBean {@code dev.selfheal:type=RollbackEngine} (Hawtio, Jolokia with an operator login). A bad
 * request is refused with {@link IllegalArgumentException} and nothing is recorded.
 */
@Component("rollbackEngine")
public class RollbackEngine implements RollbackEngineMBean {

    /** Registered in the platform MBean server by the engine itself: it is there whatever Spring's JMX says. */
    public static final String OBJECT_NAME = "dev.selfheal:type=RollbackEngine";

    static final Pattern WORKFLOW = Pattern.compile("\\d{1,19}|[A-Za-z0-9_.-]{1,100}\\.ya?ml");
    static final int MAX_REASON = 500;
    static final List<String> TRIGGERS = List.of("consecutive_failures", "critical_detection", "mbean", "inbox", "api");

    private final ProducerTemplate producer;
    private final RollbackProperties properties;
    private final List<String> watched;
    private final AtomicReference<String> last = new AtomicReference<>("none since start");

    public RollbackEngine(ProducerTemplate producer, RollbackProperties properties, SelfhealProperties selfheal) {
        this.producer = producer;
        this.properties = properties;
        this.watched = selfheal.github().repositories();
    }

    /** A rollback asked through the API (trigger "api"). */
    public Rollback request(String repository, String workflow, String reason, String actor) {
        return run(new RollbackRequest(repository, workflow, reason, actor, "api", null, null));
    }

    /** Any trigger's request (route rollback-detection, the inbox, the MBean). */
    public Rollback run(RollbackRequest request) {
        refuseBad(request);
        refuseUnwatched(request);
        Rollback done = producer.requestBody("direct:rollback-request", request, Rollback.class);
        last.set(done.summary());
        return done;
    }

    @Override
    public String rollback(String repository, String workflow, String reason) {
        return run(new RollbackRequest(repository, workflow, reason, currentLogin(), "mbean", null, null)).summary();
    }

    @Override
    public String rollbackRestoringSnapshot(String repository, String workflow, String reason, String snapshotId) {
        return run(new RollbackRequest(repository, workflow, reason, currentLogin(), "mbean", snapshotId, null))
                .summary();
    }

    @Override
    public String getMode() {
        return properties.mode();
    }

    @Override
    public String getRemovableSecrets() {
        return String.join(",", properties.removableSecrets());
    }

    @Override
    public String getLastRollback() {
        return last.get();
    }

    @PostConstruct
    void registerMBean() throws JMException {
        PlatformMBeans.register(this, OBJECT_NAME);
    }

    @PreDestroy
    void unregisterMBean() throws JMException {
        PlatformMBeans.unregister(OBJECT_NAME);
    }

    /** Refuses a request that is malformed whatever is watched (the inbox checks its lines with it). */
    public static void refuseBad(RollbackRequest r) {
        if (r.repository() == null || !r.repository().matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
                || r.repository().matches("\\.+/.*|.*/\\.+")) {
            throw new IllegalArgumentException("repository must be owner/repo, was " + r.repository());
        }
        if (r.workflow() == null || !WORKFLOW.matcher(r.workflow()).matches()) {
            throw new IllegalArgumentException("workflow must be a workflow id or a file name like deploy.yml, was "
                    + r.workflow());
        }
        if (r.reason() == null || r.reason().isBlank() || r.reason().length() > MAX_REASON) {
            throw new IllegalArgumentException("a rollback needs a reason of 1 to " + MAX_REASON + " characters");
        }
        if (r.actor() == null || r.actor().isBlank() || !TRIGGERS.contains(r.trigger())) {
            throw new IllegalArgumentException("a rollback needs an actor and one of the triggers " + TRIGGERS);
        }
    }

    private void refuseUnwatched(RollbackRequest r) {
        if (!watched.isEmpty() && !watched.contains(r.repository())) {
            throw new IllegalArgumentException(r.repository() + " is not a watched repository (selfheal.github.repositories)");
        }
    }

    private static String currentLogin() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() ? "JMX" : auth.getName();
    }
}
