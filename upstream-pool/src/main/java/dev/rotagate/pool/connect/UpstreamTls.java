package dev.rotagate.pool.connect;

import dev.rotagate.config.UpstreamConfig;
import io.netty.util.NetUtil;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TLS to an {@code https://} upstream: the certificate checked against the JDK's trust store or the upstream's
 * {@code ca-file}, and its name against the upstream's host (HTTPS rules, as a browser checks a site); ALPN offers
 * {@code http/1.1} only, the one protocol spoken inside. Vert.x caches the TLS context per trust configuration, so
 * building these options for each connect costs no more than the object.
 */
final class UpstreamTls {

    private static final List<String> ALPN = List.of("http/1.1");

    private UpstreamTls() {
    }

    static ClientSSLOptions options(UpstreamConfig.Tls tls, Duration handshakeTimeout) {
        ClientSSLOptions options = new ClientSSLOptions()
                .setUseAlpn(true)
                .setApplicationLayerProtocols(ALPN)
                .setSslHandshakeTimeout(handshakeTimeout.toMillis())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        if (tls.insecure()) {
            return options.setTrustAll(true).setHostnameVerificationAlgorithm("");
        }
        options.setHostnameVerificationAlgorithm("HTTPS");
        if (tls.caFile() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile().toString()));
        }
        return options;
    }

    /** SNI carries host names only (RFC 6066 §3): an IP address is checked against the certificate, not sent. */
    static boolean isIpLiteral(String host) {
        return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    }
}
