package dev.rotagate.gateway.forward;

import dev.rotagate.common.HostAndPort;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites heads on their way through. Only hop-by-hop headers are touched; every other header keeps its
 * order and the case of its name, because some sites fingerprint clients by them.
 */
public final class HttpMessages {

    private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE);
    private static final String HINT_PREFIX = "x-rotagate-";

    private HttpMessages() {
    }

    /** A parsed absolute-form request target: {@code http://host[:port]/path?query}. */
    public record AbsoluteUri(HostAndPort target, String originForm) {
    }

    /** Parses an absolute {@code http://} URI; null when the request is not in absolute form. */
    public static AbsoluteUri parseAbsolute(String uri) {
        if (uri.length() < 8 || !uri.regionMatches(true, 0, "http://", 0, 7)) {
            return null;
        }
        int start = 7;
        int end = start;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String authority = uri.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        HostAndPort target = HostAndPort.parse(authority, 80);
        String path = end < uri.length() ? uri.substring(end) : "/";
        if (path.startsWith("?")) {
            path = "/" + path;
        }
        int hash = path.indexOf('#');
        if (hash >= 0) {
            path = path.substring(0, hash);
        }
        return new AbsoluteUri(target, path);
    }

    /** Parses a CONNECT target {@code host:port} (the port is required). */
    public static HostAndPort parseConnectTarget(String uri) {
        HostAndPort target = HostAndPort.parse(uri);
        if (target.port() == 0) {
            throw new IllegalArgumentException("port: 0 (expected: 1-65535)");
        }
        return target;
    }

    /**
     * Removes hop-by-hop headers, the headers named in Connection, and routing-hint headers. Netty's headers are
     * case-insensitive and hashed, so fixed names are removed directly; names are only scanned for the hint prefix.
     */
    public static void stripHopByHop(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                for (String token : value.split(",")) {
                    String t = token.trim();
                    if (!t.isEmpty()) {
                        headers.remove(t);
                    }
                }
            }
        }
        for (CharSequence name : HOP_BY_HOP) {
            headers.remove(name);
        }
        List<String> hints = null;
        for (var e : headers) {
            String name = e.getKey();
            if (name.length() > HINT_PREFIX.length() - 1 && name.regionMatches(true, 0, HINT_PREFIX, 0, HINT_PREFIX.length())) {
                if (hints == null) {
                    hints = new ArrayList<>(2);
                }
                hints.add(name);
            }
        }
        if (hints != null) {
            hints.forEach(headers::remove);
        }
    }

    /**
     * A copy of the client's request head prepared for one upstream (the original stays as received, so that a retry
     * on another upstream starts from it again): absolute form with the upstream's credentials for an HTTP proxy,
     * origin form (with a Host header) through a tunnel.
     *
     * @param proxyAuthorization the upstream's {@code Proxy-Authorization} value, or null
     */
    public static HttpRequest forUpstream(HttpRequest request, AbsoluteUri uri, boolean absoluteForm, String proxyAuthorization) {
        HttpRequest copy = new io.netty.handler.codec.http.DefaultHttpRequest(request.protocolVersion(), request.method(),
                request.uri(), request.headers().copy());
        stripHopByHop(copy.headers());
        if (absoluteForm) {
            if (proxyAuthorization != null) {
                copy.headers().add("Proxy-Authorization", proxyAuthorization); // conventional case: some proxies care
            }
        } else {
            copy.setUri(uri.originForm());
            if (!copy.headers().contains(HttpHeaderNames.HOST)) {
                HostAndPort t = uri.target();
                copy.headers().add(HttpHeaderNames.HOST, t.port() == 80 ? hostText(t) : t.toString());
            }
        }
        return copy;
    }

    /**
     * Prepares an upstream response for the client: hop-by-hop headers out, our upstream header in, and framing
     * the client can keep its connection alive with. Returns whether the client connection stays open.
     */
    public static boolean prepareResponse(HttpResponse response, HttpRequest request, boolean clientKeepAlive,
                                          String upstreamName) {
        boolean upstreamClosesToFrame = !hasFraming(response) && mayHaveBody(response, request.method());
        stripHopByHop(response.headers());
        boolean keepAlive = clientKeepAlive;
        if (upstreamClosesToFrame) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                HttpUtil.setTransferEncodingChunked(response, true); // the encoder chunks what we relay
            } else {
                keepAlive = false;
            }
        }
        response.headers().set(ErrorReplies.UPSTREAM_HEADER, upstreamName);
        HttpUtil.setKeepAlive(response, keepAlive);
        return keepAlive;
    }

    private static boolean hasFraming(HttpResponse r) {
        return HttpUtil.isContentLengthSet(r) || HttpUtil.isTransferEncodingChunked(r);
    }

    private static boolean mayHaveBody(HttpResponse r, HttpMethod method) {
        int code = r.status().code();
        return !method.equals(HttpMethod.HEAD) && code >= 200 && code != 204 && code != 304;
    }

    private static String hostText(HostAndPort t) {
        return t.isIpv6Literal() ? "[" + t.host() + "]" : t.host();
    }
}
