package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.pool.testing.RawHttpClient;
import java.io.DataInputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients that never finish their request (slowloris, a stuck SOCKS handshake) lose their connection. */
class SlowClientIT extends WithOrigin {

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\ntimeouts: { request: 1s, idle: 60s }\n"
                + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void aHeadThatNeverEndsIsCutOff() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            long start = System.nanoTime();
            client.send("GET " + origin.url("/") + " HTTP/1.1\r\nHost: x\r\nX-Slow: ");

            assertThat(client.readToEnd()).isEmpty();
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(900L, 5_000L);
        }
    }

    @Test
    void aKeepAliveConnectionGetsTheSameTimeForItsNextRequest() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            assertThat(client.exchange("GET " + origin.url("/bytes/10") + " HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(200);
            long start = System.nanoTime();

            assertThat(client.readToEnd()).isEmpty();
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(900L, 5_000L);
        }
    }

    @Test
    void aSocksClientStuckAfterItsGreetingIsCutOff() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[] {5, 1, 0});
            DataInputStream in = new DataInputStream(s.getInputStream());

            assertThat(in.readNBytes(2)).containsExactly(5, 0);
            assertThat(in.read()).as("closed, no command sent").isEqualTo(-1);
        }
    }

    @Test
    void aTunnelOutlivesTheDeadline() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            String target = "127.0.0.1:" + origin.port();
            assertThat(client.exchange("CONNECT " + target + " HTTP/1.1\r\n\r\n").status()).isEqualTo(200);

            // longer than the request deadline: it ended with the CONNECT head, the tunnel stays
            await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
            RawHttpClient.Response inner = client.exchange("GET /bytes/100 HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(inner.status()).isEqualTo(200);
            assertThat(inner.body()).hasSize(100);
        }
    }
}
