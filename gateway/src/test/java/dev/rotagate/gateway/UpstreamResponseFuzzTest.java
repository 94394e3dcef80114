package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.gateway.frontend.ClientConnection;
import dev.rotagate.gateway.frontend.Phase;
import dev.rotagate.pool.connect.UpstreamHttpCodec;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Arbitrary bytes from an upstream (here an origin behind {@code direct://}) as the answer to one request, through
 * the real response path: the upstream codec with its framing checks, interim answers, a protocol switch, the
 * relay to the client. Afterwards (the upstream closes, every deadline passes) the client has either been closed or
 * is ready for its next request; what it received parses as HTTP with Netty's strict decoder — an answer whose
 * framing the gateway could not vouch for never reaches it half-framed; every buffer is released; no handler threw.
 *
 * <p>The first input byte chooses: bits 0-2 the request (GET, HEAD, POST with a body, POST with
 * {@code Expect: 100-continue}, GET asking for a WebSocket, HTTP/1.0 GET), bits 3-5 the size of the pieces the
 * answer arrives in. {@code bin/fuzz UpstreamResponseFuzzTest 600} fuzzes for ten minutes.
 */
class UpstreamResponseFuzzTest {

    private static final int[] PIECES = {Integer.MAX_VALUE, 1, 2, 3, 7, 16, 64, 1024};
    private static final String[] REQUESTS = {
        "GET http://h.example/ HTTP/1.1\r\nHost: h.example\r\n\r\n",
        "HEAD http://h.example/ HTTP/1.1\r\nHost: h.example\r\n\r\n",
        "POST http://h.example/ HTTP/1.1\r\nHost: h.example\r\nContent-Length: 5\r\n\r\nhello",
        "POST http://h.example/ HTTP/1.1\r\nHost: h.example\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
        "GET http://h.example/ws HTTP/1.1\r\nHost: h.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "GET http://h.example/ HTTP/1.0\r\n\r\n",
    };
    private static final GatewayConfig CONFIG = config();

    private static GatewayConfig config() {
        return EmbeddedGateway.config("listen: 127.0.0.1:0\ntimeouts: { request: 10s, response: 5s }\n"
                    + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n");
    }

    @FuzzTest(maxDuration = "20s")
    void upstreamBytes(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int flags = input[0] & 0xFF;
        String request = REQUESTS[(flags & 7) % REQUESTS.length];
        int piece = Math.min(PIECES[flags >> 3 & 7], input.length);
        EmbeddedGateway gateway = EmbeddedGateway.start(CONFIG);
        StringBuilder received = new StringBuilder();
        try {
            ClientConnection connection = gateway.accept();
            EmbeddedChannel client = (EmbeddedChannel) connection.socket().channel();
            gateway.send(client, request.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(gateway.upstreams()).as("the request went out").hasSize(1);
            EmbeddedChannel upstream = gateway.upstreams().get(0);
            EmbeddedGateway.written(upstream);
            for (int i = 1; i < input.length && upstream.isOpen(); i += piece) {
                gateway.send(upstream, Arrays.copyOfRange(input, i, Math.min(input.length, i + piece)));
                received.append(EmbeddedGateway.written(client));
            }
            upstream.close();
            for (int step = 0; step < 4; step++) {
                gateway.advance(Duration.ofSeconds(11));
                received.append(EmbeddedGateway.written(client));
            }

            assertThat(!client.isOpen() || connection.phase() == Phase.REQUEST_HEAD)
                    .as("closed, or ready for the next request (phase %s)", connection.phase()).isTrue();
            assertWellFramed(request, received.toString(), client.isOpen());
            assertThat(gateway.deliveries()).as("callbacks for %d bytes", input.length).isLessThan(8L * input.length + 64);
        } finally {
            gateway.close();
        }
        assertThat(gateway.unreleased()).as("buffers still referenced").isEmpty();
        assertThat(EmbeddedGateway.takeUnhandled()).as("exceptions that escaped a handler").isEmpty();
    }

    /** What the client received reads as HTTP answers to its request; a connection left open ends an answer. */
    private static void assertWellFramed(String request, String received, boolean open) {
        EmbeddedChannel parser = new EmbeddedChannel(new UpstreamHttpCodec());
        HttpMethod method = HttpMethod.valueOf(request.substring(0, request.indexOf(' ')));
        parser.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
        parser.releaseOutbound();
        parser.writeInbound(Unpooled.copiedBuffer(received, StandardCharsets.ISO_8859_1));
        boolean switched = false;
        boolean complete = received.isEmpty();
        for (Object m; (m = parser.readInbound()) != null; ) {
            try {
                // after a 101 the bytes are the new protocol's, whatever they look like
                if (m instanceof DecoderResultProvider p && !switched) {
                    assertThat(p.decoderResult().isSuccess()).as("the client got well-framed HTTP: %s in %s",
                            p.decoderResult(), received).isTrue();
                }
                if (m instanceof HttpResponse r) {
                    switched |= r.status().code() == 101;
                    complete = false;
                }
                complete |= m instanceof LastHttpContent;
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
        parser.finishAndReleaseAll();
        if (open && !switched) {
            assertThat(complete).as("an open connection after a whole answer: %s", received).isTrue();
        }
    }
}
