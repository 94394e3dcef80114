package dev.rotagate.config;

import dev.rotagate.common.HostAndPort;
import java.time.Duration;

/**
 * Active probes through each upstream. {@code target} is an http:// URL fetched through the upstream (its status
 * must be in {@code expectStatusMin..expectStatusMax}), or null to only do the proxy handshake to
 * {@code connectTarget}. Probes every {@code interval} (spread with jitter), suspect and ejected upstreams
 * {@code suspectFactor} times as often, long-dead ones backing off up to {@code maxBackoff}; at most
 * {@code concurrency} probes in flight. {@code rise} successes re-admit a probe-ejected upstream, {@code fall}
 * failures eject it. With {@code probeBeforeUse} new upstreams get traffic only after their first good probe.
 */
public record HealthConfig(boolean enabled, Duration interval, Duration timeout, String target, HostAndPort connectTarget,
                           int expectStatusMin, int expectStatusMax, int rise, int fall, int concurrency,
                           boolean probeBeforeUse, String exitIpUrl, Duration maxBackoff, int suspectFactor) {

    public static final HealthConfig OFF = new HealthConfig(false, Duration.ofSeconds(30), Duration.ofSeconds(5),
            "http://example.com/", HostAndPort.of("example.com", 443), 200, 399, 2, 3, 64, true, null,
            Duration.ofMinutes(5), 4);

    /** True when the probe only does the proxy handshake. */
    public boolean connectOnly() {
        return target == null;
    }
}
