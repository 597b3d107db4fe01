package dev.selfheal.rollback;

import dev.selfheal.reports.AtomicFiles;
import dev.selfheal.reports.ReportFolders;
import dev.selfheal.sanitize.Sanitizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/**
 * {@code ROLLBACK_<owner>_<repo>_<workflow>_<UTC>.md} in the day folder: what was asked, the last healthy state,
 * every step with its exact call and outcome (a dry run's plan), the verification and where it is recorded.
 * Released through the sanitizer (nothing is written that still holds a secret).
 */
@Component
public class RollbackReport {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final ReportFolders folders;
    private final Sanitizer sanitizer;

    public RollbackReport(ReportFolders folders, Sanitizer sanitizer) {
        this.folders = folders;
        this.sanitizer = sanitizer;
    }

    Instant now() {
        return folders.now();
    }

    /** The file name: the repository's "/" and anything outside [A-Za-z0-9._-] made "_". */
    static String fileName(Rollback rollback) {
        return "ROLLBACK_" + safe(rollback.request().repository()) + "_" + safe(rollback.request().workflow()) + "_"
                + STAMP.format(rollback.startedAt()) + ".md";
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
    }

    Path write(Rollback rollback) throws IOException {
        Path file = folders.dayFolder(rollback.startedAt()).resolve(fileName(rollback));
        String text = markdown(rollback);
        AtomicFiles.write(file, sanitizer.release(text, file.getFileName().toString()).getBytes(StandardCharsets.UTF_8));
        return file;
    }

    static String markdown(Rollback rollback) {
        RollbackRequest r = rollback.request();
        StringBuilder md = new StringBuilder();
        md.append("# Rollback of ").append(r.repository()).append(" workflow ").append(cell(r.workflow())).append("\n\n");
        md.append(rollback.acting() ? "Mode **act**: the calls below were sent to GitHub.\n\n"
                : "Mode **dry-run**: this is the plan; nothing was changed (only GET calls were sent).\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "outcome", rollback.outcome());
        row(md, "record", "phase4_rollback_log id " + rollback.logId());
        row(md, "trigger", r.trigger());
        row(md, "requested by", r.actor());
        row(md, "reason", r.reason());
        row(md, "started (UTC)", ReportFolders.utc(rollback.startedAt()));
        row(md, "workflow", rollback.workflowName == null ? r.workflow() : rollback.workflowName + " (id "
                + rollback.workflowId() + ", " + rollback.workflowPath() + ")");
        row(md, "state before / after", rollback.stateBefore + " / " + rollback.stateAfter);
        row(md, "last healthy run", rollback.healthyRunId() == null ? "none found" : rollback.healthyRunId() + " at "
                + rollback.healthySha() + " (" + rollback.healthyBranch + ")");
        row(md, "workflow file to restore", rollback.healthySha() == null ? "-" : rollback.workflowPath() + "@"
                + rollback.healthySha());
        row(md, "verified", rollback.acting() ? String.valueOf(rollback.verified()) : "n/a (dry run)");
        row(md, "snapshot", r.snapshotId() == null ? "not asked" : r.snapshotId());
        md.append("\n## Steps\n\n| # | step | call | status | HTTP | detail | fix |\n|---|---|---|---|---|---|---|\n");
        int n = 1;
        for (RollbackStep s : rollback.steps()) {
            md.append("| ").append(n++).append(" | ").append(cell(s.name())).append(" | `").append(cell(s.call()))
                    .append("` | ").append(s.status()).append(" | ").append(s.httpStatus() == null ? "" : s.httpStatus())
                    .append(" | ").append(cell(s.detail())).append(" | ").append(cell(s.fix())).append(" |\n");
        }
        if (rollback.acting()) {
            md.append("\nTo undo: enable the workflow again (`PUT /repos/").append(r.repository())
                    .append("/actions/workflows/").append(rollback.workflowRef())
                    .append("/enable`); see docs/ops/ROLLBACK_PROTOCOL.md.\n");
        } else {
            md.append("\nTo carry this plan out, set selfheal.rollback.mode=act and ask again; see "
                    + "docs/ops/ROLLBACK_PROTOCOL.md.\n");
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(cell(value)).append(" |\n");
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ").replace("`", "'");
    }
}
