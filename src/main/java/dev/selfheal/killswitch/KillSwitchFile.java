package dev.selfheal.killswitch;

import dev.selfheal.config.SelfhealProperties;
import dev.selfheal.reports.ReportLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.springframework.stereotype.Component;

/**
 * The file trigger: {@code <data-dir>/KILLSWITCH} dropped engages the switch (its text is the reason), removed
 * releases it when the file engaged it. Its presence is the signal, so a file whose content is refused (a
 * symbolic link, larger than {@code selfheal.killswitch.file-max-bytes}, not UTF-8 text, control characters)
 * still engages, with a reason that says why its text was not used; the content is never followed or read past
 * the bound. Only a change is acted on: a file left in place after a release through the MBean does not engage
 * again until it is removed and dropped anew.
 */
@Component("killSwitchFile")
public class KillSwitchFile {

    public static final String NAME = "KILLSWITCH";

    private final Path file;
    private final KillSwitch killSwitch;
    private final ReportLog reportLog;
    private final int maxBytes;
    /** Whether the file was there at the last look; null before the first look. */
    private Boolean present;

    public KillSwitchFile(SelfhealProperties selfheal, KillSwitch killSwitch, ReportLog reportLog,
            KillSwitchProperties properties) {
        this.file = selfheal.dataDir().resolve(NAME);
        this.killSwitch = killSwitch;
        this.reportLog = reportLog;
        this.maxBytes = properties.fileMaxBytes();
    }

    /** Route step: engages on a new file, releases when the file that engaged it is gone; returns what it did. */
    public synchronized String check() {
        boolean now = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        Boolean before = present;
        present = now;
        if (now && !Boolean.TRUE.equals(before)) {
            if (killSwitch.engaged()) {
                return "already engaged";
            }
            killSwitch.engage("file", reason(), "file " + file.getFileName(), null);
            return "engaged";
        }
        if (!now && Boolean.TRUE.equals(before) && killSwitch.engaged() && "file".equals(killSwitch.state().trigger())) {
            killSwitch.release("the " + NAME + " file was removed", "file " + file.getFileName());
            return "released";
        }
        return "unchanged";
    }

    /** The file's text, or a reason naming why it was refused. */
    String reason() {
        String refused = null;
        String text = null;
        try {
            if (Files.isSymbolicLink(file)) {
                refused = "a symbolic link";
            } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                refused = "not a regular file";
            } else {
                byte[] bytes;
                try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                    bytes = in.readNBytes(maxBytes + 1);
                }
                if (bytes.length > maxBytes) {
                    refused = "larger than " + maxBytes + " bytes";
                } else {
                    text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString()
                            .strip();
                    if (text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r')) {
                        refused = "control characters";
                        text = null;
                    }
                }
            }
        } catch (CharacterCodingException e) {
            refused = "not UTF-8 text";
        } catch (IOException e) {
            refused = "unreadable (" + e.getClass().getSimpleName() + ")";
        }
        if (refused != null) {
            reportLog.append("killswitch", "the " + NAME + " file's content was refused (" + refused
                    + "): engaging without it");
            return NAME + " file dropped (its content was refused: " + refused + ")";
        }
        if (text == null || text.isBlank()) {
            return NAME + " file dropped (no reason given)";
        }
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > KillSwitch.MAX_REASON ? oneLine.substring(0, KillSwitch.MAX_REASON) : oneLine;
    }
}
