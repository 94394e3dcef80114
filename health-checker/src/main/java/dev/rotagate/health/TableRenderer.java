package dev.rotagate.health;

import java.util.ArrayList;
import java.util.List;

/** The report as a plain-text table (pool, name, masked URL, state, latency, exit IP, last error) and a summary. */
public final class TableRenderer {

    private static final String[] HEADER = {"POOL", "NAME", "URL", "STATE", "LATENCY", "EXIT IP", "LAST ERROR"};
    private static final int MAX_ERROR = 70;

    private TableRenderer() {
    }

    public static String render(HealthReport report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (UpstreamReport u : report.upstreams()) {
            String error = u.lastError() != null ? u.lastError() : u.healthy() ? "" : u.reason();
            if (error.length() > MAX_ERROR) {
                error = error.substring(0, MAX_ERROR - 1) + "…";
            }
            rows.add(new String[] {u.pool(), u.name(), u.url(), u.state(),
                    u.latencyLastMs() < 0 ? "-" : Math.round(u.latencyLastMs()) + " ms",
                    u.exitIp() == null ? "-" : u.exitIp() + (u.sharedExitIp() ? " (shared)" : ""), error});
        }
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : pad(r[i], width[i] + 2));
            }
            b.setLength(b.length() - trailingSpaces(b));
            b.append('\n');
        }
        return b.append(report.summary()).append('\n').toString();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private static int trailingSpaces(StringBuilder b) {
        int n = 0;
        while (n < b.length() && b.charAt(b.length() - 1 - n) == ' ') {
            n++;
        }
        return n;
    }
}
