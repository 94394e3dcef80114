package dev.rotagate.pool.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamUrl;
import dev.rotagate.config.UpstreamConfig;
import dev.rotagate.pool.Upstream;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The messages here are the ones Netty's proxy handlers produced against real squid, tinyproxy, microsocks and dante. */
class FailureClassifierTest {

    private static final HostAndPort TARGET = HostAndPort.of("example.com", 443);

    private static Upstream upstream(String url) {
        return new Upstream(new UpstreamConfig("up1", UpstreamUrl.parse(url), 1, List.of()));
    }

    private static final Upstream HTTP = upstream("http://user:hunter2@127.0.0.1:3128");

    @ParameterizedTest(name = "{0} => {1}")
    @CsvSource(delimiter = '|', value = {
            "http, none, /127.0.0.1:3128 => example.com:443, status: 407 Proxy Authentication Required | UPSTREAM_AUTH",
            "http, basic, /127.0.0.1:3128 => example.com:443, status: 401 Unauthorized                 | UPSTREAM_AUTH",
            "http, none, /127.0.0.1:3128 => example.com:443, status: 403 Access violation              | TARGET_FORBIDDEN",
            "http, none, /127.0.0.1:3128 => example.com:443, status: 502 Bad Gateway                   | UPSTREAM_ERROR",
            "http, none, /127.0.0.1:3128 => example.com:443, status: 500 Unable to connect             | TARGET_UNREACHABLE",
    })
    void httpConnectAnswers(String message, FailureKind kind) {
        UpstreamFailure f = FailureClassifier.classify(new HttpProxyConnectException(message, new DefaultHttpHeaders()), HTTP, TARGET);

        assertThat(f.kind()).isEqualTo(kind);
        assertThat(f.getMessage()).startsWith("http, up1 (http://user:****@127.0.0.1:3128) => example.com:443, upstream answered")
                .doesNotContain("hunter2");
    }

    @Test
    void squidSaysWhenTheTargetFailedRatherThanItself() {
        var headers = new DefaultHttpHeaders().add("X-Squid-Error", "ERR_CONNECT_FAIL 111");

        UpstreamFailure f = FailureClassifier.classify(new HttpProxyConnectException(
                "http, none, /127.0.0.1:3128 => example.com:443, status: 503 Service Unavailable", headers), HTTP, TARGET);

        assertThat(f.kind()).isEqualTo(FailureKind.TARGET_UNREACHABLE);
        assertThat(f.kind().isProxyFault()).isFalse();
    }

    @ParameterizedTest(name = "{0} => {1}")
    @CsvSource(delimiter = '|', value = {
            "socks5, none, /127.0.0.1:1080 => example.com:443, status: CONNECTION_REFUSED(5)  | TARGET_REFUSED",
            "socks5, none, /127.0.0.1:1080 => example.com:443, status: FAILURE(1)             | TARGET_UNREACHABLE",
            "socks5, none, /127.0.0.1:1080 => example.com:443, status: FORBIDDEN(2)           | TARGET_FORBIDDEN",
            "socks5, none, /127.0.0.1:1080 => example.com:443, status: COMMAND_UNSUPPORTED(7) | UPSTREAM_ERROR",
            "socks5, password, /127.0.0.1:1080 => example.com:443, authStatus: UNKNOWN(2)     | UPSTREAM_AUTH",
            "socks5, none, /127.0.0.1:1080 => example.com:443, unexpected authMethod: UNACCEPTED(255) | UPSTREAM_AUTH",
            "socks4, none, /127.0.0.1:1080 => example.com:443, status: REJECTED_OR_FAILED(91) | TARGET_UNREACHABLE",
            "socks5, none, /127.0.0.1:1080 => example.com:443, timeout                        | UPSTREAM_HANDSHAKE_TIMEOUT",
            "socks5, none, /127.0.0.1:1080 => example.com:443, disconnected                   | UPSTREAM_ERROR",
    })
    void socksAnswers(String message, FailureKind kind) {
        assertThat(FailureClassifier.classify(new ProxyConnectException(message), upstream("socks5://127.0.0.1:1080"), TARGET).kind())
                .isEqualTo(kind);
    }

