package dev.rotagate.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UpstreamUrlTest {

    @Test
    void parsesEverySchemeWithCredentialsAndMasksThePassword() {
        UpstreamUrl url = UpstreamUrl.parse("socks5h://user:p%40ss@10.0.0.1:1080");

        assertThat(url.scheme()).isEqualTo(UpstreamScheme.SOCKS5H);
        assertThat(url.host()).isEqualTo("10.0.0.1");
        assertThat(url.port()).isEqualTo(1080);
        assertThat(url.username()).isEqualTo("user");
        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(url.toString()).isEqualTo("socks5h://user:****@10.0.0.1:1080").doesNotContain("p@ss");
        assertThat(url.toUnmaskedString()).isEqualTo("socks5h://user:p%40ss@10.0.0.1:1080");
        assertThat(UpstreamUrl.parse(url.toUnmaskedString())).isEqualTo(url);
    }

    @ParameterizedTest
    @CsvSource({
            "http://10.0.0.1:3128,        HTTP,    10.0.0.1, 3128",
            "http://proxy.example,        HTTP,    proxy.example, 8080",
            "socks4://10.0.0.1:1080,      SOCKS4,  10.0.0.1, 1080",
            "socks4a://h:1081,            SOCKS4A, h, 1081",
            "SOCKS5://[2001:db8::1]:1080, SOCKS5,  2001:db8::1, 1080",
            "direct://,                   DIRECT,  '', 0",
    })
    void parsesSchemesHostsAndDefaultPorts(String text, UpstreamScheme scheme, String host, int port) {
        UpstreamUrl url = UpstreamUrl.parse(text);

        assertThat(url.scheme()).isEqualTo(scheme);
        assertThat(url.host()).isEqualTo(host);
        assertThat(url.port()).isEqualTo(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1:3128", "ftp://10.0.0.1:21", "http://10.0.0.1:0", "http://10.0.0.1:99999",
            "http://10.0.0.1:3128/path", "http://:3128", "direct://somewhere", "http://:pw@h:1"})
    void rejectsWhatIsNotAnUpstreamUrl(String text) {
        assertThatThrownBy(() -> UpstreamUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected");
    }

    @Test
    void errorMessagesNeverShowThePassword() {
        assertThatThrownBy(() -> UpstreamUrl.parse("http://user:topsecret@host:3128/x"))
                .hasMessageNotContaining("topsecret").hasMessageContaining("user:****@host");
        assertThat(UpstreamUrl.mask("gopher://u:secret@h:1")).isEqualTo("gopher://u:****@h:1");
    }
}
