package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.max-connections}: connections beyond it get a fast, proper refusal in their own protocol — never an
 * accept-and-stall — and the gateway's file descriptors and memory come back once they are gone.
 */
class OverloadIT extends WithOrigin {

    @TempDir
    Path dir;

    /** Opens {@code count} connections, then sends a GET on each; returns the status each got (0: none). */
    private int[] burst(int port, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        int[] statuses = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                sockets.add(s);
            }
            byte[] get = ("GET http://127.0.0.1:" + origin.port() + "/bytes/100 HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            for (Socket s : sockets) {
                s.getOutputStream().write(get);
            }
            for (int i = 0; i < count; i++) {
                statuses[i] = status(sockets.get(i).getInputStream());
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        return statuses;
    }

    private static int status(InputStream in) throws IOException {
        byte[] line = in.readNBytes(12);
        String text = new String(line, StandardCharsets.US_ASCII);
        return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : 0;
    }

    @Test
    void aThousandConnectionsUnderALimitOfAHundredGetNineHundredFast503s() throws Exception {
        try (GatewayProcess gw = GatewayProcess.start(dir, TestGateway.allowingLoopback("listen: 127.0.0.1:0\n"
                + "server: { max-connections: 100 }\npools:\n  local:\n    upstreams: [ \"direct://\" ]\n"))) {
            burst(gw.port(), 1000); // warm-up: classes loaded, pools and buffers at their working size
            await().atMost(Duration.ofSeconds(10)).until(() -> gw.openFiles() < 200);
            long fdsBefore = gw.openFiles();
            long rssBefore = gw.rssKiB();

            long start = System.nanoTime();
            int[] statuses = burst(gw.port(), 1000);
            long millis = (System.nanoTime() - start) / 1_000_000;

            int ok = 0;
            int overloaded = 0;
            for (int s : statuses) {
                ok += s == 200 ? 1 : 0;
                overloaded += s == 503 ? 1 : 0;
            }
            assertThat(ok).as("served").isEqualTo(100);
            assertThat(overloaded).as("refused with 503").isEqualTo(900);
            assertThat(millis).as("refusals are fast, no accept-and-stall").isLessThan(10_000);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gw.openFiles()).isLessThanOrEqualTo(fdsBefore));
            assertThat(gw.rssKiB()).as("RSS back near where it was (KiB)").isLessThan(rssBefore + 32 * 1024);
        }
    }

    @Test
    void socksClientsOverTheLimitGetAFailureReply() throws Exception {
        try (GatewayProcess gw = GatewayProcess.start(dir, TestGateway.allowingLoopback("listen: 127.0.0.1:0\n"
                + "server: { max-connections: 1 }\npools:\n  local:\n    upstreams: [ \"direct://\" ]\n"));
             Socket first = new Socket("127.0.0.1", gw.port());
             Socket second = new Socket("127.0.0.1", gw.port())) {
            second.setSoTimeout(5_000);
            int port = origin.port();
            second.getOutputStream().write(new byte[] {5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
            byte[] reply = second.getInputStream().readNBytes(4);

            assertThat(reply).containsExactly(5, 0, 5, 1);
            assertThat(second.getInputStream().readAllBytes()).hasSize(8); // the rest of the reply (RSV ATYP BND.ADDR BND.PORT), then the close
        }
    }
}
