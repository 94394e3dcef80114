package dev.rotagate.common;

import java.util.Objects;

/**
 * A host (name, IPv4 or IPv6 literal without brackets) and a TCP port.
 * {@link #toString()} brackets IPv6 literals, so the result parses back.
 */
public record HostAndPort(String host, int port) {

    public HostAndPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: empty (expected: a name or an IP address)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    public static HostAndPort of(String host, int port) {
        return new HostAndPort(host, port);
    }

    /** Parses {@code host:port}, {@code [v6]:port}, or a bare host with {@code defaultPort} (-1: port required). */
    public static HostAndPort parse(String text, int defaultPort) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        String host;
        String portText = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("address: " + text + " (expected: [IPv6]:port)");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("address: " + text + " (expected: [IPv6]:port)");
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') != colon) {
                host = s; // a bare IPv6 literal: no port
            } else if (colon >= 0) {
                host = s.substring(0, colon);
                portText = s.substring(colon + 1);
            } else {
                host = s;
            }
        }
        int port;
        if (portText == null) {
            if (defaultPort < 0) {
                throw new IllegalArgumentException("address: " + text + " (expected: host:port)");
            }
            port = defaultPort;
        } else {
            port = parsePort(portText, text);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("address: " + text + " (expected: a host before the port)");
        }
        return new HostAndPort(host, port);
    }

    public static HostAndPort parse(String text) {
        return parse(text, -1);
    }

    private static int parsePort(String portText, String whole) {
        if (portText.isEmpty() || portText.length() > 5 || !digitsOnly(portText)) {
            throw new IllegalArgumentException("port: " + whole + " (expected: host:port with port 0-65535)");
        }
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        return port;
    }

    private static boolean digitsOnly(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    public boolean isIpv6Literal() {
        return host.indexOf(':') >= 0;
    }

    /** True for 127.0.0.0/8, ::1 and "localhost": addresses that only this machine can reach. */
    public boolean isLoopback() {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("0:0:0:0:0:0:0:1");
    }

    @Override
    public String toString() {
        return isIpv6Literal() ? "[" + host + "]:" + port : host + ":" + port;
    }
}
