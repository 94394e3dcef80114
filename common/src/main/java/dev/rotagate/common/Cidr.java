package dev.rotagate.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address range: {@code 10.0.0.0/8}, {@code fd00::/8}, or one address ({@code 127.0.0.1} is {@code /32}). IPv4
 * ranges match IPv4 addresses only, IPv6 ranges IPv6 ones (Java already turns {@code ::ffff:a.b.c.d} into IPv4).
 */
public record Cidr(byte[] network, int prefix) {

    public Cidr {
        network = network.clone();
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix /" + prefix + " (expected: 0-" + network.length * 8 + ")");
        }
        for (int bit = prefix; bit < network.length * 8; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8)); // the host part is not part of the range
        }
    }

    /** {@code ADDRESS/PREFIX} or a bare address; addresses are literals, never looked up. */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        InetAddress parsed;
        try {
            parsed = TargetNames.literal(address);
        } catch (IllegalArgumentException e) {
            parsed = null;
        }
        if (parsed == null) {
            throw new IllegalArgumentException("'" + text + "' (expected: an address range such as 10.0.0.0/8 or fd00::/8)");
        }
        byte[] bytes = parsed.getAddress();
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "': prefix '" + p + "' (expected: 0-" + prefix + ")");
            }
            int bits = Integer.parseInt(p);
            if (bits > prefix) {
                throw new IllegalArgumentException("'" + text + "': prefix /" + bits + " (expected: 0-" + prefix + ")");
            }
            prefix = bits;
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        return rest == 0 || ((address[full] ^ network[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a 4- or 16-byte array always makes an address
        }
    }
}