    @Test
    void tcpFailuresCountAgainstTheUpstreamButForDirectAgainstTheTarget() {
        Upstream direct = upstream("direct://");

        assertThat(FailureClassifier.classify(new ConnectException("Connection refused"), HTTP, TARGET).kind())
                .isEqualTo(FailureKind.UPSTREAM_REFUSED);
        assertThat(FailureClassifier.classify(new ConnectTimeoutException("connection timed out after 1000 ms"), HTTP, TARGET).kind())
                .isEqualTo(FailureKind.UPSTREAM_CONNECT_TIMEOUT);
        assertThat(FailureClassifier.classify(new UnknownHostException("no-such-proxy.invalid"), HTTP, TARGET).kind())
                .isEqualTo(FailureKind.UPSTREAM_UNRESOLVED);
        assertThat(FailureClassifier.classify(new ConnectException("Connection refused"), direct, TARGET).kind())
                .isEqualTo(FailureKind.TARGET_REFUSED);
        assertThat(FailureClassifier.classify(new UnknownHostException("example.invalid"), direct, TARGET).kind())
                .isEqualTo(FailureKind.TARGET_UNREACHABLE);
    }

    @Test
    void whatTheTargetCouldHaveCausedIsLeftToCorrelation() {
        UpstreamFailure timeout = FailureClassifier.classify(
                new ProxyConnectException("http, none, /127.0.0.1:3128 => example.com:443, timeout"), HTTP, TARGET);
        assertThat(timeout.kind()).isEqualTo(FailureKind.UPSTREAM_HANDSHAKE_TIMEOUT);
        assertThat(timeout.blame()).as("the proxy may be waiting for a target that drops packets")
                .isEqualTo(UpstreamFailure.Blame.EITHER);
        assertThat(FailureClassifier.classify(new ConnectException("Connection refused"), HTTP, TARGET).blame())
                .isEqualTo(UpstreamFailure.Blame.UPSTREAM);
        assertThat(FailureClassifier.classify(new ProxyConnectException(
                "socks5, none, /127.0.0.1:1080 => example.com:443, disconnected"), upstream("socks5://127.0.0.1:1080"), TARGET)
                .blame()).as("a close during the handshake is the proxy's").isEqualTo(UpstreamFailure.Blame.UPSTREAM);
    }

    @Test
    void causesAreUnwrapped() {
        RuntimeException wrapped = new RuntimeException("outer", new ConnectException("Connection refused"));

        assertThat(FailureClassifier.classify(wrapped, HTTP, TARGET).kind()).isEqualTo(FailureKind.UPSTREAM_REFUSED);
    }

    @Test
    void squidsCannotForwardIsAmbiguousNotTheUpstreamsFault() {
        var headers = new DefaultHttpHeaders().add("X-Squid-Error", "ERR_CANNOT_FORWARD 0").add("Content-Length", "3405");

        UpstreamFailure f = FailureClassifier.classify(new HttpProxyConnectException(
                "http, none, /127.0.0.1:3128 => update.googleapis.com:443, status: 500 Internal Server Error", headers),
                HTTP, TARGET);

        assertThat(f.kind()).isEqualTo(FailureKind.TARGET_UNREACHABLE);
        assertThat(f.blame()).as("correlation decides").isEqualTo(UpstreamFailure.Blame.EITHER);
    }

    @Test
    void tlsFailuresToAnHttpsUpstreamAreItsOwnKindWithTheInnermostReason() {
        Upstream https = upstream("https://127.0.0.1:8443");
        var pkix = new SSLHandshakeException("PKIX path building failed");
        pkix.initCause(new CertificateException("No subject alternative names matching IP address 127.0.0.1 found"));

        UpstreamFailure f = FailureClassifier.classify(new DecoderException(pkix), https, TARGET);

        assertThat(f.kind()).isEqualTo(FailureKind.UPSTREAM_TLS);
        assertThat(f.kind().isProxyFault()).isTrue();
        assertThat(f.blame()).isEqualTo(UpstreamFailure.Blame.UPSTREAM);
        assertThat(f.reason()).isEqualTo("TLS handshake failed: No subject alternative names matching IP address 127.0.0.1 found");
    }

    @Test
    void anHttpsUpstreamsConnectAnswerIsReadAsAnHttpUpstreamsIs() {
        Upstream https = upstream("https://127.0.0.1:8443");

        UpstreamFailure f = FailureClassifier.classify(new HttpProxyConnectException(
                "https, none, 127.0.0.1:8443 => example.com:443, status: 407 Proxy Authentication Required",
                new DefaultHttpHeaders()), https, TARGET);
        UpstreamFailure late = FailureClassifier.classify(new ProxyConnectException(
                "https, none, 127.0.0.1:8443 => example.com:443, timeout"), https, TARGET);

        assertThat(f.kind()).isEqualTo(FailureKind.UPSTREAM_AUTH);
        assertThat(late.kind()).isEqualTo(FailureKind.UPSTREAM_HANDSHAKE_TIMEOUT);
        assertThat(late.blame()).isEqualTo(UpstreamFailure.Blame.EITHER);
    }
}
