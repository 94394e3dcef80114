package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.RawHttpClient.Response;
import dev.rotagate.pool.testing.TestOrigin;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plain HTTP forwarding and CONNECT through working fake upstreams, on loopback. */
class HttpProxyIT extends WithOrigin {

    static FakeUpstream up1;
    static FakeUpstream up2;
    static FakeUpstream up3;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        up1 = FakeUpstream.start(vertx, Mode.RELAY, "up1", "alice:s3cret");
        up2 = FakeUpstream.start(vertx, Mode.RELAY, "up2");
        up3 = FakeUpstream.start(vertx, Mode.RELAY, "up3");
        gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                + "timeouts: { connect: 2s, handshake: 2s, response: 5s, idle: 30s }\n"
                + "pools:\n  p:\n    upstreams:\n"
                + "      - { url: \"" + up1.url() + "\", name: up1 }\n"
                + "      - { url: \"" + up2.url() + "\", name: up2 }\n"
                + "      - { url: \"" + up3.url() + "\", name: up3 }\n");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        up1.close();
        up2.close();
        up3.close();
    }

    private String get(String path) {
        return "GET " + origin.url(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\n\r\n";
    }

    @Test
    void keepAliveRequestsRotateOverUpstreamsAndBodiesArriveIntact() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Set<String> upstreams = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                Response r = client.exchange(get("/bytes/1048576"));

                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(TestOrigin.bytes(1048576));
                upstreams.add(r.header("X-Rotagate-Upstream"));
                assertThat(r.header("Via")).isEqualTo("1.1 " + r.header("X-Rotagate-Upstream"));
            }

            assertThat(upstreams).containsExactlyInAnyOrder("up1", "up2", "up3");
        }
    }

    @Test
    void requestGoesInAbsoluteFormWithUpstreamCredentialsAndHeaderOrderAndCaseKept() throws Exception {
        up1.seen().clear();
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            for (int i = 0; i < 3; i++) {
                Response r = client.exchange("GET " + origin.url("/hello?x=1") + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + origin.port() + "\r\n"
                        + "X-First: 1\r\n"
                        + "Proxy-Authorization: Basic Y2xpZW50OnNlY3JldA==\r\n"
                        + "accept: */*\r\n"
                        + "Proxy-Connection: keep-alive\r\n"
                        + "x-MiXeD-Case: yes\r\n"
                        + "Connection: keep-alive, X-Drop-Me\r\n"
                        + "X-Drop-Me: gone\r\n"
                        + "X-Rotagate-Trace: hint\r\n"
                        + "User-Agent: test/1\r\n"
                        + "X-Last: 9\r\n\r\n");
                assertThat(r.status()).isEqualTo(200);
            }
        }

        assertThat(up1.seen()).hasSize(1);
        TestOrigin.Seen seen = up1.seen().get(0);
        assertThat(seen.uri()).isEqualTo(origin.url("/hello?x=1"));
        assertThat(seen.headers().stream().map(Map.Entry::getKey).toList())
                .containsExactly("Host", "X-First", "accept", "x-MiXeD-Case", "User-Agent", "X-Last", "Proxy-Authorization");
        assertThat(seen.header("Proxy-Authorization")).isEqualTo("Basic YWxpY2U6czNjcmV0"); // alice:s3cret, the upstream's own
    }

    @Test
    void connectTunnelRelaysBytesSentRightBehindTheConnectHead() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            String target = "127.0.0.1:" + origin.port();
            client.send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n"
                    + "GET /bytes/300000 HTTP/1.1\r\nHost: " + target + "\r\n\r\n");

            Response established = client.read();
            Response inner = client.read();

            assertThat(established.status()).isEqualTo(200);
            assertThat(established.header("X-Rotagate-Upstream")).isIn("up1", "up2", "up3");
            assertThat(inner.status()).isEqualTo(200);
            assertThat(inner.body()).isEqualTo(TestOrigin.bytes(300000));
        }
    }

    @Test
    void bodiesInBothDirectionsWithContentLengthAndChunked() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response fixed = client.exchange("POST " + origin.url("/echo") + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 11\r\n\r\nhello world");
            Response chunked = client.exchange("PUT " + origin.url("/echo") + " HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            Response chunkedDown = client.exchange(get("/chunked/100000"));

            assertThat(fixed.status()).isEqualTo(200);
            assertThat(fixed.bodyText()).isEqualTo("hello world");
            assertThat(fixed.header("X-Method")).isEqualTo("POST");
            assertThat(chunked.bodyText()).isEqualTo("hello world");
            assertThat(chunked.header("X-Method")).isEqualTo("PUT");
            assertThat(chunkedDown.body()).isEqualTo(TestOrigin.bytes(100000));
        }
    }

    @Test
    void headAnd204And304HaveNoBodyAndKeepTheConnectionUsable() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response head = client.exchange("HEAD " + origin.url("/bytes/5000") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            Response noContent = client.exchange(get("/status/204"));
            Response notModified = client.exchange(get("/status/304"));
            Response after = client.exchange(get("/bytes/10"));

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(after.body()).isEqualTo(TestOrigin.bytes(10));
        }
    }

    @Test
    void expectContinueGetsTheInterimAnswerThenTheFinalOne() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            client.send("POST " + origin.url("/echo") + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            Response interim = client.read();
            client.send("ping");
            Response last = client.read();

            assertThat(interim.status()).isEqualTo(100);
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.bodyText()).isEqualTo("ping");
        }
    }

    @Test
    void http10ClientGetsItsAnswerAndTheConnectionCloses() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response r = client.exchange("GET " + origin.url("/bytes/1000") + " HTTP/1.0\r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(TestOrigin.bytes(1000));
            assertThat(client.readToEnd()).isEmpty();
        }
    }

    @Test
    void malformedOversizedAndNonProxyRequestsGetClearErrors() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response r = client.exchange("THIS IS NOT HTTP\r\n\r\n");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.header("X-Rotagate-Error")).isEqualTo("bad-request");
        }
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response r = client.exchange("GET " + origin.url("/") + " HTTP/1.1\r\nHost: x\r\nX-Big: "
                    + "a".repeat(40_000) + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.header("X-Rotagate-Error")).isEqualTo("request-too-large");
        }
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response r = client.exchange("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
            Response stillUsable = client.exchange(get("/bytes/10"));

            assertThat(r.status()).isEqualTo(400);
            assertThat(r.bodyText()).startsWith("rotagate: not a proxy request");
            assertThat(stillUsable.status()).isEqualTo(200);
        }
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response r = client.exchange("CONNECT no-port-here HTTP/1.1\r\n\r\n");
            assertThat(r.status()).isEqualTo(400);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            client.send(get("/bytes/100") + get("/bytes/200") + get("/bytes/300"));

            List<Integer> sizes = List.of(client.read().body().length, client.read().body().length, client.read().body().length);

            assertThat(sizes).containsExactly(100, 200, 300);
        }
    }
}
