package dev.rotagate.gateway.forward;

import dev.rotagate.gateway.admin.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every request and tunnel ends: one line on the {@code rotagate.access} logger
 * ({@code client user protocol method target upstream status bytes-up bytes-down ms [error]}) and the gateway
 * metrics.
 */
public final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("rotagate.access");
    private static final Logger BANS = LoggerFactory.getLogger("rotagate.bans");

    private final GatewayMetrics metrics;

    public AccessLog(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    /** A (upstream, domain) ban: a state change, so on its own logger. */
    public void ban(String upstream, String domain, int status, long cooldownNanos) {
        BANS.info("upstream {} banned for {} for {}s after status {}", upstream, domain, cooldownNanos / 1_000_000_000L, status);
    }

    public void log(ProxyRequest request, String method, String upstream, int status, long bytesUp,
                    long bytesDown, long startNanos, String error) {
        metrics.requestDone(request.protocol().text(), request.hints().user(), bytesUp, bytesDown, error);
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        LOG.info("{} {} {} {} {} {} {} {} {} {}ms{}", request.client(), escape(request.user()), request.protocol().text(),
                escape(method), escape(request.target().toString()), upstream == null ? "-" : upstream, status, bytesUp,
                bytesDown, ms, error == null ? "" : " " + error);
    }

    /**
     * A field as it may go into a log line: control characters and backslashes as {@code \xNN}, so that a client
     * cannot forge lines or colour a terminal. The usual field has none and is returned as it is.
     */
    static String escape(String field) {
        int i = 0;
        while (i < field.length() && !needsEscape(field.charAt(i))) {
            i++;
        }
        if (i == field.length()) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length() + 8).append(field, 0, i);
        for (; i < field.length(); i++) {
            char c = field.charAt(i);
            if (needsEscape(c)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7F || c == '\\';
    }
}
