package dev.selfheal.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole service as a process of its own ({@code java -cp <the test classpath> dev.selfheal.SelfhealApplication}),
 * profile {@code test}, on the machine's PostgreSQL ({@link ExternalPostgres}), with its own public port: what
 * several instances, a kill -9 and a restart are tested with. Its output goes to {@code <name>.log} in
 * {@code logDir}; {@code properties} are passed as command-line arguments, so they win over every profile.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Path log;
    private final int port;
    private final Process process;

    private ServiceProcess(String name, Path log, int port, Process process) {
        this.name = name;
        this.log = log;
        this.port = port;
        this.process = process;
    }

    /** Starts the service; {@link #awaitStarted} waits until its routes run. */
    public static ServiceProcess start(String name, Path logDir, Map<String, String> properties) {
        ExternalPostgres.ensureDatabase();
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // several JVMs share the machine's two cores with the test's own: small heaps, one GC thread
                "-Xmx384m", "-XX:+UseSerialGC", "-Xss512k",
                "-cp", classpath(), "dev.selfheal.SelfhealApplication",
                "--spring.profiles.active=test",
                "--spring.datasource.url=" + ExternalPostgres.jdbcUrl(),
                "--spring.datasource.username=postgres",
                "--server.port=" + port,
                "--management.server.port=0"));
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new ServiceProcess(name, log, port, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The classpath the tests run with (surefire hands it over in a property; the IDE in java.class.path). */
    private static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for Spring Boot's "Started" line (routes running); fails at once when the process ended. */
    public ServiceProcess awaitStarted(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " ended with " + process.exitValue() + " before it started; "
                        + "see " + log);
            }
            if (logContains("Started SelfhealApplication")) {
                return this;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " did not start within " + timeout + "; see " + log);
    }

    public boolean logContains(String text) {
        try (var lines = Files.lines(log)) {
            return lines.anyMatch(l -> l.contains(text));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no graceful stop, leases and claims left as they were. */
    public void kill() {
        process.destroyForcibly();
        waitForEnd();
    }

    /** A graceful stop (SIGTERM), kill -9 after 30 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitForEnd() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", port " + port + ")";
    }
}
