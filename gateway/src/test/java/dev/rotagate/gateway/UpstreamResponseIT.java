package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.ScriptedOrigin.Answer;
import dev.rotagate.pool.testing.ScriptedOrigin;
import dev.rotagate.pool.testing.TestOrigin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an upstream answers is checked like what a client sends: a response with ambiguous framing becomes a clean
 * {@code 502 upstream-error} and is never passed on half-framed; a well-formed one reaches the client whole, also when
 * the upstream closes while the client is still reading slowly.
 */
class UpstreamResponseIT extends WithOrigin {

    static ScriptedOrigin scripted;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        scripted = ScriptedOrigin.start(vertx, head -> Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false));
        gateway = TestGateway.withUpstreams(vertx, "direct://");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        scripted.close();
    }

    static Stream<Arguments> malformedResponses() {
        return Stream.of(
                Arguments.of("Content-Length with Transfer-Encoding",
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding: gzip, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("Transfer-Encoding: xchunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\nhello"),
                Arguments.of("two Content-Length values", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("Content-Length: +2", "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok"),
                Arguments.of("obs-fold", "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("bare LF", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"),
                Arguments.of("NUL in a header value", "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nok"),
                Arguments.of("not HTTP", "SSH-2.0-OpenSSH_9.2\r\n\r\n"),
                Arguments.of("a 101 nobody asked for", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedResponses")
    void aMalformedResponseIsACleanBadGateway(String name, String response) throws Exception {
        scripted.script(head -> Answer.of(response, false));
        // a gateway of its own: how the fault is counted is not this test's business (the breaker would open)
        try (TestGateway gateway = TestGateway.withUpstreams(vertx, "direct://");
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            RawHttpClient.Response r = client.exchange("GET " + scripted.url("/") + " HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(r.status()).as(r.bodyText()).isEqualTo(502);
            assertThat(r.header("X-Rotagate-Error")).isEqualTo("upstream-error");
            assertThat(r.bodyText()).startsWith("rotagate: ").hasLineCount(1);

            scripted.script(head -> Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false));
            RawHttpClient.Response next = client.exchange("GET " + scripted.url("/next") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(next.status()).as("the client connection is still in step").isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void aCloseDelimitedBodyIsChunkedForAnHttp11ClientAndSaysHttp11() throws Exception {
        scripted.script(head -> Answer.of("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello until close", true));
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            client.send("GET " + scripted.url("/") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            byte[] head = readHead(client);
            String text = new String(head, StandardCharsets.ISO_8859_1);

            assertThat(text).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("transfer-encoding: chunked");
        }
    }

    @Test
    void anHttp10ClientGetsAChunkedResponseUnchunked() throws Exception {
        scripted.script(head -> Answer.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                false));
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            client.send("GET " + scripted.url("/") + " HTTP/1.0\r\n\r\n");
            String all = new String(client.readToEnd(), StandardCharsets.ISO_8859_1);

            assertThat(all).doesNotContainIgnoringCase("transfer-encoding").endsWith("\r\n\r\nhello world");
        }
    }

    @Test
    void everythingAnUpstreamSentReachesASlowClientBeforeTheClose() throws Exception {
        int size = 4 * 1024 * 1024;
        byte[] body = TestOrigin.bytes(size);
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            RawHttpClient.Response r = readAfterTheUpstreamClosed(client,
                    Wire.bytes("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n", body));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).hasSize(size).isEqualTo(body);
        }
    }

    @Test
    void aLengthFramedResponseFollowedByTheUpstreamsCloseIsComplete() throws Exception {
        int size = 8 * 1024 * 1024;
        byte[] body = TestOrigin.bytes(size);
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            RawHttpClient.Response r = readAfterTheUpstreamClosed(client,
                    Wire.bytes("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n", body));

            assertThat(r.body()).isEqualTo(body);
            scripted.script(h -> Answer.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false));
            assertThat(client.exchange("GET " + scripted.url("/") + " HTTP/1.1\r\nHost: x\r\n\r\n").bodyText()).isEqualTo("ok");
        }
    }

    /**
     * The upstream sends {@code answer} and closes while the client reads nothing: the gateway holds what did not fit
     * in the sockets' buffers. Only then does the client read.
     */
    private static RawHttpClient.Response readAfterTheUpstreamClosed(RawHttpClient client, byte[] answer) throws Exception {
        scripted.script(h -> new Answer(answer, true));
        int closedBefore = scripted.closedConnections();
        client.send("GET " + scripted.url("/big") + " HTTP/1.1\r\nHost: x\r\n\r\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> scripted.closedConnections() > closedBefore);
        return client.read();
    }

    private static byte[] readHead(RawHttpClient client) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.InputStream in = client.socket().getInputStream();
        while (!out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            out.write(c);
        }
        return out.toByteArray();
    }
}
