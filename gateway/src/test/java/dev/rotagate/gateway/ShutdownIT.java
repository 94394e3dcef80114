package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on the packaged gateway: it stops accepting, closes idle connections, lets what is in flight finish within
 * {@code server.drain-timeout}, cuts the rest, says so in one line and exits 0 — no stack trace. A second signal
 * cuts at once.
 */
class ShutdownIT extends WithOrigin {

    @TempDir
    Path dir;

    private String config(String drainTimeout) {
        return TestGateway.allowingLoopback("listen: 127.0.0.1:0\nserver: { drain-timeout: " + drainTimeout + " }\n"
                + "pools:\n  local:\n    upstreams: [ \"direct://\" ]\n");
    }


    private static void assertCleanLog(String log) {
        assertThat(log).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("ERROR");
    }

    @Test
    void aDownloadInFlightDuringSigtermCompletesAndTheProcessExitsZero() throws Exception {
        long size = 100L * 1024 * 1024;
        try (GatewayProcess gw = GatewayProcess.start(dir, config("20s"));
             RawHttpClient download = new RawHttpClient(gw.port())) {
            download.socket().setReceiveBufferSize(64 * 1024);
            download.send("GET http://127.0.0.1:" + origin.port() + "/stream/" + size + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpClient.Response head = download.read(true);
            assertThat(head.status()).isEqualTo(200);
            InputStream body = download.socket().getInputStream();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            long read = 0;
            while (read < 4 * 1024 * 1024) {
                int n = body.read(buf);
                sha.update(buf, 0, n);
                read += n;
            }

            gw.terminate();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThatThrownBy(() -> new Socket("127.0.0.1", gw.port()).close())
                    .as("no new connections once stopping").isInstanceOf(IOException.class));
            for (int n; read < size && (n = body.read(buf)) > 0; read += n) {
                sha.update(buf, 0, n);
            }

            assertThat(read).isEqualTo(size);
            assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(TestOrigin.streamSha256(size));
            assertThat(gw.waitFor(Duration.ofSeconds(20))).as(gw.output()).isEqualTo(0);
            assertThat(gw.output()).contains("1 request(s) and tunnel(s) in flight, 1 finished, 0 cut");
            assertCleanLog(gw.output());
        }
    }

    @Test
    void idleKeepAliveConnectionsCloseAtOnceAndTheProcessDoesNotWaitForThem() throws Exception {
        try (GatewayProcess gw = GatewayProcess.start(dir, config("30s"));
             RawHttpClient idle = new RawHttpClient(gw.port())) {
            assertThat(idle.exchange("GET http://127.0.0.1:" + origin.port() + "/bytes/10 HTTP/1.1\r\nHost: x\r\n\r\n").status())
                    .isEqualTo(200);
            long start = System.nanoTime();

            gw.terminate();

            idle.socket().setSoTimeout(5_000);
            assertThat(idle.socket().getInputStream().read()).as("closed by the gateway").isEqualTo(-1);
            assertThat(gw.waitFor(Duration.ofSeconds(10))).as(gw.output()).isEqualTo(0);
            assertThat((System.nanoTime() - start) / 1_000_000).as("no drain wait for idle connections").isLessThan(10_000);
            assertThat(gw.output()).contains(" 0 cut");
            assertCleanLog(gw.output());
        }
    }

    @Test
    void aTunnelThatOutlivesTheDrainTimeoutIsCutAndASecondSignalCutsAtOnce() throws Exception {
        try (GatewayProcess gw = GatewayProcess.start(dir, config("1s"));
             Socket tunnel = new Socket("127.0.0.1", gw.port())) {
            openTunnel(tunnel);
            gw.terminate();
            assertThat(gw.waitFor(Duration.ofSeconds(10))).as(gw.output()).isEqualTo(0);
            assertThat(gw.output()).contains("1 request(s) and tunnel(s) in flight, 0 finished, 1 cut");
            assertCleanLog(gw.output());
        }
        try (GatewayProcess gw = GatewayProcess.start(dir, config("60s"));
             Socket tunnel = new Socket("127.0.0.1", gw.port())) {
            openTunnel(tunnel);
            long start = System.nanoTime();
            gw.terminate();
            await().atMost(Duration.ofSeconds(5)).until(() -> gw.output().contains("SIGTERM: stopping"));
            gw.terminate();
            assertThat(gw.waitFor(Duration.ofSeconds(10))).as(gw.output()).isEqualTo(0);
            assertThat((System.nanoTime() - start) / 1_000_000).as("well before the 60 s drain timeout").isLessThan(15_000);
            assertThat(gw.output()).contains("1 cut");
            assertCleanLog(gw.output());
        }
    }

    private void openTunnel(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        s.getOutputStream().write(("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] head = new byte[12];
        assertThat(s.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
    }
}
