package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.gateway.frontend.ClientConnection;
import dev.rotagate.gateway.frontend.Phase;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.Arrays;

/**
 * Arbitrary bytes from a client through the real front end — protocol detection, HTTP heads and bodies, the SOCKS5
 * handshake with and without authentication, SOCKS4 — and on to the exchanges and tunnels they open (the upstream
 * answers every request {@code 200 ok}). After the input, the client's FIN and enough time for every deadline, the
 * connection must have ended; the work it caused is bounded by its size; every buffer is released; no handler threw
 * (a byte fed to a finished decoder throws). Runs on in-memory sockets ({@link EmbeddedGateway}).
 *
 * <p>The first input byte chooses: bit 0 client auth on, bits 1-3 the size of the pieces the rest arrives in, bit 4
 * no FIN at the end (then an open tunnel is a defined end too). {@code mvn -B verify} replays the inputs directory
 * {@code FrontendFuzzTestInputs/clientBytes}; {@code bin/fuzz FrontendFuzzTest 600} fuzzes for ten minutes.
 */
class FrontendFuzzTest {

    private static final int[] PIECES = {Integer.MAX_VALUE, 1, 2, 3, 7, 16, 64, 1024};
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    private static final GatewayConfig OPEN = config(false);
    private static final GatewayConfig AUTH = config(true);

    private static GatewayConfig config(boolean auth) {
        return EmbeddedGateway.config("listen: 127.0.0.1:0\n"
                    + (auth ? "auth:\n  users:\n    - { username: u, password: p }\n" : "")
                    + "timeouts: { request: 10s, response: 5s }\n"
                    + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n");
    }

    @FuzzTest(maxDuration = "20s")
    void clientBytes(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int flags = input[0] & 0xFF;
        EmbeddedGateway gateway = EmbeddedGateway.start((flags & 1) == 0 ? OPEN : AUTH);
        try {
            ClientConnection connection = gateway.accept();
            EmbeddedChannel client = (EmbeddedChannel) connection.socket().channel();
            int piece = PIECES[flags >> 1 & 7];
            for (int i = 1; i < input.length && client.isOpen(); i += Math.min(piece, input.length)) {
                gateway.send(client, Arrays.copyOfRange(input, i, Math.min(input.length, i + Math.min(piece, input.length))));
                gateway.answerEveryRequest(OK);
            }
            boolean fin = (flags & 0x10) == 0;
            if (fin && client.isOpen()) {
                EmbeddedGateway.finish(client);
            }
            for (int step = 0; step < 8 && client.isOpen(); step++) {
                gateway.advance(Duration.ofSeconds(11));
                gateway.answerEveryRequest(OK);
            }
            EmbeddedGateway.written(client);

            if (fin) {
                assertThat(client.isOpen()).as("ended after the FIN and every deadline, in %s", connection.phase()).isFalse();
            } else {
                assertThat(!client.isOpen() || connection.phase() == Phase.TUNNEL)
                        .as("closed, or a tunnel (phase %s)", connection.phase()).isTrue();
            }
            assertThat(gateway.deliveries()).as("callbacks for %d bytes", input.length).isLessThan(8L * input.length + 64);
        } finally {
            gateway.close();
        }
        assertThat(gateway.unreleased()).as("buffers still referenced").isEmpty();
        assertThat(EmbeddedGateway.takeUnhandled()).as("exceptions that escaped a handler").isEmpty();
    }
}
