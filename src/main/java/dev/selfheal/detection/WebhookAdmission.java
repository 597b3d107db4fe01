package dev.selfheal.detection;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.security.AnswerWritten;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The door of {@code POST /webhooks/github}, in front of the route {@code detection-webhook}: everything a caller
 * on the internet sends is refused or bounded before it is read whole, parsed or logged. In order: a JSON
 * content type (415), a declared length within {@code selfheal.webhook.max-body} (413), room in the shared
 * buffer budget (503), the raw body read within the length and time limits (413, 408), the HMAC signature over
 * those raw bytes (401), the database able to record the run (503), fewer than {@code selfheal.webhook.max-pending}
 * signed deliveries waiting to be recorded (503 at once, not an answer after GitHub gave up). Only then does the
 * route see the body,
 * already in memory, so slow senders never hold Camel's threads. Refusals are logged at DEBUG with our reason
 * only, never the caller's bytes.
 */
public class WebhookAdmission extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookAdmission.class);
    private static final int FIRST_CHUNK = 16 * 1024;

    private final WebhookSignature signature;
    private final WebhookProperties limits;
    private final DatabaseReachability database;
    private final ObjectMapper mapper;
    private final AtomicLong buffered = new AtomicLong();
    /** Signed deliveries handed to the route and not yet answered (queued for intake's threads or in intake). */
    private final AtomicInteger pending = new AtomicInteger();

    public WebhookAdmission(SelfhealProperties properties, WebhookProperties limits, DatabaseReachability database,
            ObjectMapper mapper) {
        String secret = properties.github().webhookSecret();
        this.signature = secret == null || secret.isBlank() ? null : new WebhookSignature(secret);
        this.limits = limits;
        this.database = database;
        this.mapper = mapper;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (signature == null) {
            refuse(response, 503, "webhook secret not configured (selfheal.github.webhook-secret): nothing accepted");
            return;
        }
        if (!isJson(request.getContentType())) {
            refuse(response, 415, "content type must be application/json (set it in the webhook's settings)");
            return;
        }
        long max = limits.maxBody().toBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            refuse(response, 413, "body larger than " + max + " bytes");
            return;
        }
        Body body = new Body();
        try {
            String problem = read(request, declared, max, body);
            if (problem != null) {
                refuse(response, problem.startsWith("body larger") ? 413 : problem.startsWith("busy") ? 503 : 408,
                        problem);
                return;
            }
            String header = request.getHeader("X-Hub-Signature-256");
            if (header == null || header.isBlank()) {
                refuse(response, 401, "missing X-Hub-Signature-256 header");
                return;
            }
            if (!signature.matches(header, body.bytes, body.length)) {
                refuse(response, 401, "X-Hub-Signature-256 does not match the body signed with the webhook secret");
                return;
            }
            if ("workflow_run".equals(request.getHeader("X-GitHub-Event")) && !database.reachable()) {
                refuse(response, 503, "the run could not be recorded now; GitHub can redeliver this delivery, and "
                        + "the poll will pick the run up when Selfheal's database is back");
                return;
            }
            if (pending.incrementAndGet() > limits.maxPending()) {
                pending.decrementAndGet();
                refuse(response, 503, "busy: " + limits.maxPending() + " deliveries are waiting to be recorded; "
                        + "try again (the poll also finds the run)");
                return;
            }
            boolean listenerReleases = false;
            try {
                chain.doFilter(new ReadBody(request, body), response);
                listenerReleases = releaseOnCompletion(request);
            } finally {
                if (!listenerReleases) {
                    // answered here (or failed): the delivery waits no more
                    pending.decrementAndGet();
                }
            }
        } finally {
            buffered.addAndGet(-body.reserved);
        }
    }

    /**
     * The route answers later on its own threads (an async request): the delivery counts as pending until that
     * answer is written. True when a listener will release it; false when the answer is already written.
     */
    private boolean releaseOnCompletion(HttpServletRequest request) {
        if (!request.isAsyncStarted()) {
            return false;
        }
        try {
            // onComplete follows a time-out or an error too
            request.getAsyncContext().addListener(new AnswerWritten(pending::decrementAndGet));
            return true;
        } catch (IllegalStateException alreadyComplete) {
            return false;
        }
    }

    /**
     * Reads the raw body into {@code body}; null when it is complete, else why it was given up. Memory is
     * reserved as bytes arrive (doubling from 16 KiB), not for the declared length: a slow sender holds only
     * what it has sent.
     */
    private String read(HttpServletRequest request, long declared, long max, Body body) throws IOException {
        long target = declared >= 0 ? declared : max + 1;
        int first = (int) Math.min(target, FIRST_CHUNK);
        if (!reserve(body, first)) {
            return "busy: too many deliveries being read at once, try again";
        }
        body.bytes = new byte[first];
        long deadline = System.nanoTime() + limits.readTimeout().toNanos();
        InputStream in = request.getInputStream();
        try {
            while (true) {
                if (body.length == body.bytes.length) {
                    if (body.length == target) {
                        if (declared < 0) {
                            return "body larger than " + max + " bytes";
                        }
                        return in.read() == -1 ? null : "body longer than its Content-Length";
                    }
                    int grown = (int) Math.min(target, (long) body.bytes.length * 2);
                    if (!reserve(body, grown - body.bytes.length)) {
                        return "busy: too many deliveries being read at once, try again";
                    }
                    body.bytes = Arrays.copyOf(body.bytes, grown);
                }
                int n = in.read(body.bytes, body.length, body.bytes.length - body.length);
                if (n == -1) {
                    return declared >= 0 && body.length < declared ? "body shorter than its Content-Length" : null;
                }
                body.length += n;
                if (System.nanoTime() > deadline) {
                    return "body not received within " + limits.readTimeout().toSeconds() + " s";
                }
            }
        } catch (IOException e) {
            // the client went away or stopped sending (the connector's read time-out)
            return "body not received: the connection stalled or closed";
        }
    }

    private boolean reserve(Body body, long bytes) {
        long cap = limits.maxBuffered().toBytes();
        while (true) {
            long now = buffered.get();
            if (now + bytes > cap) {
                return false;
            }
            if (buffered.compareAndSet(now, now + bytes)) {
                body.reserved += bytes;
                return true;
            }
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json");
    }

    private void refuse(HttpServletResponse response, int status, String reason) throws IOException {
        LOG.debug("Webhook delivery refused: {} {}", status, reason);
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        if (status == 413 || status == 408) {
            // the rest of the body is not read: the connection cannot carry another request
            response.setHeader("Connection", "close");
        }
        if (status == 503) {
            response.setHeader("Retry-After", "5");
        }
        byte[] json = mapper.writeValueAsBytes(Map.of("error", reason));
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }

    private static final class Body {
        byte[] bytes;
        int length;
        long reserved;
    }

    /** The request with its body already read and checked. */
    private static final class ReadBody extends HttpServletRequestWrapper {
        private final Body body;

        ReadBody(HttpServletRequest request, Body body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body.bytes, 0, body.length);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
