package dev.selfheal.reports;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One writer at a time per file: an in-process lock (threads) plus {@link FileChannel#lock} on a lock file
 * (other processes) placed by {@link ReportLayout#lockFileFor}. The OS drops a file lock when its process dies, so a
 * killed writer never blocks the next one. A thread may take a lock it holds again.
 */
public final class FileLocks {

    /** Keyed by absolute path: every writer in one JVM shares the lock of a file. */
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /** Work done while the lock is held. */
    @FunctionalInterface
    public interface Locked<T> {
        T run() throws IOException;
    }

    private FileLocks() {
    }

    public static <T> T locked(Path file, Locked<T> work) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        ReentrantLock lock = LOCKS.computeIfAbsent(abs, f -> new ReentrantLock());
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                // this thread holds the file lock already (the seal writes its files under the manifest's lock);
                // the OS lock is per process and would refuse to be taken twice
                return work.run();
            }
            Path lockFile = ReportLayout.lockFileFor(abs);
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = ch.lock()) {
                return work.run();
            }
        } finally {
            lock.unlock();
        }
    }
}
