package dev.rotagate.common;

import java.util.Locale;

/** How the gateway talks to an upstream proxy. */
public enum UpstreamScheme {
    /** An HTTP proxy: CONNECT for tunnels, absolute-form requests for plain HTTP. */
    HTTP("http", 8080),
    /** An HTTP proxy reached over TLS: the credentials and the CONNECT target never cross the network in clear. */
    HTTPS("https", 443),
    /** SOCKS4; a target name is sent as SOCKS4a because targets are never resolved locally. */
    SOCKS4("socks4", 1080),
    SOCKS4A("socks4a", 1080),
    /** SOCKS5; target names are passed to the proxy (the gateway never resolves targets itself). */
    SOCKS5("socks5", 1080),
    SOCKS5H("socks5h", 1080),
    /** No proxy: the gateway connects to the target itself. */
    DIRECT("direct", 0);

    private final String text;
    private final int defaultPort;

    UpstreamScheme(String text, int defaultPort) {
        this.text = text;
        this.defaultPort = defaultPort;
    }

    public String text() {
        return text;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** An HTTP proxy, in clear or over TLS: CONNECT, or absolute-form requests for plain HTTP. */
    public boolean isHttpProxy() {
        return this == HTTP || this == HTTPS;
    }

    public boolean isSocks() {
        return this == SOCKS4 || this == SOCKS4A || this == SOCKS5 || this == SOCKS5H;
    }

    public static UpstreamScheme parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (UpstreamScheme s : values()) {
            if (s.text.equals(lower)) {
                return s;
            }
        }
        throw new IllegalArgumentException("scheme: " + text
                + " (expected: http, https, socks4, socks4a, socks5, socks5h or direct)");
    }
}
