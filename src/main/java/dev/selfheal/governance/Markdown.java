package dev.selfheal.governance;

import java.util.List;

/** Markdown pieces for the generated documents: table cells escaped so data cannot break a table or add a link. */
final class Markdown {

    private Markdown() {
    }

    static String cell(Object value) {
        if (value == null) {
            return "–";
        }
        return value.toString().replace("\\", "\\\\").replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
                .replace("<", "&lt;").replace("\n", " ").replace("\r", " ");
    }

    /** A code span: shown as written (no escapes apply inside one), so only backticks and line ends are replaced. */
    static String code(Object value) {
        return "`" + (value == null ? "-" : value.toString().replace('`', '\'').replace('\n', ' ').replace('\r', ' '))
                + "`";
    }

    static String table(List<String> headers, List<List<Object>> rows) {
        StringBuilder b = new StringBuilder("| ").append(String.join(" | ", headers)).append(" |\n|");
        headers.forEach(h -> b.append("---|"));
        b.append('\n');
        if (rows.isEmpty()) {
            b.append("| ").append("(none)").append(" |".repeat(1)).append(" |".repeat(Math.max(0, headers.size() - 1)))
                    .append('\n');
        }
        for (List<Object> row : rows) {
            b.append("| ");
            for (int i = 0; i < row.size(); i++) {
                b.append(i == 0 ? "" : " | ").append(cell(row.get(i)));
            }
            b.append(" |\n");
        }
        return b.toString();
    }

    /** A rate as a percentage with one decimal, or "–". */
    static String pct(Object v) {
        return v instanceof Number n ? String.format(java.util.Locale.ROOT, "%.1f %%", n.doubleValue() * 100) : "–";
    }

    static String seconds(Object v) {
        return v instanceof Number n ? String.format(java.util.Locale.ROOT, "%.0f s", n.doubleValue()) : "–";
    }
}
