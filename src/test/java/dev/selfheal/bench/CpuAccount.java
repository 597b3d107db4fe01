package dev.selfheal.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent between two readings, split by who spent it: Selfheal's own threads, WireMock's Jetty threads
 * ({@code qtp…}), the load generator's threads ({@code loadgen…}), the JVM itself (JIT compilers and GC: the
 * process's CPU minus its Java threads') and the PostgreSQL server's processes. On a shared 2-core machine the
 * wall-clock capacity depends on what else runs; CPU per re-run does much less, and 2 cores divided by it is what
 * one instance could do with the cores to itself.
 */
final class CpuAccount {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long TICK_NANOS = 10_000_000L; // USER_HZ 100

    private final Map<String, Long> byGroup = new HashMap<>();
    private final long process;
    private final long postgres;

    private CpuAccount(long process, long postgres) {
        this.process = process;
        this.postgres = postgres;
    }

    static CpuAccount read() {
        CpuAccount a = new CpuAccount(((com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime(), postgresNanos());
        for (long id : THREADS.getAllThreadIds()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            long cpu = THREADS.getThreadCpuTime(id);
            if (info != null && cpu > 0) {
                a.byGroup.merge(group(info.getThreadName()), cpu, Long::sum);
            }
        }
        return a;
    }

    static String group(String thread) {
        if (thread.startsWith("qtp")) {
            return "wiremock";
        }
        if (thread.startsWith("loadgen") || thread.startsWith("HttpClient-")) {
            return "loadgen";
        }
        return "selfheal";
    }

    /** One line: ms of CPU per re-run for each group since {@code before}. */
    String perRun(CpuAccount before, int reruns) {
        double n = Math.max(1, reruns);
        double selfheal = delta(before, "selfheal") / 1e6 / n;
        double wiremock = delta(before, "wiremock") / 1e6 / n;
        double loadgen = delta(before, "loadgen") / 1e6 / n;
        long threadsNow = byGroup.values().stream().mapToLong(Long::longValue).sum();
        long threadsThen = before.byGroup.values().stream().mapToLong(Long::longValue).sum();
        double jvm = Math.max(0, (process - before.process) - (threadsNow - threadsThen)) / 1e6 / n;
        double pg = (postgres - before.postgres) / 1e6 / n;
        return String.format(java.util.Locale.ROOT, "CPU ms per re-run: selfheal threads %.2f, JVM (JIT+GC) %.2f, "
                + "PostgreSQL %.2f -> service total %.2f (2 cores / that = %.0f re-runs/s); WireMock %.2f, "
                + "load generator %.2f", selfheal, jvm, pg, selfheal + jvm + pg, 2000 / (selfheal + jvm + pg),
                wiremock, loadgen);
    }

    private long delta(CpuAccount before, String group) {
        return byGroup.getOrDefault(group, 0L) - before.byGroup.getOrDefault(group, 0L);
    }

    /** utime + stime of every process named postgres (the server and its backends). */
    static long postgresNanos() {
        long ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, close).startsWith("postgres")) {
                        continue;
                    }
                    String[] f = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                } catch (IOException | RuntimeException gone) {
                    // the process ended while being read
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * TICK_NANOS;
    }
}
