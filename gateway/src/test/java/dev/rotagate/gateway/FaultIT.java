package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.RawHttpClient.Response;
import dev.rotagate.pool.testing.TestOrigin;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Each kind of broken upstream, for plain HTTP and for CONNECT: the client gets a clear gateway error
 * (status, X-Rotagate-Error, one-line body naming the upstream) fast, and never a hang.
 */
class FaultIT extends WithOrigin {

    @ParameterizedTest(name = "{0} upstream, {1}: {2} {3}")
    @CsvSource({
            "REFUSE,       GET,     502, upstream-refused",
            "REFUSE,       CONNECT, 502, upstream-refused",
            "HANG,         GET,     504, response-timeout",
            "HANG,         CONNECT, 504, upstream-handshake-timeout",
            "REJECT_407,   GET,     502, upstream-auth",
            "REJECT_407,   CONNECT, 502, upstream-auth",
            "REJECT_502,   CONNECT, 502, upstream-error",
            "GARBAGE,      GET,     502, upstream-error",
            "GARBAGE,      CONNECT, 502, upstream-error",
    })
    void brokenUpstreamGivesAClearErrorWithoutHanging(Mode mode, String method, int status, String kind) throws Exception {
        try (FakeUpstream up = FakeUpstream.start(vertx, mode, "bad");
             TestGateway gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                     + "timeouts: { connect: 1s, handshake: 1s, response: 1s, idle: 30s }\n"
                     + "pools:\n  p:\n    upstreams:\n      - { url: \"http://user:hunter2@127.0.0.1:" + up.port() + "\", name: bad }\n");
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            String target = "127.0.0.1:" + origin.port();
            long start = System.nanoTime();

            Response r = client.exchange(method.equals("GET")
                    ? "GET http://" + target + "/ HTTP/1.1\r\nHost: " + target + "\r\n\r\n"
                    : "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");

            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.status()).as(r.bodyText()).isEqualTo(status);
            assertThat(r.header("X-Rotagate-Error")).as(r.bodyText()).isEqualTo(kind);
            assertThat(r.bodyText()).startsWith("rotagate: http, bad => " + target + ", ").doesNotContain(":" + up.port())
                    .doesNotContain("user").doesNotContain("hunter2").endsWith("\n").hasLineCount(1);
            assertThat(ms).as("answered within the timeouts, never a hang").isLessThan(5_000);
        }
    }

    @Test
    void upstreamDyingMidTunnelClosesTheClientAfterTheBytesItSent() throws Exception {
        try (FakeUpstream up = FakeUpstream.start(vertx, Mode.RESET_MID_STREAM, "dies");
             TestGateway gateway = TestGateway.withUpstreams(vertx, up.url());
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response established = client.exchange("CONNECT 127.0.0.1:9 HTTP/1.1\r\n\r\n");

            byte[] rest = client.readToEnd();

            assertThat(established.status()).isEqualTo(200);
            assertThat(rest).isEqualTo(TestOrigin.bytes(1000));
        }
    }

    @Test
    void upstreamDyingMidResponseClosesTheClientConnection() throws Exception {
        try (FakeUpstream up = FakeUpstream.start(vertx, Mode.RESET_MID_STREAM, "dies");
             TestGateway gateway = TestGateway.withUpstreams(vertx, up.url());
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            client.send("GET http://127.0.0.1:9/big HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n");

            byte[] all = client.readToEnd();

            String text = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200 OK").contains("Content-Length: 100000");
            assertThat(all.length).as("the partial body, then the close").isLessThan(100000);
        }
    }

    @Test
    void keepAliveConnectionTheUpstreamClosedSilentlyIsRetriedOnAFreshOne() throws Exception {
        try (FakeUpstream up = FakeUpstream.start(vertx, Mode.CLOSE_ON_SECOND_REQUEST, "tiny");
             TestGateway gateway = TestGateway.withUpstreams(vertx, up.url());
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            for (int i = 0; i < 5; i++) {
                Response r = client.exchange("GET http://127.0.0.1:9/" + i + " HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n");

                assertThat(r.status()).as("request %d", i).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("first\n");
            }
            assertThat(up.connections()).as("dead pooled connections were replaced").isGreaterThan(1);
        }
    }
}
