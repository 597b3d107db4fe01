package dev.selfheal.test;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;

import java.time.Duration;
import java.time.Instant;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Moves this JVM's wall clock as {@code Instant.now()}, {@code Clock.systemUTC()} and the {@code now()} of the
 * other java.time types see it (they all read {@code java.time.Clock.currentInstant()}), by a test-chosen offset:
 * a clock that jumps, without touching the machine's clock or the database server's. {@link #set} takes effect at
 * once; {@link #reset} puts it back. {@code System.currentTimeMillis()} and {@code System.nanoTime()} are not moved.
 */
public final class JvmClockShift {

    static final String OFFSET_PROPERTY = "selfheal.test.jvm-clock-offset-ms";

    private static boolean installed;

    private JvmClockShift() {
    }

    public static synchronized void set(Duration offset) {
        install();
        System.setProperty(OFFSET_PROPERTY, Long.toString(offset.toMillis()));
    }

    public static void reset() {
        System.clearProperty(OFFSET_PROPERTY);
    }

    private static void install() {
        if (installed) {
            return;
        }
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .ignore(none())
                .type(named("java.time.Clock"))
                .transform((builder, type, loader, module, domain) -> builder.visit(
                        Advice.to(Offset.class).on(named("currentInstant"))))
                .installOn(ByteBuddyAgent.install());
        installed = true;
        Instant probe = Instant.now();
        System.setProperty(OFFSET_PROPERTY, "3600000");
        boolean moved = Duration.between(probe, Instant.now()).toMinutes() >= 59;
        System.clearProperty(OFFSET_PROPERTY);
        if (!moved) {
            throw new IllegalStateException("java.time.Clock could not be shifted in this JVM");
        }
    }

    /** Inlined into java.time.Clock.currentInstant(): adds the offset (the bootstrap class path sees only JDK types). */
    static final class Offset {
        @Advice.OnMethodExit
        static void exit(@Advice.Return(readOnly = false) Instant now) {
            now = now.plusMillis(Long.getLong("selfheal.test.jvm-clock-offset-ms", 0L));
        }
    }
}
