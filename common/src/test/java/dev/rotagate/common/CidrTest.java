package dev.rotagate.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static InetAddress ip(String literal) {
        return TargetNames.literal(literal);
    }

    @Test
    void rangesContainWhatTheirPrefixCovers() {
        Cidr ten = Cidr.parse("10.1.0.0/16");
        assertThat(ten.contains(ip("10.1.255.3"))).isTrue();
        assertThat(ten.contains(ip("10.2.0.1"))).isFalse();
        assertThat(Cidr.parse("100.64.0.0/10").contains(ip("100.127.255.255"))).isTrue();
        assertThat(Cidr.parse("100.64.0.0/10").contains(ip("100.128.0.0"))).isFalse();
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.1"))).isTrue();
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(ip("fdab::1"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(ip("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/16")).isEqualTo(Cidr.parse("10.1.0.0/16"));
        assertThat(Cidr.parse("10.1.2.3/16")).hasToString("10.1.0.0/16");
    }

    @Test
    void onlyLiteralsAndSanePrefixesParse() {
        for (String bad : new String[] {"example.com/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::/129", "010.0.0.0/8",
            "0x7f000001/32", ""}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
