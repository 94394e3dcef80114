package dev.rotagate.pool.connect;

import dev.rotagate.common.FailureKind;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamScheme;
import dev.rotagate.pool.Upstream;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException;
import io.netty.handler.proxy.ProxyConnectException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The one place that decides what a connect failure means: a fault of the upstream proxy (counts against it),
 * or of the target (a working upstream reported it). Netty's proxy handlers only give text, so the
 * status codes are read from their messages.
 */
public final class FailureClassifier {

    private static final Pattern HTTP_STATUS = Pattern.compile("status: (\\d{3})");
    private static final Pattern SOCKS_STATUS = Pattern.compile("status: [A-Z_]*\\((\\d+)\\)");

    private FailureClassifier() {
    }

    public static UpstreamFailure classify(Throwable error, Upstream upstream, HostAndPort target) {
        if (error instanceof UpstreamFailure f) {
            return f;
        }
        boolean direct = upstream.url().scheme() == UpstreamScheme.DIRECT;
        SSLException tls = tlsFailure(error);
        if (tls != null) {
            return failure(FailureKind.UPSTREAM_TLS, upstream, target, "TLS handshake failed: " + tlsReason(tls), tls);
        }
        Throwable e = unwrap(error);
        String message = String.valueOf(e.getMessage());
        // before ConnectException: Netty's ProxyConnectException is one
        if (e instanceof HttpProxyConnectException http) {
            return classifyHttpAnswer(http, message, upstream, target);
        }
        if (e instanceof ProxyConnectException) {
            return classifyProxyHandshake(message, upstream, target, e);
        }
        if (e instanceof ConnectTimeoutException) {
            return failure(direct ? FailureKind.TARGET_UNREACHABLE : FailureKind.UPSTREAM_CONNECT_TIMEOUT,
                    upstream, target, "connect timed out", e);
        }
        if (e instanceof UnknownHostException) {
            return failure(direct ? FailureKind.TARGET_UNREACHABLE : FailureKind.UPSTREAM_UNRESOLVED,
                    upstream, target, "host name does not resolve", e);
        }
        if (e instanceof NoRouteToHostException) {
            return failure(direct ? FailureKind.TARGET_UNREACHABLE : FailureKind.UPSTREAM_REFUSED,
                    upstream, target, "no route to host", e);
        }
        if (e instanceof ConnectException) {
            return failure(direct ? FailureKind.TARGET_REFUSED : FailureKind.UPSTREAM_REFUSED,
                    upstream, target, "connection refused", e);
        }
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("connection reset") || lower.contains("closed")) {
            return failure(FailureKind.UPSTREAM_ERROR, upstream, target, "connection closed by the upstream", e);
        }
        return failure(FailureKind.UPSTREAM_ERROR, upstream, target, e.getClass().getSimpleName() + ": " + message, e);
    }

    private static UpstreamFailure classifyHttpAnswer(HttpProxyConnectException e, String message,
                                                      Upstream upstream, HostAndPort target) {
        Matcher m = HTTP_STATUS.matcher(message);
        int status = m.find() ? Integer.parseInt(m.group(1)) : 0;
        String statusText = message.substring(message.indexOf("status: ") >= 0 ? message.indexOf("status: ") + 8 : 0);
        String reason = "upstream answered " + statusText;
        if (status == 407 || status == 401) { // tinyproxy answers 401 to wrong credentials
            return failure(FailureKind.UPSTREAM_AUTH, upstream, target, reason, e);
        }
        if (status == 403) {
            return failure(FailureKind.TARGET_FORBIDDEN, upstream, target, reason, e);
        }
        if (status >= 500) {
            // squid and RFC 9209 proxies say whether it was the target, not they, that failed; tinyproxy says it in words
            Verdict said = e.headers() == null ? null : proxyMadeAnswer(status, e.headers());
            if (said != null) {
                return new UpstreamFailure(said.kind(), said.blame(), upstream, target, reason, e);
            }
            if (statusText.toLowerCase(Locale.ROOT).contains("unable to connect")) {
                return failure(FailureKind.TARGET_UNREACHABLE, upstream, target, reason, e);
            }
            if (hasBody(e.headers())) {
                // an unmarked 5xx page: the proxy's, or one it passed on from the target; correlation decides
                return new UpstreamFailure(FailureKind.UPSTREAM_ERROR, UpstreamFailure.Blame.EITHER, upstream, target, reason, e);
            }
        }
        return failure(FailureKind.UPSTREAM_ERROR, upstream, target, reason, e);
    }

    private static UpstreamFailure classifyProxyHandshake(String message, Upstream upstream, HostAndPort target, Throwable e) {
        String tail = message.substring(message.lastIndexOf(", ") + 2);
        if (message.endsWith(", timeout")) {
            // the proxy may be waiting for a target that drops packets: the proxy's or the target's, correlation says
            return new UpstreamFailure(FailureKind.UPSTREAM_HANDSHAKE_TIMEOUT, UpstreamFailure.Blame.EITHER, upstream, target,
                    "no handshake answer in time", e);
        }
        if (message.contains("authStatus") || message.contains("authMethod")) {
            return failure(FailureKind.UPSTREAM_AUTH, upstream, target, "upstream refused the credentials (" + tail + ")", e);
        }
        Matcher m = SOCKS_STATUS.matcher(message);
        if (m.find()) {
            int code = Integer.parseInt(m.group(1));
            FailureKind kind = switch (code) {
                case 2 -> FailureKind.TARGET_FORBIDDEN;
                case 5 -> FailureKind.TARGET_REFUSED;
                // 1 is "general failure": microsocks and dante answer it for names that do not resolve
                case 1, 3, 4, 6, 91 -> FailureKind.TARGET_UNREACHABLE;
                case 92, 93 -> FailureKind.UPSTREAM_AUTH;
                default -> FailureKind.UPSTREAM_ERROR;
            };
            return failure(kind, upstream, target, "upstream answered " + tail, e);
        }
        if (message.contains("disconnected")) {
            return failure(FailureKind.UPSTREAM_ERROR, upstream, target, "upstream closed the connection during the handshake", e);
        }
        return failure(FailureKind.UPSTREAM_ERROR, upstream, target, "bad handshake answer (" + tail + ")", e);
    }

    private static boolean hasBody(HttpHeaders headers) {
        if (headers == null) {
            return false;
        }
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        return headers.contains(HttpHeaderNames.TRANSFER_ENCODING) || length != null && !length.trim().equals("0");
    }

    /**
     * Whether an HTTP upstream's answer to an absolute-form request was made by the proxy itself rather than the origin,
     * and what it means: squid marks its own error pages with {@code X-Squid-Error}, RFC 9209 proxies send
     * {@code Proxy-Status: name; error=...}. Null for an answer that is the origin's (or cannot be told apart).
     */
    private static Verdict proxyMadeAnswer(int status, HttpHeaders headers) {
        String squid = headers.get("X-Squid-Error");
        if (squid != null) {
            String code = squid.split(" ")[0];
            return switch (code) {
                case "ERR_CONNECT_FAIL", "ERR_DNS_FAIL", "ERR_CONNECT_TIMEOUT", "ERR_READ_TIMEOUT", "ERR_ZERO_SIZE_OBJECT",
                     "ERR_READ_ERROR", "ERR_WRITE_ERROR" -> Verdict.of(FailureKind.TARGET_UNREACHABLE);
                // no way to the target: the name did not resolve, no route, no parent — or squid's own DNS is down:
                // both cause it, so correlation tells (FaultJudge)
                case "ERR_CANNOT_FORWARD" -> new Verdict(FailureKind.TARGET_UNREACHABLE, UpstreamFailure.Blame.EITHER);
                case "ERR_ACCESS_DENIED" -> Verdict.of(FailureKind.TARGET_FORBIDDEN);
                case "ERR_CACHE_ACCESS_DENIED" -> Verdict.of(FailureKind.UPSTREAM_AUTH);
                default -> Verdict.of(FailureKind.UPSTREAM_ERROR);
            };
        }
        String proxyStatus = headers.get("Proxy-Status");
        if (proxyStatus != null && proxyStatus.contains("error=")) {
            String error = proxyStatus.replaceAll(".*error=\"?([a-z_]+).*", "$1");
            return Verdict.of(switch (error) {
                case "dns_error", "dns_timeout", "destination_not_found", "destination_unavailable", "destination_ip_unroutable",
                     "connection_refused", "connection_terminated", "connection_timeout", "connection_read_timeout",
                     "http_response_incomplete", "http_response_timeout" -> FailureKind.TARGET_UNREACHABLE;
                case "destination_ip_prohibited", "http_request_denied" -> FailureKind.TARGET_FORBIDDEN;
                default -> FailureKind.UPSTREAM_ERROR;
            });
        }
        return null;
    }

    /**
     * The failure an HTTP upstream's answer to an absolute-form request stands for when the proxy made it itself
     * rather than passing on the origin's: a refusal of our credentials (407, or tinyproxy's 401 with its own realm),
     * or an error page ({@link #proxyMadeAnswer}). Null for the origin's own answer.
     */
    public static UpstreamFailure proxyAnswer(HttpResponse answer, Upstream upstream, HostAndPort target) {
        int status = answer.status().code();
        HttpHeaders headers = answer.headers();
        String wwwAuthenticate = headers.get(HttpHeaderNames.WWW_AUTHENTICATE);
        if (status == 407 || status == 401 && wwwAuthenticate != null && wwwAuthenticate.contains("realm=\"Tinyproxy\"")) {
            return failure(FailureKind.UPSTREAM_AUTH, upstream, target, "upstream refused the credentials (" + answer.status() + ")", null);
        }
        Verdict said = status >= 400 ? proxyMadeAnswer(status, headers) : null;
        if (said == null) {
            return null;
        }
        String squid = headers.get("X-Squid-Error");
        String proxyStatus = headers.get("Proxy-Status");
        return new UpstreamFailure(said.kind(), said.blame(), upstream, target, "upstream answered " + answer.status()
                + (squid != null ? " (" + squid + ")" : proxyStatus != null ? " (" + proxyStatus + ")" : ""), null);
    }

    /** What a proxy's own error answer means, and who it blames. */
    private record Verdict(FailureKind kind, UpstreamFailure.Blame blame) {
        static Verdict of(FailureKind kind) {
            return new Verdict(kind, UpstreamFailure.Blame.of(kind));
        }
    }

    /** The TLS failure in a cause chain (Vert.x and Netty wrap it), or null. */
    private static SSLException tlsFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    /** The innermost message: the certificate path or name check that failed, rather than "handshake failed". */
    private static String tlsReason(SSLException tls) {
        Throwable t = tls;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && !(t instanceof ProxyConnectException) && !(t instanceof ConnectException)) {
            t = t.getCause();
        }
        return t;
    }

    private static UpstreamFailure failure(FailureKind kind, Upstream upstream, HostAndPort target, String reason, Throwable e) {
        return new UpstreamFailure(kind, upstream, target, reason, e);
    }
}
