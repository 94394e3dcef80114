package dev.rotagate.gateway.forward;

import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.TargetNames;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rewrites heads on their way through. Only hop-by-hop headers are touched; every other header keeps its order and
 * the case of its name, because some sites fingerprint clients by them. A header named in {@code Connection} is
 * hop-by-hop too — unless it frames the message ({@code Content-Length}, {@code Transfer-Encoding}) or names its
 * target ({@code Host}): removing those would let the next hop read the body as requests of its own.
 */
public final class HttpMessages {

    /** Hop-by-hop names as a header set: Netty's case-insensitive hashing makes each lookup one probe. */
    private static final HttpHeaders HOP_BY_HOP = names(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE);
    /** What {@code Connection} can never remove. */
    private static final HttpHeaders PROTECTED = names(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.HOST);
    private static final String HINT_PREFIX = "x-rotagate-";

    private HttpMessages() {
    }

    /** A parsed absolute-form request target: {@code http://host[:port]/path?query}. */
    public record AbsoluteUri(HostAndPort target, String originForm) {
        /** The authority as a Host header says it: the port only when it is not 80. */
        public String authority() {
            String host = target.isIpv6Literal() ? "[" + target.host() + "]" : target.host();
            return target.port() == 80 ? host : host + ":" + target.port();
        }
    }

    /**
     * Parses an absolute {@code http://} URI; null when the request is not in absolute form.
     *
     * @throws IllegalArgumentException for user info, a bad host name or port
     */
    public static AbsoluteUri parseAbsolute(String uri) {
        if (uri.length() < 8 || !uri.regionMatches(true, 0, "http://", 0, 7)) {
            return null;
        }
        int end = 7;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String authority = uri.substring(7, end);
        if (authority.indexOf('@') >= 0) {
            throw new IllegalArgumentException("user info in the request target (RFC 9110 §4.2.4: not to be sent)");
        }
        HostAndPort parsed = HostAndPort.parse(authority, 80);
        HostAndPort target = TargetNames.target(parsed.host(), parsed.port());
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
        HostAndPort parsed = HostAndPort.parse(uri);
        return TargetNames.target(parsed.host(), parsed.port());
    }

    /** The request asks to switch protocols (HTTP/1.1 {@code Upgrade}, RFC 9110 §7.8). */
    public static boolean asksToUpgrade(HttpRequest request) {
        return request.protocolVersion().equals(HttpVersion.HTTP_1_1) && request.headers().contains(HttpHeaderNames.UPGRADE);
    }

