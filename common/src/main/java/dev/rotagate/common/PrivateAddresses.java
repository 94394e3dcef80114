package dev.rotagate.common;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Addresses that are not the public internet: what a client of a shared gateway must not reach unless the operator
 * allows it (Squid's {@code to_localhost}, Smokescreen's default deny list). IPv6 forms that carry an IPv4 address
 * (IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by the address they carry.
 */
public final class PrivateAddresses {

    private record Range(Cidr cidr, String what) {
        Range(String cidr, String what) {
            this(Cidr.parse(cidr), what);
        }
    }

    private static final List<Range> V4 = List.of(
            new Range("0.0.0.0/8", "\"this network\" (0.0.0.0/8)"),
            new Range("10.0.0.0/8", "private (RFC 1918)"),
            new Range("100.64.0.0/10", "shared address space (CGNAT, 100.64.0.0/10)"),
            new Range("127.0.0.0/8", "loopback"),
            new Range("169.254.0.0/16", "link-local (cloud metadata lives here)"),
            new Range("172.16.0.0/12", "private (RFC 1918)"),
            new Range("192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"),
            new Range("192.168.0.0/16", "private (RFC 1918)"),
            new Range("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
            new Range("224.0.0.0/4", "multicast"),
            new Range("240.0.0.0/4", "reserved or broadcast"));

    private static final List<Range> V6 = List.of(
            new Range("::/128", "unspecified (::)"),
            new Range("::1/128", "loopback"),
            new Range("64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48)"),
            new Range("100::/64", "discard-only (100::/64)"),
            new Range("fc00::/7", "unique local (fc00::/7)"),
            new Range("fe80::/10", "link-local"),
            new Range("fec0::/10", "site-local"),
            new Range("ff00::/8", "multicast"));

    private static final Cidr IPV4_COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private PrivateAddresses() {
    }

    /** What kind of non-public address this is ("loopback", "private (RFC 1918)", …), or null for a public one. */
    public static String kind(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return kindOf(V4, bytes);
        }
        String v6 = kindOf(V6, bytes);
        if (v6 != null) {
            return v6;
        }
        if (IPV4_COMPATIBLE.contains(bytes) || NAT64.contains(bytes)) {
            return embedded(bytes, 12);
        }
        if (SIX_TO_FOUR.contains(bytes)) {
            return embedded(bytes, 2);
        }
        return null;
    }

    public static boolean isPrivate(InetAddress address) {
        return kind(address) != null;
    }

    private static String embedded(byte[] v6, int offset) {
        byte[] v4 = {v6[offset], v6[offset + 1], v6[offset + 2], v6[offset + 3]};
        String kind = kindOf(V4, v4);
        return kind == null ? null : kind + ", inside an IPv6 address";
    }

    private static String kindOf(List<Range> ranges, byte[] bytes) {
        for (Range r : ranges) {
            if (r.cidr().contains(bytes)) {
                return r.what();
            }
        }
        return null;
    }
}
