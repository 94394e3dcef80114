package dev.rotagate.common;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code scheme://[user:pass@]host:port} of an upstream proxy, or {@code direct://}.
 * {@link #toString()} masks the password, so an instance can be logged anywhere;
 * {@link #toUnmaskedString()} is for the rare place that must hand the secret on.
 */
public record UpstreamUrl(UpstreamScheme scheme, String host, int port, String username, String password) {

    private static final String MASK = "****";

    public UpstreamUrl {
        Objects.requireNonNull(scheme, "scheme");
        if (scheme == UpstreamScheme.DIRECT) {
            host = "";
            port = 0;
        } else {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
            }
        }
    }

    public static UpstreamUrl direct() {
        return new UpstreamUrl(UpstreamScheme.DIRECT, "", 0, null, null);
    }

    /** Parses an upstream URL; user and password may be percent-encoded. */
    public static UpstreamUrl parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        int sep = s.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("upstream URL: " + mask(s)
                    + " (expected: scheme://[user:pass@]host:port, e.g. http://10.0.0.1:3128)");
        }
        UpstreamScheme scheme = UpstreamScheme.parse(s.substring(0, sep));
        String rest = s.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (scheme == UpstreamScheme.DIRECT) {
            if (!rest.isEmpty()) {
                throw new IllegalArgumentException("upstream URL: " + mask(s) + " (expected: direct:// with nothing after it)");
            }
            return direct();
        }
        if (rest.indexOf('/') >= 0 || rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw new IllegalArgumentException("upstream URL: " + mask(s) + " (expected: no path, query or fragment)");
        }
        String user = null;
        String pass = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            pass = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
            if (user.isEmpty()) {
                throw new IllegalArgumentException("upstream URL: " + mask(s) + " (expected: a user name before ':')");
            }
        }
        HostAndPort hp;
        try {
            hp = HostAndPort.parse(rest, scheme.defaultPort());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upstream URL: " + mask(s) + " (expected: scheme://[user:pass@]host:port)");
        }
        if (hp.port() == 0) {
            throw new IllegalArgumentException("upstream URL: " + mask(s) + " (expected: port 1-65535)");
        }
        return new UpstreamUrl(scheme, hp.host(), hp.port(), user, pass);
    }

    public boolean hasCredentials() {
        return username != null;
    }

    public HostAndPort address() {
        return new HostAndPort(host, port);
    }

    /** The URL with its password, for the few places that must send it on. */
    public String toUnmaskedString() {
        return format(password == null ? null : encode(password));
    }

    @Override
    public String toString() {
        return format(password == null ? null : MASK);
    }

    private String format(String passwordText) {
        if (scheme == UpstreamScheme.DIRECT) {
            return "direct://";
        }
        StringBuilder b = new StringBuilder(scheme.text()).append("://");
        if (username != null) {
            b.append(encode(username));
            if (passwordText != null) {
                b.append(':').append(passwordText);
            }
            b.append('@');
        }
        return b.append(address()).toString();
    }

    /** Masks the password of any URL-like text, for messages about text that did not even parse. */
    public static String mask(String text) {
        int sep = text.indexOf("://");
        int at = text.lastIndexOf('@');
        if (sep < 0 || at < sep) {
            return text;
        }
        int colon = text.indexOf(':', sep + 3);
        if (colon < 0 || colon > at) {
            return text;
        }
        return text.substring(0, colon + 1) + MASK + text.substring(at);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
