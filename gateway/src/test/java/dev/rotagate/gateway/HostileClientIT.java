package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.Upstream;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.TestOrigin;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed, ambiguous and malicious bytes from clients, sent to a real gateway on loopback. Each one gets its answer
 * (an HTTP error or a SOCKS reply) and the connection closed within a second — or just the close where the protocol
 * has nothing to say — and afterwards fresh requests on every event loop are still answered within a second. Nothing
 * of a refused request reaches the upstream or counts against it.
 */
class HostileClientIT extends WithOrigin {

    private static final String AUTH = "Proxy-Authorization: Basic dTpw\r\n"; // u:p
    private static final int EVENT_LOOPS = 2;

    static FakeUpstream relay;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        relay = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "relay");
        gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                + "server: { event-loops: " + EVENT_LOOPS + " }\n"
                + "auth:\n  users:\n    - { username: u, password: p }\n"
                + "timeouts: { connect: 2s, handshake: 2s, response: 5s, idle: 30s, request: 2s }\n"
                + "pools:\n  p:\n    upstreams:\n      - { url: \"" + relay.url() + "\", name: relay }\n");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        relay.close();
    }

    @BeforeEach
    void forget() {
        relay.seen().clear();
    }

    @AfterEach
    void everyEventLoopStillAnswers() throws Exception {
        EveryEventLoop.answers(gateway.port(), EVENT_LOOPS, origin.url("/bytes/10"), AUTH);
    }

    private static Upstream relayUpstream() {
        return gateway.server().pools().get(0).upstream("relay");
    }

    // ------------------------------------------------------------------ the matrix

    static Stream<Arguments> hostileInputs() {
        int port = 18080;
        byte[] greeting = {5, 1, 2};
        byte[] login = socksLogin("u", "p");
        return Stream.of(
                socks("SOCKS5 greeting offering only GSSAPI, a byte behind", Wire.bytes(5, 1, 1, "X"), 5, 0xFF),
                socks("SOCKS5 greeting offering no method, bytes behind", Wire.bytes(5, 0, "junk"), 5, 0xFF),
                socks("SOCKS5 wrong password, CONNECT pipelined behind",
                        Wire.bytes(greeting, socksLogin("u", "x"), socksConnect(ipv4(127, 0, 0, 1), port)), 5, 2, 1, 0xFF),
                socks("SOCKS5 password sub-negotiation of version 2", Wire.bytes(greeting, 2, 1, "u", 1, "p"), 5, 2, 1, 0xFF),
                socks("SOCKS5 BIND, bytes behind", Wire.bytes(greeting, login, 5, 2, 0, 1, 127, 0, 0, 1, 0, 80, "junk"),
                        5, 2, 1, 0, 5, 7),
                socks("SOCKS5 UDP ASSOCIATE", Wire.bytes(greeting, login, 5, 3, 0, 1, 127, 0, 0, 1, 0, 80), 5, 2, 1, 0, 5, 7),
                socks("SOCKS5 command 0x09", Wire.bytes(greeting, login, 5, 9, 0, 1, 127, 0, 0, 1, 0, 80), 5, 2, 1, 0, 5, 7),
                socks("SOCKS5 address type 0x09", Wire.bytes(greeting, login, 5, 1, 0, 9, 127, 0, 0, 1, 0, 80, "junk"),
                        5, 2, 1, 0, 5, 8),
                socks("SOCKS5 CONNECT to port 0", Wire.bytes(greeting, login, socksConnect(ipv4(127, 0, 0, 1), 0)), 5, 2, 1, 0, 5, 4),
                socks("SOCKS5 CONNECT to a name with a space", Wire.bytes(greeting, login, socksConnect(name("a b.example"), 80)),
                        5, 2, 1, 0, 5, 4),
                socks("SOCKS5 CONNECT to a name with CR LF",
                        Wire.bytes(greeting, login, socksConnect(name("a.example\r\nX: y"), 80)), 5, 2, 1, 0, 5, 4),
                socks("SOCKS5 CONNECT to a name with NUL", Wire.bytes(greeting, login, socksConnect(name("a\0.example"), 80)),
                        5, 2, 1, 0, 5, 4),
                socks("SOCKS5 CONNECT to a name with @", Wire.bytes(greeting, login, socksConnect(name("u@a.example"), 80)),
                        5, 2, 1, 0, 5, 4),
                socks("SOCKS5 CONNECT to a name with an empty label",
                        Wire.bytes(greeting, login, socksConnect(name("a..example"), 80)), 5, 2, 1, 0, 5, 4),
                socks("SOCKS5 CONNECT to an empty name", Wire.bytes(greeting, login, socksConnect(name(""), 80)),
                        5, 2, 1, 0, 5, 4),
                socks("SOCKS5 CONNECT to a name of 254 characters",
                        Wire.bytes(greeting, login, socksConnect(name("a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63)
                                + "." + "d".repeat(62)), 80)), 5, 2, 1, 0, 5, 4),
                socks("SOCKS5 username with a bad hint value", Wire.bytes(greeting, socksLogin("u-session-a!b", "p")), 5, 2, 1, 0xFF),
                closedAfterFin("SOCKS5 greeting cut short", Wire.bytes(5, 2, 0)),
                closedAfterFin("SOCKS5 CONNECT cut short", Wire.bytes(greeting, login, 5, 1, 0, 1, 127, 0)),
                socks("SOCKS4 CONNECT while auth is on, bytes behind", Wire.bytes(4, 1, 0, 80, 127, 0, 0, 1, "u", 0, "junk"), 0, 91),
                closedAfterFin("SOCKS4 without the user id's end", Wire.bytes(4, 1, 0, 80, 127, 0, 0, 1, "uuuu")),

                badRequest("Transfer-Encoding: chunked, identity", post("Transfer-Encoding: chunked, identity\r\n", "5\r\nhello\r\n0\r\n\r\n")),
                badRequest("Transfer-Encoding: gzip, chunked", post("Transfer-Encoding: gzip, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n")),
                badRequest("Transfer-Encoding: xchunked", post("Transfer-Encoding: xchunked\r\n", "5\r\nhello\r\n0\r\n\r\n")),
                badRequest("Transfer-Encoding twice", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                        "5\r\nhello\r\n0\r\n\r\n")),
                badRequest("Transfer-Encoding on HTTP/1.0", Wire.bytes("POST " + origin("/echo") + " HTTP/1.0\r\nHost: x\r\n" + AUTH
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")),
                badRequest("Content-Length with Transfer-Encoding, a request smuggled behind",
                        post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + smuggled())),
                badRequest("two Content-Length values", post("Content-Length: 5\r\nContent-Length: 40\r\n", "hello")),
                badRequest("Content-Length: 5, 40", post("Content-Length: 5, 40\r\n", "hello")),
                badRequest("Content-Length: +5", post("Content-Length: +5\r\n", "hello")),
                badRequest("Content-Length: 0x5", post("Content-Length: 0x5\r\n", "hello")),
                badRequest("whitespace before a header's colon", get("Host : x\r\n")),
                badRequest("NUL in a header value", get("X-A: a\0b\r\n")),
                badRequest("a control character in a header name", get("X\u0001A: b\r\n")),
                badRequest("obs-fold", get("X-Folded: a\r\n  b\r\n")),
                badRequest("obs-fold with a tab", get("X-Folded: a\r\n\tb\r\n")),
                badRequest("bare LF line endings", Wire.bytes("GET " + origin("/") + " HTTP/1.1\nHost: x\n" + AUTH + "\n")),
                badRequest("two Host headers", get("Host: y\r\n")),
                badRequest("HTTP/1.2", Wire.bytes("GET " + origin("/") + " HTTP/1.2\r\nHost: x\r\n" + AUTH + "\r\n")),
                badRequest("a control character in the request target", Wire.bytes("GET " + origin("/a\u0001b")
                        + " HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n")),
                badRequest("user info in the request target", Wire.bytes("GET http://evil@127.0.0.1:9/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + AUTH + "\r\n")),
                badRequest("a target name with an empty label", Wire.bytes("GET http://a..example/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        + AUTH + "\r\n")),
                badRequest("a target name with %", Wire.bytes("GET http://a%2e.example/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + AUTH + "\r\n")),
                badRequest("target port 0", Wire.bytes("GET http://127.0.0.1:0/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + AUTH + "\r\n")),
                badRequest("CONNECT to a name with @", Wire.bytes("CONNECT u@a.example:443 HTTP/1.1\r\n" + AUTH + "\r\n")),
                badRequest("CONNECT to a name with an empty label", Wire.bytes("CONNECT a..example:443 HTTP/1.1\r\n" + AUTH + "\r\n")),
                badRequest("CONNECT to port 0", Wire.bytes("CONNECT a.example:0 HTTP/1.1\r\n" + AUTH + "\r\n")),
                badRequest("CONNECT to a name of 254 characters", Wire.bytes("CONNECT " + "a".repeat(63) + "." + "b".repeat(63)
                        + "." + "c".repeat(63) + "." + "d".repeat(62) + ":443 HTTP/1.1\r\n" + AUTH + "\r\n")),
                badRequest("TLS bytes", Wire.bytes(0x16, 3, 1, 0, 0x40, "not http at all\r\n\r\n")),
                http("a head over the limit", Wire.bytes("GET " + origin("/") + " HTTP/1.1\r\nHost: x\r\n" + AUTH + "X-Big: "
                        + "a".repeat(40_000) + "\r\n\r\n"), 431, "request-too-large"),
                http("no credentials on a request with a body", Wire.bytes("POST " + origin("/echo") + " HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 5\r\n\r\nhello"), 407, "auth-required"),
                closedAfterFin("an HTTP head cut by FIN", Wire.bytes("GET " + origin("/") + " HTTP/1.1\r\nHo"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void answeredOrClosedWithinASecond(String name, byte[] input, boolean halfClose, Consumer<Wire.Reply> expected) throws Exception {
        long failuresBefore = relayUpstream().failures();

        Wire.Reply reply = Wire.send(gateway.port(), input, 3000, halfClose);

        expected.accept(reply);
        assertThat(relay.seen()).as("nothing of it reached the upstream").isEmpty();
        assertThat(relayUpstream().failures()).as("nothing counted against the upstream").isEqualTo(failuresBefore);
    }

    private static Arguments socks(String name, byte[] input, int... expected) {
        byte[] want = new byte[expected.length];
        for (int i = 0; i < expected.length; i++) {
            want[i] = (byte) expected[i];
        }
        return Arguments.of(name, input, false, (Consumer<Wire.Reply>) r -> {
            assertThat(r.closed()).as("closed within a second: %s", r).isTrue();
            assertThat(r.closedAfterMillis()).as("%s", r).isLessThan(1000);
            assertThat(r.bytes()).as("%s", r).startsWith(want);
            if (want.length >= 6 && want[want.length - 2] == 5) { // a command reply: VER REP RSV ATYP ADDR PORT
                assertThat(r.bytes()).as("%s", r).hasSize(want.length - 2 + 10);
            }
        });
    }

    private static Arguments closedAfterFin(String name, byte[] input) {
        return Arguments.of(name, input, true, (Consumer<Wire.Reply>) r -> {
            assertThat(r.closed()).as("closed within a second of the FIN: %s", r).isTrue();
            assertThat(r.closedAfterMillis()).as("%s", r).isLessThan(1000);
        });
    }

    private static Arguments badRequest(String name, byte[] input) {
        return http(name, input, 400, "bad-request");
    }

    private static Arguments http(String name, byte[] input, int status, String kind) {
        return Arguments.of(name, input, false, (Consumer<Wire.Reply>) r -> {
            assertThat(r.status()).as("%s", r).isEqualTo(status);
            assertThat(r.header("X-Rotagate-Error")).as("%s", r).isEqualTo(kind);
            assertThat(r.closed()).as("closed within a second: %s", r).isTrue();
            assertThat(r.closedAfterMillis()).as("%s", r).isLessThan(1000);
            assertThat(r.text().indexOf("HTTP/1.1 ", 1)).as("exactly one answer: %s", r).isEqualTo(-1);
        });
    }

    private static String origin(String path) {
        return "http://127.0.0.1:18080" + path; // never reached: each of these is refused first
    }

    private static byte[] get(String headers) {
        return Wire.bytes("GET " + origin("/") + " HTTP/1.1\r\nHost: x\r\n" + AUTH + headers + "\r\n");
    }

    private static byte[] post(String headers, String body) {
        return Wire.bytes("POST " + origin("/echo") + " HTTP/1.1\r\nHost: x\r\n" + AUTH + headers + "\r\n" + body);
    }

    private static String smuggled() {
        return "GET " + origin("/smuggled") + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    static byte[] socksLogin(String user, String password) {
        byte[] u = user.getBytes(StandardCharsets.ISO_8859_1);
        byte[] p = password.getBytes(StandardCharsets.ISO_8859_1);
        return Wire.bytes(1, u.length, u, p.length, p);
    }

    static byte[] socksConnect(byte[] address, int port) {
        return Wire.bytes(5, 1, 0, address, port >> 8 & 0xFF, port & 0xFF);
    }

    static byte[] ipv4(int a, int b, int c, int d) {
        return Wire.bytes(1, a, b, c, d);
    }

    static byte[] name(String host) {
        byte[] h = host.getBytes(StandardCharsets.ISO_8859_1);
        return Wire.bytes(3, h.length, h);
    }

    // ------------------------------------------------------------------ one at a time

    @Test
    void aConnectionHeaderNamingContentLengthDoesNotUnframeTheBody() throws Exception {
        String inner = "GET " + origin.url("/smuggled") + " HTTP/1.1\r\nHost: x\r\n\r\n";
        byte[] body = (inner + "x".repeat(40 - inner.length() % 40)).getBytes(StandardCharsets.ISO_8859_1);
        try (var client = new dev.rotagate.pool.testing.RawHttpClient(gateway.port())) {
            var r = client.exchange("POST " + origin.url("/echo") + " HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "Connection: content-length\r\nContent-Length: " + body.length + "\r\n\r\n"
                    + new String(body, StandardCharsets.ISO_8859_1));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(body);
        }
        assertThat(relay.seen()).extracting(TestOrigin.Seen::uri).containsExactly(origin.url("/echo"));
        assertThat(relay.seen().get(0).header("Content-Length")).isEqualTo(Integer.toString(body.length));
    }

    @Test
    void aConnectionHeaderCannotRemoveHostOrTransferEncoding() throws Exception {
        try (var client = new dev.rotagate.pool.testing.RawHttpClient(gateway.port())) {
            var r = client.exchange("POST " + origin.url("/echo") + " HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\n"
                    + AUTH + "Connection: transfer-encoding, host\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("hello");
        }
        assertThat(relay.seen()).hasSize(1);
        assertThat(relay.seen().get(0).header("Host")).isEqualTo("127.0.0.1:" + origin.port());
    }

    @Test
    void theHostSentOnIsTheRequestTargetsAuthority() throws Exception {
        try (var client = new dev.rotagate.pool.testing.RawHttpClient(gateway.port())) {
            var r = client.exchange("GET " + origin.url("/bytes/3") + " HTTP/1.1\r\nHost: other.example\r\n" + AUTH + "\r\n");

            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(relay.seen()).hasSize(1);
        assertThat(relay.seen().get(0).header("Host")).isEqualTo("127.0.0.1:" + origin.port());
    }

    @Test
    void aSlowHeadIsClosedAtTheRequestDeadline() throws Exception {
        long start = System.nanoTime();
        Wire.Reply reply = Wire.send(gateway.port(), Wire.bytes("GET " + origin.url("/") + " HTTP/1.1\r\nHost: x\r\nX-Slow: "),
                5000);

        assertThat(reply.closed()).as("%s", reply).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1_500L, 4_000L);
    }

    @Test
    void aSocksClientThatStopsMidGreetingIsClosedAtTheRequestDeadline() throws Exception {
        Wire.Reply reply = Wire.send(gateway.port(), Wire.bytes(5, 3, 0), 5000);

        assertThat(reply.closed()).as("%s", reply).isTrue();
        assertThat(reply.closedAfterMillis()).isBetween(1_500L, 4_000L);
    }

    @Test
    void aChunkedBodyCutByFinEndsTheExchangeAndTheConnection() throws Exception {
        Wire.Reply reply = Wire.send(gateway.port(), post("Transfer-Encoding: chunked\r\n", "5\r\nhel"), 3000, true);

        assertThat(reply.closed()).as("%s", reply).isTrue();
        assertThat(reply.closedAfterMillis()).as("%s", reply).isLessThan(1000);
    }

    @Test
    void aClientThatVanishesMidUploadLeavesTheOthersAlone() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.getOutputStream().write(("POST " + origin.url("/echo") + " HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "Content-Length: 1000000\r\n\r\n" + "x".repeat(1000)).getBytes(StandardCharsets.ISO_8859_1));
            s.setSoLinger(true, 0); // a reset, not a FIN
        }
    }
}
