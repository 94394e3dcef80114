package dev.rotagate.gateway.admin;

import dev.rotagate.health.HealthReport;
import dev.rotagate.health.UpstreamReport;

/** The status page: the health report as one self-refreshing HTML table, no scripts, no external assets. */
final class StatusPage {

    private StatusPage() {
    }

    static String render(HealthReport report) {
        StringBuilder b = new StringBuilder(4096 + report.upstreams().size() * 400);
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">")
                .append("<title>Rotagate</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}")
                .append("th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #ddd;font-variant-numeric:tabular-nums}")
                .append("th{background:#f4f4f4}.HEALTHY{color:#176f2c}.EJECTED{color:#b00020}.PROBING{color:#8a6d00}")
                .append(".DISABLED{color:#666}small{color:#666}</style></head><body>")
                .append("<h1>Rotagate</h1><p><b>").append(esc(report.summary())).append("</b> <small>refreshes every 5 s; ")
                .append("<a href=\"/api/report\">JSON</a> · <a href=\"/metrics\">metrics</a></small></p>")
                .append("<table><tr><th>Pool</th><th>Upstream</th><th>URL</th><th>State</th><th>Breaker</th>")
                .append("<th>Latency p50 / p95</th><th>Success</th><th>In flight</th><th>Requests</th><th>Exit IP</th>")
                .append("<th>Reason / last error</th></tr>");
        for (UpstreamReport u : report.upstreams()) {
            b.append("<tr><td>").append(esc(u.pool())).append("</td><td>").append(esc(u.name())).append("</td><td>")
                    .append(esc(u.url())).append("</td><td class=\"").append(u.state()).append("\">").append(u.state())
                    .append("</td><td>").append(u.breaker()).append("</td><td>").append(ms(u.latencyP50Ms())).append(" / ")
                    .append(ms(u.latencyP95Ms())).append("</td><td>")
                    .append(u.successRate() < 0 ? "-" : String.format("%.1f %%", u.successRate())).append("</td><td>")
                    .append(u.inFlight()).append("</td><td>").append(u.requests()).append("</td><td>")
                    .append(u.exitIp() == null ? "-" : esc(u.exitIp()) + (u.sharedExitIp() ? " (shared)" : "")).append("</td><td>")
                    .append(esc(u.lastError() != null ? u.lastError() : u.reason())).append("</td></tr>");
        }
        return b.append("</table></body></html>").toString();
    }

    private static String ms(double v) {
        return v < 0 ? "-" : Math.round(v) + " ms";
    }

    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