    /**
     * A copy of the client's request head prepared for one upstream (the original stays as received, so that a retry
     * on another upstream starts from it again): hop-by-hop headers out, {@code Host} the target's authority (RFC 9112
     * §3.2.2) in its place, absolute form with the upstream's credentials for an HTTP proxy, origin form through a
     * tunnel. A request that asks to upgrade keeps {@code Upgrade} and says {@code Connection: upgrade}.
     *
     * @param proxyAuthorization the upstream's {@code Proxy-Authorization} value, or null
     */
    public static HttpRequest forUpstream(HttpRequest request, AbsoluteUri uri, boolean absoluteForm, String proxyAuthorization) {
        boolean upgrade = asksToUpgrade(request);
        HttpHeaders in = request.headers();
        HttpHeaders named = connectionTokens(in);
        HttpHeaders out = new DefaultHttpHeaders(false); // every value was validated when it was read
        boolean host = false;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = in.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> h = it.next();
            CharSequence name = h.getKey();
            if (HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)) {
                out.add(name, uri.authority());
                host = true;
            } else if (upgrade && HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name) || !dropped(name, named)) {
                out.add(name, h.getValue());
            }
        }
        if (!host) {
            out.add(HttpHeaderNames.HOST, uri.authority());
        }
        if (upgrade) {
            out.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        if (absoluteForm && proxyAuthorization != null) {
            out.add("Proxy-Authorization", proxyAuthorization); // conventional case: some proxies care
        }
        return new DefaultHttpRequest(request.protocolVersion(), request.method(), absoluteForm ? request.uri() : uri.originForm(),
                out);
    }

    /** Removes hop-by-hop headers, the headers named in Connection (but the protected ones), and hint headers. */
    public static void stripHopByHop(HttpHeaders headers, boolean keepUpgrade) {
        HttpHeaders named = connectionTokens(headers);
        List<CharSequence> drop = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (dropped(name, named) && !(keepUpgrade && HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name))) {
                if (drop == null) {
                    drop = new ArrayList<>(4);
                }
                drop.add(name);
            }
        }
        if (drop != null) {
            drop.forEach(headers::remove);
        }
    }

    private static boolean dropped(CharSequence name, HttpHeaders named) {
        return HOP_BY_HOP.contains(name) || named != null && named.contains(name) && !PROTECTED.contains(name)
                || AsciiString.regionMatches(name, true, 0, HINT_PREFIX, 0, HINT_PREFIX.length());
    }

    /** The names listed in Connection, as a set; null when it lists nothing beyond the usual. */
    private static HttpHeaders connectionTokens(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.CONNECTION)) {
            return null;
        }
        HttpHeaders named = null;
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            if (namesNothingMore(value.trim())) { // the usual "keep-alive", "close", "upgrade"
                continue;
            }
            for (String token : value.split(",")) {
                String t = token.trim();
                if (!t.isEmpty() && !namesNothingMore(t)) {
                    if (named == null) {
                        named = new DefaultHttpHeaders(false);
                    }
                    named.add(t, "");
                }
            }
        }
        return named;
    }

    private static boolean namesNothingMore(String token) {
        return HOP_BY_HOP.contains(token) || HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(token);
    }

    /**
     * Prepares an upstream response for the client: hop-by-hop headers out, our upstream header in, and framing the
     * client can read — a close-delimited body goes to an HTTP/1.1 client chunked (and then as HTTP/1.1), to an
     * HTTP/1.0 client as it is, and a chunked one to an HTTP/1.0 client unchunked; both of those end with the close.
     * Returns whether the client connection stays open.
     */
    public static boolean prepareResponse(HttpResponse response, HttpRequest request, boolean clientKeepAlive,
                                          String upstreamName) {
        boolean http11Client = request.protocolVersion().equals(HttpVersion.HTTP_1_1);
        boolean mayHaveBody = mayHaveBody(response, request.method());
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean closeDelimited = mayHaveBody && !chunked && !HttpUtil.isContentLengthSet(response);
        stripHopByHop(response.headers(), false);
        boolean keepAlive = clientKeepAlive;
        if (closeDelimited && http11Client) {
            HttpUtil.setTransferEncodingChunked(response, true); // the encoder chunks what we relay
            response.setProtocolVersion(HttpVersion.HTTP_1_1);
        } else if (closeDelimited || chunked && !http11Client) {
            HttpUtil.setTransferEncodingChunked(response, false);
            keepAlive = false;
        }
        response.headers().set(ErrorReplies.UPSTREAM_HEADER, upstreamName);
        HttpUtil.setKeepAlive(response, keepAlive);
        return keepAlive;
    }

    /** A {@code 101 Switching Protocols} for the client: hop-by-hop headers out but the switch itself. */
    public static void prepareSwitch(HttpResponse response, String upstreamName) {
        stripHopByHop(response.headers(), true);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(ErrorReplies.UPSTREAM_HEADER, upstreamName);
    }

    private static boolean mayHaveBody(HttpResponse r, HttpMethod method) {
        int code = r.status().code();
        return !method.equals(HttpMethod.HEAD) && code >= 200 && code != 204 && code != 304;
    }

    private static HttpHeaders names(CharSequence... names) {
        HttpHeaders set = new DefaultHttpHeaders(false);
        for (CharSequence n : names) {
            set.add(n, "");
        }
        return set;
    }
}
