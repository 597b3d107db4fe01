package dev.selfheal.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.retry.ClassifyCommand;
import dev.selfheal.retry.FailureClassifier;
import dev.selfheal.sanitize.Sanitizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * POST /api/v1/classify: one job's log in (text/plain, at most {@code selfheal.api.max-body}), the service's own
 * decision out, as {@code selfheal classify --json} prints it (category, rule, evidence, decision, signals,
 * error lines and a suggested rule for an unknown failure), masked. {@code ?job=NAME} names the job.
 */
@Component("apiClassify")
public class ApiClassify {

    private final FailureClassifier classifier;
    private final Sanitizer sanitizer;
    private final ObjectMapper mapper;

    public ApiClassify(FailureClassifier classifier, Sanitizer sanitizer, ObjectMapper mapper) {
        this.classifier = classifier;
        this.sanitizer = sanitizer;
        this.mapper = mapper;
    }

    public void classify(Exchange exchange) throws IOException {
        Message in = exchange.getMessage();
        String job = in.getHeader("job", String.class);
        if (job != null && !job.matches("[\\p{L}\\p{N} _.:()/-]{1,100}")) {
            throw ApiProblem.badRequest("'job' must be 1-100 letters, digits, spaces or _.:()/-.");
        }
        byte[] log = in.getBody(byte[].class);
        if (log == null || log.length == 0) {
            throw ApiProblem.badRequest("The body is empty: send one job's log as text/plain.");
        }
        Map<String, Object> decision = ClassifyCommand.classifyLog(classifier, "api", job,
                new ByteArrayInputStream(log));
        ApiAnswers.json(exchange, 200, sanitizer.sanitize(mapper.valueToTree(decision)).toString());
    }
}
