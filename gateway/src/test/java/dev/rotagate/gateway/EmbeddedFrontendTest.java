package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The front end on in-memory sockets: what each hostile input gets back, byte for byte, and that nothing leaks. */
class EmbeddedFrontendTest {

    private EmbeddedGateway gateway;

    @BeforeEach
    void start() throws Exception {
        gateway = EmbeddedGateway.start("listen: 127.0.0.1:0\nauth:\n  users:\n    - { username: u, password: p }\n"
                + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n");
    }

    @AfterEach
    void noLeaksNoEscapes() {
        gateway.close();
        assertThat(gateway.unreleased()).as("buffers still referenced").isEmpty();
        assertThat(EmbeddedGateway.takeUnhandled()).isEmpty();
    }

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private String exchange(String input) {
        EmbeddedChannel client = gateway.connect();
        gateway.send(client, hex(input));
        String out = HexFormat.of().formatHex(EmbeddedGateway.written(client).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(client.isOpen()).as("closed after %s", out).isFalse();
        return out;
    }

    @Test
    void socks5GreetingWithOnlyGssapiAndAByteBehindIsRefusedAndClosed() {
        assertThat(exchange("05 01 01 58")).isEqualTo("05ff");
    }

    @Test
    void socks5EmptyTargetName() {
        assertThat(exchange("05 01 02  01 01 75 01 70  05 01 00 03 00 00 50")).isEqualTo("0502" + "0100" + "05040001000000000000");
    }

    @Test
    void socks5BadPasswordWithConnectBehind() {
        assertThat(exchange("05 01 02  01 01 75 01 78  05 01 00 01 7f 00 00 01 00 50")).isEqualTo("0502" + "01ff");
    }

    @Test
    void bytesPipelinedBehindAConnectHeadGoThroughTheTunnel() {
        EmbeddedChannel client = gateway.connect();
        gateway.send(client, ("CONNECT 127.0.0.1:9 HTTP/1.1\r\nProxy-Authorization: Basic dTpw\r\n\r\nGET / HTTP/1.1\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        assertThat(EmbeddedGateway.written(client)).startsWith("HTTP/1.1 200 Connection established");
        assertThat(gateway.upstreams()).hasSize(1);
        assertThat(EmbeddedGateway.written(gateway.upstreams().get(0))).isEqualTo("GET / HTTP/1.1\r\n\r\n");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aSlowHeadIsClosedAtTheDeadline() {
        EmbeddedChannel client = gateway.connect();
        gateway.send(client, "GET http://x/ HTTP/1.1\r\nHo".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        gateway.advance(Duration.ofSeconds(61));
        assertThat(client.isOpen()).isFalse();
    }
}
