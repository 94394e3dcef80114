package dev.rotagate.common;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What a client may name as a target, checked before anything is dialled: an IPv4 literal in dotted-decimal form, an
 * IPv6 literal, or a host name of at most 253 characters in labels of letters, digits, {@code -} and {@code _}
 * (1–63 each, none empty), whose last label is not a number. Anything else — spaces, CR/LF, NUL, {@code @}, {@code %},
 * empty labels, a trailing dot, numeric forms other than dotted decimal ({@code 010.0.0.1}, {@code 0x7f000001}) —
 * would be read differently by the next hop or by a resolver, so it is refused.
 */
public final class TargetNames {

    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;

    private TargetNames() {
    }

    /** {@code host} itself when it is a valid target host; otherwise an {@link IllegalArgumentException} saying why. */
    public static String check(String host) {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("target host: empty (expected: a host name or an IP address)");
        }
        if (host.indexOf(':') >= 0) {
            return checkIpv6(host);
        }
        if (endsInANumber(host)) {
            return checkIpv4(host);
        }
        if (host.length() > MAX_NAME) {
            throw new IllegalArgumentException("target host: " + host.length() + " characters (expected: at most " + MAX_NAME + ")");
        }
        int labelStart = 0;
        for (int i = 0; i <= host.length(); i++) {
            char c = i < host.length() ? host.charAt(i) : '.';
            if (c == '.') {
                int label = i - labelStart;
                if (label == 0 || label > MAX_LABEL) {
                    throw refused(host, label == 0 ? "an empty label" : "a label over " + MAX_LABEL + " characters");
                }
                labelStart = i + 1;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw refused(host, "character 0x" + Integer.toHexString(c));
            }
        }
        return host;
    }

    /**
     * The address of an IP literal ({@code 10.0.0.1}, {@code ::1}), or null for a host name; a host that looks like a
     * number but is not a dotted-decimal IPv4 or an IPv6 literal is refused as {@link #check} refuses it. Never looks
     * anything up.
     */
    public static InetAddress literal(String host) {
        if (host == null || host.isEmpty() || host.indexOf(':') < 0 && !endsInANumber(host)) {
            return null;
        }
        String checked = host.indexOf(':') >= 0 ? checkIpv6(host) : checkIpv4(host);
        try {
            return InetAddress.getByName(checked); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw refused(host, "not an IP address");
        }
    }

    /** A target with a usable port (1-65535) and a {@linkplain #check checked} host. */
    public static HostAndPort target(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("target port: " + port + " (expected: 1-65535)");
        }
        return HostAndPort.of(check(host), port);
    }

    /**
     * The last label is a number — decimal, or hex with {@code 0x} — as in {@code 2130706433}, {@code 127.1} or
     * {@code 0x7f.0.0.1}: resolvers ({@code inet_aton}) and browsers (the WHATWG URL parser) read such a host as an
     * IPv4 address, so it must be one in plain dotted-decimal form. No real name ends in a number: TLDs are letters.
     */
    private static boolean endsInANumber(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host; // as the URL parser does
        String last = name.substring(name.lastIndexOf('.') + 1);
        int digits = last.length() > 1 && (last.charAt(0) == '0') && (last.charAt(1) == 'x' || last.charAt(1) == 'X') ? 2 : 0;
        boolean hex = digits == 2;
        for (int i = digits; i < last.length(); i++) {
            char c = last.charAt(i);
            if (!(c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return hex || !last.isEmpty();
    }

    /** Exactly four decimal parts of 0-255, without leading zeros (inet_aton reads {@code 010} as octal). */
    private static String checkIpv4(String host) {
        int parts = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= host.length(); i++) {
            char c = i < host.length() ? host.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || ++parts > 4) {
                    break;
                }
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && !(digits == 1 && value == 0)) {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    break;
                }
            } else {
                break;
            }
            if (i == host.length() && parts == 4) {
                return host;
            }
        }
        throw refused(host, "a number that is not a dotted-decimal IPv4 address");
    }

    private static String checkIpv6(String host) {
        if (Character.digit(host.charAt(0), 16) < 0 && host.charAt(0) != ':') {
            throw refused(host, "not an IPv6 address"); // InetAddress would look such a string up in the DNS
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                throw refused(host, "character 0x" + Integer.toHexString(c) + " in an IPv6 literal");
            }
        }
        try {
            InetAddress.getByName(host); // a literal: parsed, never looked up
            return host;
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw refused(host, "not an IPv6 address");
        }
    }

    private static IllegalArgumentException refused(String host, String why) {
        StringBuilder shown = new StringBuilder();
        host.chars().limit(80).forEach(c -> shown.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c)
                : String.format("\\x%02x", c)));
        return new IllegalArgumentException("target host: " + shown + (host.length() > 80 ? "…" : "") + ": " + why
                + " (expected: a name of letters, digits, '-', '_' in dot-separated labels, or an IP address)");
    }
}
