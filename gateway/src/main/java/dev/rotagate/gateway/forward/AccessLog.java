package dev.rotagate.gateway.forward;

import dev.rotagate.config.LogConfig;
import dev.rotagate.gateway.admin.GatewayMetrics;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every request and tunnel ends: the gateway metrics, and one access-log line — text
 * ({@code time INFO  access client user protocol method target upstream status bytes-up bytes-down ms [error]}),
 * JSON, or none. The line is built here with one StringBuilder (no logging framework on the event loop) and handed
 * to a sink that never blocks ({@link AccessLogWriter}).
 */
public final class AccessLog {

    private static final Logger BANS = LoggerFactory.getLogger("rotagate.bans");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    /** The formatted second of the last line: formatting a date is the dearest part of a line. */
    private record Second(long epochSecond, String text) {
    }

    private final GatewayMetrics metrics;
    private final LogConfig.AccessFormat format;
    private final Consumer<String> sink;
    private volatile Second second = new Second(-1, "");

    public AccessLog(GatewayMetrics metrics, LogConfig.AccessFormat format, Consumer<String> sink) {
        this.metrics = metrics;
        this.format = format;
        this.sink = sink;
    }

    /** A (upstream, domain) ban: a state change, so on its own logger. */
    public void ban(String upstream, String domain, int status, long cooldownNanos) {
        BANS.info("upstream {} banned for {} for {}s after status {}", upstream, domain, cooldownNanos / 1_000_000_000L, status);
    }

    public void log(ProxyRequest request, String method, String upstream, int status, long bytesUp,
                    long bytesDown, long startNanos, String error) {
        metrics.requestDone(request.protocol().text(), request.hints().user(), bytesUp, bytesDown, error);
        if (request.listener() != null) {
            request.listener().requestDone(error != null);
        }
        if (format == LogConfig.AccessFormat.OFF) {
            return;
        }
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        StringBuilder b = new StringBuilder(160);
        if (format == LogConfig.AccessFormat.TEXT) {
            time(b, System.currentTimeMillis()).append(" INFO  access ").append(request.client()).append(' ');
            escape(b, request.user()).append(' ').append(request.protocol().text()).append(' ');
            escape(b, method).append(' ');
            escape(b, request.target().toString()).append(' ').append(upstream == null ? "-" : upstream).append(' ')
                    .append(status).append(' ').append(bytesUp).append(' ').append(bytesDown).append(' ').append(ms).append("ms");
            if (error != null) {
                b.append(' ').append(error);
            }
        } else {
            time(b.append("{\"time\":\""), System.currentTimeMillis()).append("\",\"client\":");
            json(b, request.client()).append(",\"user\":");
            json(b, request.user()).append(",\"protocol\":\"").append(request.protocol().text()).append("\",\"method\":");
            json(b, method).append(",\"target\":");
            json(b, request.target().toString()).append(",\"upstream\":");
            json(b, upstream).append(",\"status\":").append(status).append(",\"bytes_up\":").append(bytesUp)
                    .append(",\"bytes_down\":").append(bytesDown).append(",\"ms\":").append(ms).append(",\"error\":");
            json(b, error).append('}');
        }
        sink.accept(b.toString());
    }

    /** {@code 2026-12-01T15:22:24.947Z}: the second is formatted once per second, the milliseconds by hand. */
    private StringBuilder time(StringBuilder b, long millis) {
        long epochSecond = Math.floorDiv(millis, 1000);
        Second s = second;
        if (s.epochSecond() != epochSecond) {
            s = new Second(epochSecond, SECONDS.format(Instant.ofEpochSecond(epochSecond)));
            second = s;
        }
        int ms = (int) Math.floorMod(millis, 1000);
        return b.append(s.text()).append('.').append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10))
                .append((char) ('0' + ms % 10)).append('Z');
    }

    /**
     * A field as it may go into a log line: control characters and backslashes as {@code \xNN}, so that a client
     * cannot forge lines or colour a terminal. The usual field has none and is returned as it is.
     */
    static String escape(String field) {
        return escape(new StringBuilder(field.length()), field).toString();
    }

    private static StringBuilder escape(StringBuilder out, String field) {
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (needsEscape(c)) {
                out.append("\\x").append(Character.forDigit(c >> 4 & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                out.append(c);
            }
        }
        return out;
    }

    /** A JSON string (or null), escaped as RFC 8259 asks. */
    private static StringBuilder json(StringBuilder out, String field) {
        if (field == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7F) {
                out.append("\\u00").append(Character.forDigit(c >> 4 & 0xF, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7F || c == '\\';
    }
}
