package dev.rotagate.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetNamesTest {

    private static final String LABEL_63 = "a".repeat(63);
    /** 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters. */
    private static final String NAME_253 = LABEL_63 + "." + LABEL_63 + "." + LABEL_63 + "." + "b".repeat(61);

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "a", "A-b_c.Example-1.org", "xn--bcher-kva.example", "_srv.example",
            "123.example", "localhost"})
    void acceptsHostNamesOfLettersDigitsHyphensAndUnderscores(String host) {
        String checked = TargetNames.check(host);

        assertThat(checked).isSameAs(host);
    }

    @Test
    void acceptsLabelsOf63CharactersAndNamesOf253Characters() {
        String longLabel = LABEL_63 + ".example";

        assertThat(TargetNames.check(longLabel)).isEqualTo(longLabel);
        assertThat(NAME_253).hasSize(253);
        assertThat(TargetNames.check(NAME_253)).isEqualTo(NAME_253);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "1.2.3.4", "10.0.0.1", "127.0.0.1", "255.255.255.255", "192.168.100.200"})
    void acceptsDottedDecimalIpv4Literals(String host) {
        String checked = TargetNames.check(host);

        assertThat(checked).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "::", "::ffff:1.2.3.4", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A", "fe80::1",
            "1::"})
    void acceptsIpv6LiteralsWithoutLookingThemUp(String host) {
        List<String> lookups = recordingLookups(() -> assertThat(TargetNames.check(host)).isEqualTo(host));

        assertThat(lookups).isEmpty();
    }

    @Test
    void refusesNullAndEmpty() {
        assertThatThrownBy(() -> TargetNames.check(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> TargetNames.check(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    static Stream<Arguments> refusedCharacters() {
        return Stream.of(
                Arguments.of("exa mple.com", "0x20"),
                Arguments.of("example.com\r\nX-Injected", "0xd"),
                Arguments.of("example.com\n", "0xa"),
                Arguments.of("example\0.com", "0x0"),
                Arguments.of("user@example.com", "0x40"),
                Arguments.of("example%2ecom", "0x25"),
                Arguments.of("example.com/path", "0x2f"),
                Arguments.of("exämple.com", "0xe4"));
    }

    @ParameterizedTest
    @MethodSource("refusedCharacters")
    void refusesCharactersOutsideTheNameAlphabet(String host, String reportedCharacter) {
        assertThatThrownBy(() -> TargetNames.check(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("character " + reportedCharacter);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a..b", ".a", "a.", "example.com.", ".", ".."})
    void refusesEmptyLabelsIncludingATrailingDot(String host) {
        assertThatThrownBy(() -> TargetNames.check(host)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesTheEmptyLabelAsTheReason() {
        assertThatThrownBy(() -> TargetNames.check("a..b")).hasMessageContaining("an empty label");
    }

    @Test
    void refusesALabelOf64Characters() {
        String host = "a".repeat(64) + ".example";

        assertThatThrownBy(() -> TargetNames.check(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a label over 63 characters");
    }

    @Test
    void refusesANameOf254Characters() {
        String host = NAME_253 + "b";

        assertThat(host).hasSize(254);
        assertThatThrownBy(() -> TargetNames.check(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("254 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"010.0.0.1", "1.02.3.4", "1.2.3.00", "1.2.3", "1.2", "2130706433", "1.2.3.4.5",
            "256.0.0.1", "1.2.3.256", "1.2.3.999", "1.2.3.1000", "1.2..4", "1.2.3.", ".1.2.3", "00.0.0.0",
            "0x7f000001", "0x7f.0.0.1", "0X7F.1", "127.1", "a.0x10", "example.123", "1.2.3.4."})
    void refusesNumbersThatAreNotDottedDecimalIpv4(String host) {
        assertThatThrownBy(() -> TargetNames.check(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a dotted-decimal IPv4 address");
    }

    @Test
    void refusesAnIpv6LiteralWithAZoneId() {
        assertThatThrownBy(() -> TargetNames.check("fe80::1%eth0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("character 0x25 in an IPv6 literal");
    }

    @ParameterizedTest
    @ValueSource(strings = {":::", "12:34", "1:2:3:4:5:6:7:8:9", "::g", "2001:db8::1::2", "::1.2.3"})
    void refusesMalformedIpv6Literals(String host) {
        List<String> lookups = recordingLookups(() -> assertThatThrownBy(() -> TargetNames.check(host))
                .isInstanceOf(IllegalArgumentException.class));

        assertThat(lookups).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {".a:b", ".1:2", ".::1", "[::1]", "-:1", "_:1", "g::1", "x:y"})
    void refusesAStringWithAColonThatIsNotALiteralWithoutAnyDnsLookup(String host) {
        List<String> lookups = recordingLookups(() -> assertThatThrownBy(() -> TargetNames.check(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an IPv6 address"));

        assertThat(lookups).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536, Integer.MAX_VALUE})
    void targetRefusesPortsOutside1To65535(int port) {
        assertThatThrownBy(() -> TargetNames.target("example.com", port))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target port: " + port);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 80, 65535})
    void targetAcceptsPorts1To65535(int port) {
        HostAndPort target = TargetNames.target("example.com", port);

        assertThat(target).isEqualTo(HostAndPort.of("example.com", port));
    }

    @Test
    void targetChecksTheHost() {
        assertThatThrownBy(() -> TargetNames.target("a..b", 80)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TargetNames.target("::1", 443)).isEqualTo(HostAndPort.of("::1", 443));
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.com\r\nX-Injected: 1", "evil\0.com", "evil.com\n", "::1\r\n", "ab\u007f", "a\tb"})
    void errorMessagesEscapeControlCharacters(String host) {
        assertThatThrownBy(() -> TargetNames.check(host))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("\r", "\n", "\0", "\t", "\u007f")
                .matches("\\p{Print}*");
    }

    @Test
    void errorMessageShowsControlCharactersAsHexEscapes() {
        assertThatThrownBy(() -> TargetNames.check("evil.com\r\nX: \0"))
                .hasMessageContaining("evil.com\\x0d\\x0aX: \\x00");
    }

    @Test
    void errorMessageShortensLongHosts() {
        String host = "a".repeat(100) + "@";

        assertThatThrownBy(() -> TargetNames.check(host))
                .message()
                .contains("a".repeat(80) + "…")
                .doesNotContain("a".repeat(81));
    }

    /** Runs {@code action} and returns the hosts it asked the resolver for (InetAddress checks those first). */
    @SuppressWarnings("removal")
    private static List<String> recordingLookups(Runnable action) {
        List<String> lookups = Collections.synchronizedList(new ArrayList<>());
        SecurityManager previous = System.getSecurityManager();
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkPermission(Permission perm) {
            }

            @Override
            public void checkPermission(Permission perm, Object context) {
            }

            @Override
            public void checkConnect(String host, int port) {
                if (port == -1) {
                    lookups.add(host);
                    throw new SecurityException("DNS lookup of " + host);
                }
            }
        });
        try {
            action.run();
        } finally {
            System.setSecurityManager(previous);
        }
        return lookups;
    }
}
