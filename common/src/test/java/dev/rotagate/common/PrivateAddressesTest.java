package dev.rotagate.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrivateAddressesTest {

    @Test
    void everyNonPublicRangeIsRecognisedAlsoInsideIpv6() {
        for (String address : new String[] {"0.0.0.0", "0.1.2.3", "10.0.0.1", "100.64.0.1", "127.0.0.1", "127.255.0.1",
            "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.168.1.1", "198.18.0.1", "224.0.0.1",
            "239.255.255.250", "240.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "::127.0.0.1",
            "64:ff9b::a9fe:a9fe", "2002:a00:1::", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1",
            "64:ff9b:1::1", "100::1"}) {
            assertThat(PrivateAddresses.kind(TargetNames.literal(address))).as(address).isNotNull();
        }
    }

    @Test
    void publicAddressesAreNot() {
        for (String address : new String[] {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "11.0.0.1", "203.0.113.7",
            "2606:4700::1111", "2001:db8::1", "64:ff9b::808:808", "2002:808:808::"}) {
            assertThat(PrivateAddresses.kind(TargetNames.literal(address))).as(address).isNull();
        }
    }

    @Test
    void theKindSaysWhy() {
        assertThat(PrivateAddresses.kind(TargetNames.literal("169.254.169.254"))).contains("metadata");
        assertThat(PrivateAddresses.kind(TargetNames.literal("::ffff:10.0.0.1"))).isEqualTo("private (RFC 1918)");
    }
}
