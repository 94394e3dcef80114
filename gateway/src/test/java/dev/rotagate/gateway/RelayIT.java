package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.RawHttpClient.Response;
import dev.rotagate.pool.testing.TestOrigin;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The relay's promises: backpressure both ways, TCP half-close passed through. */
class RelayIT extends WithOrigin {

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.withUpstreams(vertx, "direct://");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    /** The origin stops being able to write once the client stops reading: nothing piles up in the gateway. */
    private void assertOriginStallsWhileClientDoesNotRead(RawHttpClient client) throws Exception {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    long now = origin.streamed();
                    boolean stable = now == last[0];
                    last[0] = now;
                    return stable && now > 0;
                });
        long stalledAt = origin.streamed();
        assertThat(stalledAt).as("bytes the origin got rid of while the client read nothing")
                .isLessThan(64L * 1024 * 1024);
        // and it resumes: read a good part of it, the origin moves on
        client.readExactly(32 * 1024 * 1024);
        await().atMost(Duration.ofSeconds(20)).until(() -> origin.streamed() > stalledAt);
    }

    @Test
    void slowPlainHttpReaderHoldsTheOriginBack() throws Exception {
        long before = origin.streamed();
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            client.socket().setReceiveBufferSize(64 * 1024);
            client.send("GET " + origin.url("/stream/536870912") + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.read(true).status()).isEqualTo(200);

            assertOriginStallsWhileClientDoesNotRead(client);
        }
        assertThat(origin.streamed() - before).isLessThan(536870912L);
    }

    @Test
    void slowTunnelReaderHoldsTheOriginBack() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            client.socket().setReceiveBufferSize(64 * 1024);
            String target = "127.0.0.1:" + origin.port();
            Response ok = client.exchange("CONNECT " + target + " HTTP/1.1\r\n\r\n");
            assertThat(ok.status()).isEqualTo(200);
            client.send("GET /stream/536870912 HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
            assertThat(client.read(true).status()).isEqualTo(200);

            assertOriginStallsWhileClientDoesNotRead(client);
        }
    }

    @Test
    void halfCloseFromTheClientStillGetsTheAnswerThroughATunnel() throws Exception {
        // a target that answers only after the client's FIN: "read all, then count"
        try (ServerSocket target = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket s = target.accept()) {
                    byte[] all = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(("got " + all.length + " bytes").getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (RawHttpClient client = new RawHttpClient(gateway.port())) {
                assertThat(client.exchange("CONNECT 127.0.0.1:" + target.getLocalPort() + " HTTP/1.1\r\n\r\n").status())
                        .isEqualTo(200);
                client.send(new byte[100_000]);

                client.shutdownOutput();
                String answer = new String(client.readToEnd(), StandardCharsets.US_ASCII);

                assertThat(answer).isEqualTo("got 100000 bytes");
            }
            served.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void halfCloseFromTheTargetStillLetsTheClientFinishSending() throws Exception {
        // a target that talks first, closes its sending side, then reads what the client still sends
        try (ServerSocket target = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = target.accept()) {
                    s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    return s.getInputStream().readAllBytes().length;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (RawHttpClient client = new RawHttpClient(gateway.port())) {
                assertThat(client.exchange("CONNECT 127.0.0.1:" + target.getLocalPort() + " HTTP/1.1\r\n\r\n").status())
                        .isEqualTo(200);
                assertThat(new String(client.readToEnd(), StandardCharsets.US_ASCII)).isEqualTo("hello");

                OutputStream out = client.socket().getOutputStream();
                out.write(new byte[50_000]);
                client.shutdownOutput();

                assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(50_000);
            }
        }
    }

    @Test
    void uploadBackpressureKeepsBytesIntact() throws Exception {
        // a target that reads slowly: the client's large upload must arrive whole
        try (ServerSocket target = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = target.accept()) {
                    InputStream in = s.getInputStream();
                    long n = 0;
                    long sum = 0;
                    byte[] buf = new byte[8192];
                    for (int r; (r = in.read(buf)) > 0; ) {
                        for (int i = 0; i < r; i++) {
                            sum = sum * 31 + buf[i];
                        }
                        n += r;
                    }
                    s.getOutputStream().write(Long.toString(n).getBytes(StandardCharsets.US_ASCII));
                    return sum;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] upload = TestOrigin.bytes(20 * 1024 * 1024);
            long expected = 0;
            for (byte b : upload) {
                expected = expected * 31 + b;
            }
            try (RawHttpClient client = new RawHttpClient(gateway.port())) {
                assertThat(client.exchange("CONNECT 127.0.0.1:" + target.getLocalPort() + " HTTP/1.1\r\n\r\n").status())
                        .isEqualTo(200);
                client.send(upload);
                client.shutdownOutput();

                assertThat(new String(client.readToEnd(), StandardCharsets.US_ASCII)).isEqualTo(Integer.toString(upload.length));
                assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        }
    }
}
