package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.RawHttpClient.Response;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.ScriptedOrigin.Answer;
import dev.rotagate.pool.testing.ScriptedOrigin;
import dev.rotagate.pool.testing.TestOrigin;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One exchange at a time per client connection, in order; interim answers and protocol switches that keep both codecs
 * in step; requests sent again only when that cannot corrupt or duplicate them.
 */
class ExchangeIT extends WithOrigin {

    static TestGateway direct;

    @BeforeAll
    static void start() throws Exception {
        direct = TestGateway.withUpstreams(vertx, "direct://");
    }

    @AfterAll
    static void stop() throws Exception {
        direct.close();
    }

    @Test
    void aRequestPipelinedBehindALargeUploadIsAnsweredAfterIt() throws Exception {
        int size = 32 * 1024 * 1024;
        try (SlowReadingOrigin slow = new SlowReadingOrigin();
             RawHttpClient client = new RawHttpClient(direct.port())) {
            OutputStream out = client.socket().getOutputStream();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("POST " + slow.url("/upload") + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    byte[] piece = new byte[64 * 1024];
                    for (int sent1 = 0; sent1 < size; sent1 += piece.length) {
                        out.write(piece);
                    }
                    out.write(("GET " + slow.url("/small") + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            Response upload = client.read();
            Response next = client.read();

            sent.get(30, TimeUnit.SECONDS);
            assertThat(upload.bodyText()).as("the upload's answer comes first").isEqualTo("received " + size);
            assertThat(next.bodyText()).isEqualTo("small");
        }
    }

    /**
     * An origin that reads request bodies a kilobyte per read, so that the gateway's writes to it back up; answers
     * {@code received N} after a body of N bytes, {@code small} to a request without one.
     */
    private static final class SlowReadingOrigin implements AutoCloseable {
        private final java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));

        SlowReadingOrigin() throws Exception {
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket s = server.accept();
                        Thread serve = new Thread(() -> serve(s));
                        serve.setDaemon(true);
                        serve.start();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getLocalPort() + path;
        }

        private static void serve(java.net.Socket s) {
            try (s) {
                java.io.InputStream in = s.getInputStream();
                while (true) {
                    StringBuilder head = new StringBuilder();
                    int c;
                    while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                        head.append((char) c);
                    }
                    if (head.isEmpty()) {
                        return;
                    }
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
                    long length = m.find() ? Long.parseLong(m.group(1)) : 0;
                    byte[] buf = new byte[1024];
                    long read = 0;
                    while (read < length) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, length - read));
                        if (n < 0) {
                            return;
                        }
                        read += n;
                    }
                    String body = length > 0 ? "received " + read : "small";
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.ISO_8859_1));
                }
            } catch (Exception e) {
                // the test ends the connection
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    @Test
    void aPipelinedHeadAfterA100ContinueGetsItsOwnAnswer() throws Exception {
        try (RawHttpClient client = new RawHttpClient(direct.port())) {
            client.send("POST " + origin.url("/echo") + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            Response interim = client.read();
            client.send("ping" + "HEAD " + origin.url("/bytes/5000") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            Response post = client.read();
            Response head = client.read(true);
            Response after = client.exchange("GET " + origin.url("/bytes/7") + " HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(interim.status()).isEqualTo(100);
            assertThat(post.status()).isEqualTo(200);
            assertThat(post.bodyText()).isEqualTo("ping");
            assertThat(head.status()).isEqualTo(200);
            assertThat(after.body()).as("the HEAD answer had no body: the next one is in step").isEqualTo(TestOrigin.bytes(7));
        }
    }

    @Test
    void a101SwitchesTheClientConnectionToAByteRelay() throws Exception {
        try (ScriptedOrigin ws = ScriptedOrigin.start(vertx, head -> Answer.thenEcho(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n"));
             RawHttpClient client = new RawHttpClient(direct.port())) {
            Response switched = client.exchange("GET " + ws.url("/chat") + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            client.send("\u0081\u0004ping, not HTTP\r\n\r\n");
            byte[] echoed = client.readExactly(20);

            assertThat(switched.status()).isEqualTo(101);
            assertThat(switched.header("Upgrade")).isEqualTo("websocket");
            assertThat(switched.header("Connection")).isEqualToIgnoringCase("upgrade");
            assertThat(ws.heads().get(0)).containsIgnoringCase("\r\nUpgrade: websocket").containsIgnoringCase("\r\nConnection: Upgrade");
            assertThat(new String(echoed, StandardCharsets.ISO_8859_1)).isEqualTo("\u0081\u0004ping, not HTTP\r\n\r\n");
        }
    }

    @Test
    void aPostIsNotSentAgainOnAFreshConnectionAfterThePooledOneDied() throws Exception {
        try (FakeUpstream up = FakeUpstream.start(vertx, Mode.CLOSE_ON_SECOND_REQUEST, "tiny");
             TestGateway gateway = TestGateway.withUpstreams(vertx, up.url());
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response first = client.exchange("GET http://127.0.0.1:9/ HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n");
            Response post = client.exchange("POST http://127.0.0.1:9/order HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"
                    + "Content-Length: 5\r\n\r\nhello");

            assertThat(first.status()).isEqualTo(200);
            assertThat(post.status()).as(post.bodyText()).isEqualTo(502);
            assertThat(post.header("X-Rotagate-Error")).isEqualTo("upstream-error");
            assertThat(up.seen().stream().filter(s -> s.method().equals("POST")).count()).as("the POST reached the upstream once")
                    .isEqualTo(1);
        }
    }

    @Test
    void aRetriedUploadIsEitherSentWholeOrRefusedNeverHalf() throws Exception {
        try (FakeUpstream closer = FakeUpstream.start(vertx, Mode.CLOSE_AFTER_HEAD, "closer");
             TestGateway gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                     + "timeouts: { connect: 2s, handshake: 2s, response: 3s, idle: 30s }\n"
                     + "pools:\n  p:\n    upstreams:\n      - { url: \"" + closer.url() + "\", name: closer }\n"
                     + "      - { url: \"direct://\", name: direct }\n");
             RawHttpClient client = new RawHttpClient(gateway.port())) {
            int size = 100 * 1024;
            byte[] body = TestOrigin.bytes(size);
            client.send(("PUT " + origin.url("/echo") + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            client.send(java.util.Arrays.copyOfRange(body, 0, 10 * 1024));
            await().atMost(Duration.ofSeconds(5)).until(() -> !closer.seen().isEmpty());
            client.send(java.util.Arrays.copyOfRange(body, 10 * 1024, size));

            Response r = client.read();

            assertThat(r.status()).as(r.bodyText()).isIn(200, 502);
            if (r.status() == 200) {
                assertThat(r.header("X-Rotagate-Upstream")).isEqualTo("direct");
                assertThat(r.body()).as("sent whole to the second upstream").isEqualTo(body);
            } else {
                assertThat(r.header("X-Rotagate-Error")).isEqualTo("upstream-error");
            }
        }
    }

    @Test
    void accessLogFieldsEscapeControlCharacters(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (TestGateway gw = TestGateway.start(vertx, "listen: 127.0.0.1:0\nlog: { access-file: \"" + file + "\" }\n"
                + "pools:\n  local:\n    upstreams: [ \"direct://\" ]\n");
             RawHttpClient client = new RawHttpClient(gw.port())) {
            String user = Base64.getEncoder().encodeToString("evil\u0001\u001b[31m\nINFO fake line:x".getBytes(StandardCharsets.ISO_8859_1));
            Response r = client.exchange("GET " + origin.url("/bytes/1") + " HTTP/1.1\r\nHost: x\r\n"
                    + "Proxy-Authorization: Basic " + user + "\r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.size(file) > 0);
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).singleElement().asString()
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  access .*")
                    .contains(" evil\\x01\\x1b[31m\\x0aINFO fake line http GET 127.0.0.1:" + origin.port() + " direct 200 ")
                    .doesNotContain("\u001b");
        }
    }
}
