package dev.rotagate.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostAndPortTest {

    @Test
    void parsesNamesIpv4AndBracketedIpv6AndFormatsThemBack() {
        assertThat(HostAndPort.parse("example.com:443")).isEqualTo(HostAndPort.of("example.com", 443));
        assertThat(HostAndPort.parse("[::1]:8080")).isEqualTo(HostAndPort.of("::1", 8080));
        assertThat(HostAndPort.parse("[::1]:8080").toString()).isEqualTo("[::1]:8080");
        assertThat(HostAndPort.parse("example.com", 80).port()).isEqualTo(80);
        assertThat(HostAndPort.parse("::1", 80)).isEqualTo(HostAndPort.of("::1", 80));
    }

    @Test
    void rejectsMissingOrBadPorts() {
        assertThatThrownBy(() -> HostAndPort.parse("example.com")).hasMessageContaining("expected: host:port");
        assertThatThrownBy(() -> HostAndPort.parse("example.com:http")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostAndPort.parse("example.com:65536")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostAndPort.parse(":80")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void knowsLoopbackAddresses() {
        assertThat(HostAndPort.of("127.0.0.1", 1).isLoopback()).isTrue();
        assertThat(HostAndPort.of("127.1.2.3", 1).isLoopback()).isTrue();
        assertThat(HostAndPort.of("::1", 1).isLoopback()).isTrue();
        assertThat(HostAndPort.of("localhost", 1).isLoopback()).isTrue();
        assertThat(HostAndPort.of("0.0.0.0", 1).isLoopback()).isFalse();
        assertThat(HostAndPort.of("10.0.0.1", 1).isLoopback()).isFalse();
    }
}
