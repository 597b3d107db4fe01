package dev.selfheal.reports;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The one writer of report files, so readers never see a partial one: a temp file in the same directory, fsync,
 * atomic rename (or hard link, for {@link #writeNew}) to the target, fsync of the directory. A failed write leaves
 * the old file as it was and removes its temp file (a full disk is the usual cause; the exception says why).
 *
 * <p>A file written into a day folder ({@code docs/reports/YYYY-MM-DD/}) is then recorded in that day's
 * {@code _manifest.json} with its size, SHA-256 and UTC write time ({@link DayManifest}); a sealed day refuses
 * every write.
 */
public final class AtomicFiles {

    /** Streams a file's content; false abandons the write (nothing is left behind). */
    @FunctionalInterface
    public interface Body {
        boolean writeTo(OutputStream out) throws IOException;
    }

    /** What a streamed write produced. */
    public record Written(Path path, long size, String sha256) {
    }

    /** Bytes a write must leave free on the volume it writes to: {@link #keepFree}. */
    private static volatile long minFreeBytes;

    private AtomicFiles() {
    }

    /**
     * From now on a write refuses to bring its volume's free space below {@code bytes}: it fails at once with "No
     * space left on device" (an IOException, like a full disk) and leaves nothing behind, so the day logs (appended,
     * not written here) and the database, when it shares the volume, keep room. Set at start from
     * {@code selfheal.evidence.min-free-bytes} (EvidenceVolume).
     */
    public static void keepFree(long bytes) {
        minFreeBytes = Math.max(0, bytes);
    }

    /** Fails like a full disk when {@code more} bytes would leave less than the reserve free under {@code dir}. */
    private static void requireSpace(Path dir, long more) throws IOException {
        long reserve = minFreeBytes;
        if (reserve == 0) {
            return;
        }
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable - more < reserve) {
            throw new IOException("No space left on device: " + dir + " has " + usable + " bytes free and "
                    + reserve + " must stay free (selfheal.evidence.min-free-bytes); nothing was written");
        }
    }

    public static void write(Path target, byte[] content) throws IOException {
        refuseSealedDay(target);
        Path tmp = temp(target, content.length);
        fill(tmp, target, content);
        try {
            intoDay(target, () -> {
                rename(tmp, target);
                record(target, content.length, DayManifest.sha256(content));
                return null;
            });
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates {@code target} only if no file has that name; false when one does (nothing is overwritten). */
    public static boolean writeNew(Path target, byte[] content) throws IOException {
        refuseSealedDay(target);
        Path tmp = temp(target, content.length);
        fill(tmp, target, content);
        try {
            return intoDay(target, () -> {
                if (!link(tmp, target)) {
                    return false;
                }
                syncDirectory(target.toAbsolutePath().getParent());
                record(target, content.length, DayManifest.sha256(content));
                return true;
            });
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Puts {@code tmp} in place under {@code target}'s name unless that name is taken (then false). */
    private static boolean link(Path tmp, Path target) throws IOException {
        try {
            // a hard link appears whole and fails when the name is taken: no reader sees a half-written file
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            // a file system without hard links: a rename that refuses a taken name (checked, then renamed)
            try {
                Files.move(tmp, target);
            } catch (FileAlreadyExistsException taken) {
                return false;
            }
        }
        return true;
    }

    /** Streams a file into place (downloads, unpacked logs); null when the body abandoned it. */
    public static Written write(Path target, Body body) throws IOException {
        refuseSealedDay(target);
        Path tmp = temp(target, 0);
        Path dir = tmp.getParent();
        MessageDigest sha = DayManifest.sha256();
        long[] size = {0};
        boolean keep;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream counting = new FilterOutputStream(Channels.newOutputStream(ch)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    // the size of a download is not known before: the reserve is checked as it grows (each MiB)
                    if ((size[0] + len) >> 20 != size[0] >> 20) {
                        requireSpace(dir, len);
                    }
                    out.write(b, off, len);
                    size[0] += len;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    size[0]++;
                }

                @Override
                public void close() {
                    // the channel is closed (after its fsync) by the enclosing try
                }
            };
            DigestOutputStream out = new DigestOutputStream(counting, sha);
            keep = body.writeTo(out);
            out.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (!keep) {
            Files.deleteIfExists(tmp);
            return null;
        }
        String hash = HexFormat.of().formatHex(sha.digest());
        try {
            intoDay(target, () -> {
                rename(tmp, target);
                record(target, size[0], hash);
                return null;
            });
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Written(target, size[0], hash);
    }

    /**
     * The last step of a write (the file appears under its name and in the day's manifest) runs under the day
     * manifest's lock, the lock the seal holds from its first look at the folder to its last write. So a write
     * racing the seal either lands wholly before it (and is sealed) or finds the day sealed and is refused: the
     * seal's check is made again here, the earlier one only spares the work of a doomed write.
     */
    private static <T> T intoDay(Path target, FileLocks.Locked<T> work) throws IOException {
        Optional<Path> day = ReportLayout.dayFolderOf(target);
        if (day.isEmpty()) {
            return work.run();
        }
        return FileLocks.locked(day.get().resolve(ReportLayout.MANIFEST), () -> {
            refuseSealedDay(target);
            return work.run();
        });
    }

    private static Path temp(Path target, long size) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        requireSpace(dir, size);
        return Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    }

    private static void fill(Path tmp, Path target, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            // a full disk is the usual cause: the partial temp file would only take more of the space
            Files.deleteIfExists(tmp);
            throw new IOException("writing " + target + " failed; the previous file is intact, the partial temp file "
                    + "was removed: " + e.getMessage(), e);
        }
    }

    private static void rename(Path tmp, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system under " + dir + " cannot rename atomically; " + tmp + " kept", e);
        }
        syncDirectory(dir);
    }

    private static void refuseSealedDay(Path target) throws IOException {
        String name = target.getFileName().toString();
        Optional<Path> day = ReportLayout.dayFolderOf(target);
        if (day.isPresent() && ReportLayout.isSealed(day.get())
                && !name.equals(ReportLayout.SEAL) && !name.equals(ReportLayout.SEAL_SIGNATURE)) {
            throw new IOException(target + " not written: the day " + day.get().getFileName()
                    + " is sealed (" + ReportLayout.SEAL + "); a sealed day is never changed");
        }
    }

    private static void record(Path target, long size, String sha256) throws IOException {
        Optional<Path> day = ReportLayout.dayFolderOf(target);
        // hidden files are transient (a raw log zip unpacked and deleted at once), never evidence
        if (day.isEmpty() || target.getFileName().toString().startsWith(".") || (ReportLayout.NOT_IN_MANIFEST.contains(target.getFileName().toString())
                && target.toAbsolutePath().normalize().getParent().equals(day.get()))) {
            return;
        }
        DayManifest.record(day.get(), DayManifest.one(new DayManifest.FileRecord(
                ReportLayout.relative(day.get(), target), size, sha256, Instant.now(), "writer")));
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every file system lets a directory be opened for fsync; the rename itself is still atomic
        }
    }
}
