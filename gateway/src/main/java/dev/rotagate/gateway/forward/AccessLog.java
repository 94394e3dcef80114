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
        metrics.requestDone(request.protocol().text(), bytesUp, bytesDown, error);
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        LOG.info("{} {} {} {} {} {} {} {} {} {}ms{}", request.client(), request.user(), request.protocol().text(), method,
                request.target(), upstream == null ? "-" : upstream, status, bytesUp, bytesDown, ms,
                error == null ? "" : " " + error);
    }
}
