package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code timeouts.half-closed}: a tunnel whose client has finished cannot be held open by a target that never does. */
class HalfClosedIT extends WithOrigin {

    /** Sends "hello" to {@code out} a byte every 400 ms (2 s in all, over the 1 s limit), then nothing. */
    private static void sendSlowly(ScheduledExecutorService timer, OutputStream out) {
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        AtomicInteger sent = new AtomicInteger();
        timer.scheduleAtFixedRate(() -> {
            int i = sent.getAndIncrement();
            if (i < hello.length) {
                try {
                    out.write(hello[i]);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }, 0, 400, TimeUnit.MILLISECONDS);
    }

    @Test
    void aTunnelHalfClosedByTheClientEndsAfterTheHalfClosedTimeout() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (ServerSocket neverFinishes = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TestGateway gw = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                     + "timeouts: { idle: 5m, half-closed: 1s }\npools:\n  local:\n    upstreams: [ \"direct://\" ]\n");
             Socket client = new Socket("127.0.0.1", gw.port())) {
            client.setSoTimeout(20_000);
            client.getOutputStream().write(("CONNECT 127.0.0.1:" + neverFinishes.getLocalPort() + " HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try (Socket target = neverFinishes.accept()) {
                InputStream in = client.getInputStream();
                String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(head).isEqualTo("HTTP/1.1 200");
                for (int last4 = 0; last4 != 0x0d0a0d0a; ) {
                    last4 = (last4 << 8) | in.read(); // to the end of the CONNECT answer
                }
                client.shutdownOutput();
                sendSlowly(timer, target.getOutputStream());

                // a download that goes on after the client's FIN, slower than the limit in all: not cut while bytes flow
                assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
                long start = System.nanoTime();
                assertThat(in.read()).as("the gateway ends the half-closed tunnel").isEqualTo(-1);
                assertThat((System.nanoTime() - start) / 1_000_000).as("long before the idle timeout").isLessThan(15_000);
                target.setSoTimeout(5_000);
                assertThat(target.getInputStream().read()).as("the target saw the client's FIN").isEqualTo(-1);
            }
        } finally {
            timer.shutdownNow();
        }
    }
}
